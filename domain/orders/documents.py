"""Building blocks shared by the order use cases: new orders, priced lines, totals, audit.

Nothing here commits; every function works inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.queries.order import next_order_number
from domain import audit
from domain.errors import RuleViolation, UserErrorCode
from domain.orders import pricing
from domain.principal import Principal
from realtime.events import EntityUpdated
from realtime.publish import publish

ORDER = models.EntityType.ORDER


def lot_label(item: models.Item) -> str:
    """``"Lot 12A: Imari charger"`` (or just the title for an unnumbered lot)."""
    if item.lot_number is None:
        return item.title
    return f"Lot {item.lot_number}{item.lot_letter}: {item.title}"


def charge_label(charge: pricing.Charge) -> str:
    return f"{charge.term}: {charge.description}" if charge.description else charge.term


@dataclass(slots=True)
class Line:
    """A line about to be written: what it is, what it is about, and its money."""

    kind: models.OrderLineKind
    description: str
    amounts: pricing.LineAmounts
    item_id: int | None = None


def item_line(item: models.Item, amounts: pricing.LineAmounts) -> Line:
    return Line(models.OrderLineKind.ITEM, lot_label(item), amounts, item.id)


def charge_lines(
    charges: Iterable[pricing.Charge], *, deduction: bool, item_id: int | None = None
) -> list[Line]:
    """Charge lines; on a consignor settlement (``deduction``) they are negative."""
    return [
        Line(
            models.OrderLineKind.CHARGE,
            charge_label(charge),
            pricing.charge_line(charge.amount, charge.tax, deduction=deduction),
            item_id,
        )
        for charge in charges
    ]


def bidder_item_lines(item: models.Item, sale: models.Sale) -> list[Line]:
    """A sold lot on its buyer's invoice, followed by the lot's own additional charges."""
    amounts = pricing.bidder_line(
        item.hammer_price or Decimal(0), sale.buyers_premium_rate, sale.tax_rate
    )
    charges = pricing.stored_charges(item.additional_charges)
    return [item_line(item, amounts), *charge_lines(charges, deduction=False, item_id=item.id)]


def consignor_item_line(
    item: models.Item, consignment: models.Consignment, consignor: models.Client
) -> Line:
    """A sold lot on its consignor's settlement: the consignment's tiers, else the client's."""
    tiers = pricing.consignment_tiers(consignment.commission_steps)
    kind = pricing.step_type(consignment.commission_step_type)
    if not tiers:
        tiers, kind = pricing.client_tiers(consignor.consignor_commissions), pricing.StepType.TIERED
    amounts = pricing.consignor_line(item.hammer_price or Decimal(0), tiers, kind)
    return item_line(item, amounts)


def amounts_of(line: models.OrderLine) -> pricing.LineAmounts:
    return pricing.LineAmounts(
        hammer_price=line.hammer_price,
        premium=line.premium,
        commission=line.commission,
        tax=line.tax,
        amount=line.amount,
    )


def set_amounts(line: models.OrderLine, amounts: pricing.LineAmounts) -> None:
    line.hammer_price = amounts.hammer_price
    line.premium = amounts.premium
    line.commission = amounts.commission
    line.tax = amounts.tax
    line.amount = amounts.amount
    line.total = amounts.total


def set_totals(order: models.Order, lines: Iterable[models.OrderLine]) -> None:
    """Make the order's totals the exact sums of ``lines`` (all of its lines)."""
    totals = pricing.order_totals(amounts_of(line) for line in lines)
    order.subtotal = totals.subtotal
    order.buyers_premium = totals.buyers_premium
    order.tax = totals.tax
    order.charges = totals.charges
    order.grand_total = totals.grand_total


def add_lines(
    session: AsyncSession, order: models.Order, lines: Sequence[Line], start: int = 1
) -> list[models.OrderLine]:
    """Add ``lines`` to ``order`` at positions ``start``, ``start + 1``, …"""
    rows = []
    for position, line in enumerate(lines, start=start):
        row = models.OrderLine(
            order_id=order.id,
            kind=line.kind,
            item_id=line.item_id,
            position=position,
            description=line.description,
        )
        set_amounts(row, line.amounts)
        session.add(row)
        rows.append(row)
    return rows


async def new_order(
    session: AsyncSession,
    *,
    order_type: models.OrderType,
    client_id: int,
    sale: models.Sale | None,
    status: models.OrderStatus = models.OrderStatus.NEW,
    original_order_id: int | None = None,
    currency: str | None = None,
) -> models.Order:
    """A flushed, empty order with the next invoice number of its type."""
    order = models.Order(
        number=await next_order_number(session, order_type),
        type=order_type,
        status=status,
        client_id=client_id,
        sale_id=sale.id if sale is not None else None,
        original_order_id=original_order_id,
        currency=currency or (sale.currency if sale is not None else "EUR"),
    )
    session.add(order)
    await session.flush()
    return order


async def write_order(
    session: AsyncSession,
    principal: Principal,
    *,
    order_type: models.OrderType,
    client_id: int,
    sale: models.Sale | None,
    lines: Sequence[Line],
    status: models.OrderStatus = models.OrderStatus.NEW,
    original_order_id: int | None = None,
    currency: str | None = None,
) -> models.Order:
    """A new order with ``lines`` and their totals, audited and announced."""
    order = await new_order(
        session,
        order_type=order_type,
        client_id=client_id,
        sale=sale,
        status=status,
        original_order_id=original_order_id,
        currency=currency,
    )
    rows = add_lines(session, order, lines)
    set_totals(order, rows)
    await session.flush()
    await audit.record_created(session, principal, ORDER, order)
    await announce(session, principal, order)
    return order


async def announce(session: AsyncSession, principal: Principal, *orders: models.Order) -> None:
    """``EntityUpdated(bundle="order")`` for each order, sent on commit."""
    await publish(
        session,
        *(
            EntityUpdated(bundle="order", entity_id=order.id, user_id=principal.user_id)
            for order in orders
        ),
    )


def check_charges(charges: Sequence[pricing.Charge], field: str) -> list[RuleViolation]:
    """Charge rows a user typed: non-negative amounts and taxes, in cents."""
    violations = []
    for index, charge in enumerate(charges):
        for name, value in (("amount", charge.amount), ("tax", charge.tax)):
            if not value.is_finite() or value < 0 or pricing.to_cents(value) != value:
                violations.append(
                    RuleViolation(
                        UserErrorCode.INVALID_AMOUNT,
                        f"A charge's {name} must be zero or more, in cents.",
                        f"{field}.{index}.{name}",
                    )
                )
        if not charge.term.strip():
            violations.append(
                RuleViolation(
                    UserErrorCode.REQUIRED, "A charge needs a term.", f"{field}.{index}.term"
                )
            )
    return violations
