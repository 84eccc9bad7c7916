"""Closing timed lots when their time is up, safely from any number of processes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models
from db.session import OperationDB
from domain.bidding import rules
from domain.jobs.invoicing import defer_sale_invoicing
from realtime.events import Event, ItemUpdated, SaleUpdated
from realtime.publish import publish

OPEN_STATUSES = (models.ItemStatus.AVAILABLE, models.ItemStatus.ACTIVE)


@dataclass(frozen=True, slots=True)
class ClosedLot:
    item_id: int
    sale_id: int
    status: models.ItemStatus
    hammer_price: Decimal | None
    winner_id: int | None


async def leading_clients(session: AsyncSession, items: Sequence[models.Item]) -> dict[int, int]:
    """The client of each item's leading bid, by item id (items without bids are left out)."""
    by_bid = {item.leading_bid_id: item.id for item in items if item.leading_bid_id is not None}
    if not by_bid:
        return {}
    rows = await session.execute(
        sa.select(col(models.Bid.id), col(models.Bid.client_id)).where(
            col(models.Bid.id).in_(list(by_bid))
        )
    )
    return {by_bid[bid_id]: client_id for bid_id, client_id in rows}


def hammer(item: models.Item, leader_id: int | None, now: datetime) -> None:
    """Close a lot on its result: SOLD to ``leader_id`` at the current bid if the reserve is
    met, else UNSOLD."""
    sold = (
        leader_id is not None
        and item.current_bid is not None
        and rules.reserve_met(item.current_bid, item.reserve_price)
    )
    item.status = models.ItemStatus.SOLD if sold else models.ItemStatus.UNSOLD
    item.hammer_price = item.current_bid if sold else None
    item.winner_id = leader_id if sold else None
    item.closed_at = now
    item.updated_at = now


async def close_finished_sales(
    session: AsyncSession, sale_ids: Iterable[int], now: datetime
) -> list[Event]:
    """Close each of these sales that has no open lot left; one ``SaleUpdated`` per sale closed.

    Each sale closed queues its ``invoice_sale`` job in the same transaction.

    Call it after flushing the lots just closed, in the transaction that closed them. The sale
    row is locked (after the item rows, in id order) before counting, so two transactions
    closing a sale's last two lots at once cannot both miss that the sale is done: the second
    counts after the first has committed.
    """
    items = models.Item
    events: list[Event] = []
    for sale_id in sorted(set(sale_ids)):
        await session.execute(
            sa.select(col(models.Sale.id)).where(col(models.Sale.id) == sale_id).with_for_update()
        )
        still_open = await session.scalar(
            sa.select(sa.func.count())
            .select_from(items)
            .where(col(items.sale_id) == sale_id, col(items.status).in_(OPEN_STATUSES))
        )
        if still_open:
            continue
        closed = await session.execute(
            sa.update(models.Sale)
            .where(col(models.Sale.id) == sale_id, col(models.Sale.closed_at).is_(None))
            .values(closed_at=now, updated_at=now)
        )
        if closed.rowcount:  # type: ignore[attr-defined]
            events.append(SaleUpdated(sale_id=sale_id))
            await defer_sale_invoicing(session, sale_id)
    return events


async def close_due_lots(db: OperationDB, now: datetime, limit: int = 200) -> list[ClosedLot]:
    """Close up to ``limit`` timed lots whose ``closes_at`` has passed; one transaction.

    Lots are claimed with ``FOR UPDATE SKIP LOCKED``: a lot a bid is holding (its soft-close
    extension may be committing) is skipped and looked at again next time, and two closers
    never claim the same lot. PostgreSQL re-checks ``closes_at`` on the locked row, so a lot
    extended in the meantime is not closed early. A lot is SOLD to the leading bidder at the
    current bid when the reserve is met, else UNSOLD. A sale whose last lot closed is closed.
    """
    items = models.Item
    async with db.transaction() as session:
        due = (
            (
                await session.execute(
                    sa.select(items)
                    .join(models.Sale, col(models.Sale.id) == col(items.sale_id))
                    .where(
                        col(models.Sale.kind) == models.SaleKind.TIMED,
                        col(items.status).in_(OPEN_STATUSES),
                        col(items.closes_at) <= now,
                    )
                    .order_by(col(items.closes_at), col(items.id))
                    .limit(limit)
                    .with_for_update(of=items, skip_locked=True)
                )
            )
            .scalars()
            .all()
        )
        if not due:
            return []
        leaders = await leading_clients(session, due)
        closed: list[ClosedLot] = []
        events: list[Event] = []
        for item in due:
            hammer(item, leaders.get(item.id), now)
            closed.append(
                ClosedLot(item.id, item.sale_id, item.status, item.hammer_price, item.winner_id)
            )
            events.append(ItemUpdated(item_id=item.id, sale_id=item.sale_id, reason="closed"))
        await session.flush()
        events += await close_finished_sales(session, {item.sale_id for item in due}, now)
        await publish(session, *events)
    return closed
