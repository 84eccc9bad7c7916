"""Publishing events inside the caller's transaction."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from realtime.events import CHANNEL, Event


async def publish(session: AsyncSession, *events: Event) -> None:
    """``pg_notify`` each event in the session's transaction.

    PostgreSQL delivers notifications only when the transaction commits, and in commit order,
    so listeners never hear of a bid that was rolled back.
    """
    for event in events:
        await session.execute(sa.select(sa.func.pg_notify(CHANNEL, event.model_dump_json())))
