"""Staggered closing: lot n of a timed sale closes ``stagger`` seconds after lot n-1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col

from db import models
from db.session import OperationDB
from domain import audit
from domain.errors import NotFound, RuleViolation, UserErrorCode
from domain.principal import Principal
from realtime.events import Event, ItemUpdated, SaleUpdated
from realtime.publish import publish


@dataclass(frozen=True, slots=True)
class ScheduleClosing:
    sale_id: int
    first_closes_at: datetime
    stagger_seconds: int


def closing_times(first_closes_at: datetime, stagger_seconds: int, lots: int) -> list[datetime]:
    """Closing time of each lot in lot order (pure)."""
    return [first_closes_at + timedelta(seconds=stagger_seconds * n) for n in range(lots)]


async def schedule_closing(
    db: OperationDB, principal: Principal, cmd: ScheduleClosing
) -> models.Sale:
    """Set every open lot's ``closes_at`` in lot order, staggered; one transaction.

    The open lots are locked in id order (the order bids take single locks in), so a bid racing
    the schedule either lands before it or sees the new closing time.
    """
    if cmd.stagger_seconds < 0:
        raise RuleViolation(
            UserErrorCode.INVALID, "staggerSeconds must not be negative", "staggerSeconds"
        )
    async with db.transaction() as session:
        sale = await session.get(models.Sale, cmd.sale_id, with_for_update=True)
        if sale is None:
            raise NotFound("No such sale.")
        if sale.kind is not models.SaleKind.TIMED:
            raise RuleViolation(
                UserErrorCode.INVALID, "Only timed sales close by the clock.", "saleId"
            )
        open_lots = list(
            (
                await session.execute(
                    sa.select(models.Item)
                    .where(
                        col(models.Item.sale_id) == sale.id,
                        col(models.Item.status).in_(
                            (models.ItemStatus.AVAILABLE, models.ItemStatus.ACTIVE)
                        ),
                    )
                    .order_by(col(models.Item.id))
                    .with_for_update()
                )
            ).scalars()
        )
        before = audit.snapshot(sale, ["ends_at", "stagger_seconds"])
        open_lots.sort(key=lambda i: (i.lot_number is None, i.lot_number, i.lot_letter, i.id))
        times = closing_times(cmd.first_closes_at, cmd.stagger_seconds, len(open_lots))
        events: list[Event] = []
        for item, closes_at in zip(open_lots, times, strict=True):
            item.closes_at = closes_at
            events.append(ItemUpdated(item_id=item.id, sale_id=sale.id, reason="rescheduled"))
        sale.stagger_seconds = cmd.stagger_seconds
        sale.ends_at = times[-1] if times else cmd.first_closes_at
        events.append(SaleUpdated(sale_id=sale.id))
        await session.flush()
        await publish(session, *events)
        await audit.record_updated(
            session, principal, models.EntityType.SALE, sale, before, "schedule_closing"
        )
    return sale
