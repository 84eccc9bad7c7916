"""Rate counters (REST requests, failed logins): one upsert each, shared by every process."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models

C = models.RateLimitCounter


async def count_request(session: AsyncSession, key: str, window_start: datetime) -> int:
    """Add one request of ``key`` to its window; the window's count including it."""
    stmt = (
        insert(C)
        .values(key=key, window_start=window_start, count=1)
        .on_conflict_do_update(
            index_elements=[col(C.key), col(C.window_start)],
            set_={"count": col(C.count) + 1},
        )
        .returning(col(C.count))
    )
    return int((await session.execute(stmt)).scalar_one())


async def window_count(session: AsyncSession, key: str, window_start: datetime) -> int:
    """What ``key`` has counted in this window so far (0 before its first)."""
    stmt = sa.select(col(C.count)).where(col(C.key) == key, col(C.window_start) == window_start)
    return int((await session.execute(stmt)).scalar() or 0)


async def forget_windows_before(session: AsyncSession, prefix: str, moment: datetime) -> None:
    """Drop the counters of keys starting with ``prefix`` whose window began before ``moment``."""
    await session.execute(
        sa.delete(C).where(
            col(C.key).startswith(prefix, autoescape=True), col(C.window_start) < moment
        )
    )
