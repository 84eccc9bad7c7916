"""Turning a closed sale into buyers' invoices and consignors' settlements.

``build_sale_orders`` is what the invoicing background job calls (and the staff mutation
``invoiceSale``). For a sale whose lots are all closed it writes:

- one **bidder** order per winning client: a line per SOLD lot (hammer price, buyer's premium
  at the sale's rate, tax at the sale's rate on the premium), each lot followed by its own
  additional charges (``Item.additional_charges``: shipping, insurance of that lot; the lines
  carry the lot's id, so crediting or splitting the lot takes its charges along), then the sale's
  additional charges (``Sale.additional_charges``: handling, catalogue) once per buyer;
- one **consignor** order per consignor: a line per SOLD lot of their consignments (hammer
  price less the commission: the consignment's tiers, else the client's), then each
  consignment's additional charges (photography, insurance) as deductions, once per
  consignment.

Re-running it changes nothing: a lot already on a non-canceled order of a type is skipped for
that type, and a consignment's or the sale's charges are added only with a client's first order
of the sale. Runs are serialized by a ``FOR NO KEY UPDATE`` lock on the sale row, which
``createOrder`` also takes, so two concurrent runs cannot invoice a lot twice; invoice numbers
come from a per-type counter row (gapless).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models
from db.queries.order import invoiced_item_ids, lock_sale_for_invoicing
from db.session import OperationDB
from domain.errors import Forbidden, NotFound, RuleViolation, UserErrorCode
from domain.orders import pricing
from domain.orders.documents import (
    Line,
    bidder_item_lines,
    charge_lines,
    consignor_item_line,
    write_order,
)
from domain.principal import Principal

_Row = TypeVar("_Row", models.Consignment, models.Client)


@dataclass(frozen=True, slots=True)
class InvoicingResult:
    """The orders a run created (none on a re-run) and the sold lots it found already invoiced."""

    sale_id: int
    created: list[models.Order] = field(default_factory=list)
    already_invoiced_item_ids: list[int] = field(default_factory=list)


async def build_sale_orders(db: OperationDB, principal: Principal, sale_id: int) -> InvoicingResult:
    """Invoice a closed sale: bidder orders per winner, consignor orders per consignor.

    Staff only (a job passes a staff or system principal, e.g. ``Principal(role=Role.ADMIN)``).
    Raises ``NotFound`` for an unknown sale and ``RuleViolation(SALE_NOT_CLOSED)`` while a lot
    is still open; nothing is written then.
    """
    if not principal.is_staff:
        raise Forbidden("Only staff may invoice a sale.")
    async with db.transaction() as session:
        sale = await lock_sale_for_invoicing(session, sale_id)
        if sale is None:
            raise NotFound("Sale not found.")
        items = await _items_of_sale(session, sale_id)
        still_open = [item for item in items if item.status not in models.CLOSED_ITEM_STATUSES]
        if still_open:
            raise RuleViolation(
                UserErrorCode.SALE_NOT_CLOSED,
                f"{len(still_open)} lot(s) of the sale are not closed yet.",
                "saleId",
            )
        sold = [item for item in items if is_invoiceable(item)]
        bidder_orders, bidder_skipped = await _bidder_orders(session, principal, sale, sold)
        consignor_orders, consignor_skipped = await _consignor_orders(
            session, principal, sale, sold
        )
        await session.flush()
    return InvoicingResult(
        sale_id=sale_id,
        created=bidder_orders + consignor_orders,
        already_invoiced_item_ids=sorted(bidder_skipped | consignor_skipped),
    )


def is_invoiceable(item: models.Item) -> bool:
    """A SOLD lot with a winner and a hammer price."""
    return (
        item.status is models.ItemStatus.SOLD
        and item.winner_id is not None
        and item.hammer_price is not None
    )


async def _items_of_sale(session: AsyncSession, sale_id: int) -> list[models.Item]:
    result = await session.execute(
        sa.select(models.Item)
        .where(col(models.Item.sale_id) == sale_id)
        .order_by(col(models.Item.lot_number), col(models.Item.lot_letter), col(models.Item.id))
    )
    return list(result.scalars().all())


async def _clients_with_orders(
    session: AsyncSession, sale_id: int, order_type: models.OrderType
) -> set[int]:
    """Clients who already have a non-canceled order of ``order_type`` in the sale."""
    result = await session.execute(
        sa.select(col(models.Order.client_id)).where(
            col(models.Order.sale_id) == sale_id,
            col(models.Order.type) == order_type,
            col(models.Order.status) != models.OrderStatus.CANCELED,
        )
    )
    return set(result.scalars().all())


async def _bidder_orders(
    session: AsyncSession, principal: Principal, sale: models.Sale, sold: Sequence[models.Item]
) -> tuple[list[models.Order], set[int]]:
    done = await invoiced_item_ids(session, [item.id for item in sold], models.OrderType.BIDDER)
    invoiced_before = await _clients_with_orders(session, sale.id, models.OrderType.BIDDER)
    by_winner: dict[int, list[models.Item]] = defaultdict(list)
    for item in sold:
        if item.id not in done and item.winner_id is not None:
            by_winner[item.winner_id].append(item)
    sale_charges = pricing.stored_charges(sale.additional_charges)
    created = []
    for winner_id in sorted(by_winner):
        lines: list[Line] = []
        for item in by_winner[winner_id]:
            lines += bidder_item_lines(item, sale)
        if winner_id not in invoiced_before:
            lines += charge_lines(sale_charges, deduction=False)
        created.append(
            await write_order(
                session,
                principal,
                order_type=models.OrderType.BIDDER,
                client_id=winner_id,
                sale=sale,
                lines=lines,
            )
        )
    return created, done


async def _consignor_orders(
    session: AsyncSession, principal: Principal, sale: models.Sale, sold: Sequence[models.Item]
) -> tuple[list[models.Order], set[int]]:
    consigned = [item for item in sold if item.consignment_id is not None]
    done = await invoiced_item_ids(
        session, [item.id for item in consigned], models.OrderType.CONSIGNOR
    )
    consignments = {
        row.id: row
        for row in await _by_ids(
            session, models.Consignment, {item.consignment_id for item in consigned}
        )
    }
    consignors = {
        row.id: row
        for row in await _by_ids(
            session, models.Client, {row.consignor_id for row in consignments.values()}
        )
    }
    settled_consignments = {item.consignment_id for item in consigned if item.id in done}
    by_consignor: dict[int, list[models.Item]] = defaultdict(list)
    for item in consigned:
        consignment = consignments.get(item.consignment_id or 0)
        if item.id not in done and consignment is not None:
            by_consignor[consignment.consignor_id].append(item)
    created = []
    for consignor_id in sorted(by_consignor):
        consignor = consignors[consignor_id]
        lines: list[Line] = []
        charged: list[int] = []
        for item in by_consignor[consignor_id]:
            consignment = consignments[item.consignment_id or 0]
            lines.append(consignor_item_line(item, consignment, consignor))
            if consignment.id not in settled_consignments and consignment.id not in charged:
                charged.append(consignment.id)
        for consignment_id in charged:
            charges = pricing.stored_charges(consignments[consignment_id].additional_charges)
            lines += charge_lines(charges, deduction=True)
        created.append(
            await write_order(
                session,
                principal,
                order_type=models.OrderType.CONSIGNOR,
                client_id=consignor_id,
                sale=sale,
                lines=lines,
            )
        )
    return created, done


async def _by_ids(session: AsyncSession, model: type[_Row], ids: set[int | None]) -> list[_Row]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return []
    result = await session.execute(sa.select(model).where(col(model.id).in_(wanted)))
    return list(result.scalars().all())
