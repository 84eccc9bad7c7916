"""Announcing lots that enter their last minute (``itemUpdated`` with the new state)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col

from db import models
from db.session import OperationDB
from realtime.events import ItemUpdated
from realtime.publish import publish

ENDING_SOON = timedelta(minutes=1)


async def announce_ending_soon(
    db: OperationDB, now: datetime, window: timedelta = ENDING_SOON, limit: int = 500
) -> list[int]:
    """Publish ``itemUpdated`` once for each open timed lot that now closes within ``window``.

    The announced ``closes_at`` is remembered on the lot, so a soft-close extension that later
    brings the lot back into its last minute is announced again. Rows are claimed with
    ``SKIP LOCKED``: several processes never announce the same lot twice.
    """
    items = models.Item
    async with db.transaction() as session:
        due = list(
            (
                await session.execute(
                    sa.select(items)
                    .join(models.Sale, col(models.Sale.id) == col(items.sale_id))
                    .where(
                        col(models.Sale.kind) == models.SaleKind.TIMED,
                        col(items.status).in_(
                            (models.ItemStatus.AVAILABLE, models.ItemStatus.ACTIVE)
                        ),
                        col(items.closes_at) > now,
                        col(items.closes_at) <= now + window,
                        col(items.ending_soon_for).is_distinct_from(col(items.closes_at)),
                    )
                    .order_by(col(items.closes_at))
                    .limit(limit)
                    .with_for_update(of=items, skip_locked=True)
                )
            ).scalars()
        )
        for item in due:
            item.ending_soon_for = item.closes_at
        await session.flush()
        await publish(
            session,
            *(ItemUpdated(item_id=i.id, sale_id=i.sale_id, reason="ending_soon") for i in due),
        )
    return [item.id for item in due]
