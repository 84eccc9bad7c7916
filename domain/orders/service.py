"""Staff use cases on orders: create, update, split, credit note, cancel and reissue.

Each runs in one transaction, locks the rows it changes (the order; the sale while lots are put
on orders), raises ``RuleViolation(s)`` before writing anything when a rule is broken, records
its activity rows and publishes ``EntityUpdated(bundle="order")`` for every order it touched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models
from db.queries.order import (
    credited_item_ids,
    invoiced_item_ids,
    lines_of_orders,
    lock_order,
    lock_sale_for_invoicing,
    open_order_for,
    transactions_of_order,
)
from db.session import OperationDB
from domain import audit
from domain.errors import Forbidden, NotFound, RuleViolation, RuleViolations, UserErrorCode
from domain.orders import pricing, workflow
from domain.orders.documents import (
    ORDER,
    Line,
    add_lines,
    amounts_of,
    announce,
    bidder_item_lines,
    charge_lines,
    check_charges,
    consignor_item_line,
    set_totals,
    write_order,
)
from domain.principal import Principal

MAX_CREDIT_NOTE_ITEMS = 100

ADDRESS_FIELDS = frozenset(
    {
        "country",
        "administrative_area",
        "locality",
        "postal_code",
        "thoroughfare",
        "premise",
        "first_name",
        "last_name",
        "organisation_name",
    }
)
"""The sub-fields of a custom address (those of a client address, REST B2.0)."""

UPDATABLE_FIELDS = frozenset(
    {"status", "additional_charges", "use_custom_address", "custom_address"}
)


def _staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("Only staff may do this.")


async def _locked_order(session: AsyncSession, order_id: int) -> models.Order:
    order = await lock_order(session, order_id)
    if order is None:
        raise NotFound("Order not found.")
    return order


def _item_lines(lines: Sequence[models.OrderLine]) -> dict[int, models.OrderLine]:
    return {
        line.item_id: line
        for line in lines
        if line.kind is models.OrderLineKind.ITEM and line.item_id is not None
    }


# -- create --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateOrder:
    """A new order (REST B4.3). ``item_ids``: lots to put on it; ``charges``: its own charges."""

    order_type: models.OrderType
    sale_id: int
    client_id: int
    status: models.OrderStatus = models.OrderStatus.NEW
    item_ids: tuple[int, ...] = ()
    charges: tuple[pricing.Charge, ...] = ()


async def create_order(db: OperationDB, principal: Principal, cmd: CreateOrder) -> models.Order:
    """Create a BIDDER, CONSIGNOR or TRANSPORT_INVOICE order, priced by the service.

    Bidder orders take lots of the sale won by the owner (premium and tax at the sale's rates,
    plus each lot's own charges); consignor orders take sold lots of the owner's consignments in
    the sale (less commission); transport invoices take charges only. A lot may be on one
    non-canceled order of each type. ``charges`` are added as the order's own charge lines
    (deductions on a consignor order).
    """
    _staff(principal)
    async with db.transaction() as session:
        sale = await lock_sale_for_invoicing(session, cmd.sale_id)
        client = await session.get(models.Client, cmd.client_id)
        violations = _create_violations(cmd, sale, client)
        lines: list[Line] = []
        if sale is not None and client is not None and not violations:
            item_lines, item_violations = await _lines_for_items(session, cmd, sale, client)
            violations += item_violations
            lines += item_lines
        if violations:
            raise RuleViolations(violations)
        assert sale is not None
        assert client is not None
        deduction = cmd.order_type is models.OrderType.CONSIGNOR
        lines += charge_lines(cmd.charges, deduction=deduction)
        order = await write_order(
            session,
            principal,
            order_type=cmd.order_type,
            client_id=client.id,
            sale=sale,
            lines=lines,
            status=cmd.status,
        )
    return order


def _create_violations(
    cmd: CreateOrder, sale: models.Sale | None, client: models.Client | None
) -> list[RuleViolation]:
    violations = []
    if cmd.order_type is models.OrderType.CREDIT_NOTE:
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID,
                "Credit notes are created from an order (createCreditNote).",
                "type",
            )
        )
    if cmd.status not in workflow.OPEN_STATUSES:
        violations.append(
            RuleViolation(UserErrorCode.INVALID, "A new order is NEW or IN_PROCESS.", "status")
        )
    if sale is None:
        violations.append(RuleViolation(UserErrorCode.NOT_FOUND, "Sale not found.", "saleId"))
    if client is None:
        violations.append(RuleViolation(UserErrorCode.NOT_FOUND, "Client not found.", "ownerId"))
    if cmd.order_type is models.OrderType.TRANSPORT_INVOICE and cmd.item_ids:
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID, "A transport invoice holds charges only.", "itemIds"
            )
        )
    if len(set(cmd.item_ids)) != len(cmd.item_ids):
        violations.append(RuleViolation(UserErrorCode.INVALID, "Items repeat.", "itemIds"))
    return violations + check_charges(cmd.charges, "additionalCharges")


async def _lines_for_items(
    session: AsyncSession, cmd: CreateOrder, sale: models.Sale, client: models.Client
) -> tuple[list[Line], list[RuleViolation]]:
    if not cmd.item_ids:
        return [], []
    result = await session.execute(
        sa.select(models.Item, models.Consignment)
        .outerjoin(
            models.Consignment,
            col(models.Consignment.id) == col(models.Item.consignment_id),
        )
        .where(col(models.Item.id).in_(cmd.item_ids))
    )
    found = {item.id: (item, consignment) for item, consignment in result.all()}
    taken = await invoiced_item_ids(session, cmd.item_ids, cmd.order_type)
    lines: list[Line] = []
    violations = []
    for index, item_id in enumerate(cmd.item_ids):
        where = f"itemIds.{index}"
        item, consignment = found.get(item_id, (None, None))
        if item is None:
            violations.append(RuleViolation(UserErrorCode.NOT_FOUND, "Item not found.", where))
            continue
        sold = (
            item.sale_id == sale.id
            and item.status is models.ItemStatus.SOLD
            and item.hammer_price is not None
        )
        if cmd.order_type is models.OrderType.BIDDER:
            eligible = sold and item.winner_id == client.id
            reason = "The item is not a lot of this sale won by the owner."
        else:
            eligible = sold and consignment is not None and consignment.consignor_id == client.id
            reason = "The item is not a sold lot of the owner's consignments in this sale."
        if not eligible:
            violations.append(RuleViolation(UserErrorCode.ITEM_NOT_ELIGIBLE, reason, where))
        elif item_id in taken:
            violations.append(
                RuleViolation(
                    UserErrorCode.ALREADY_INVOICED,
                    "The item is already on another order of this type.",
                    where,
                )
            )
        elif cmd.order_type is models.OrderType.BIDDER:
            lines += bidder_item_lines(item, sale)
        elif consignment is not None:
            lines.append(consignor_item_line(item, consignment, client))
    return lines, violations


# -- update --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpdateOrder:
    """A partial update (REST B4.4): only the keys present in ``changes`` change.

    Keys: ``status`` (OrderStatus), ``additional_charges`` (a sequence of ``pricing.Charge``:
    replaces the order's own charge lines, those not tied to a lot), ``use_custom_address``
    (bool), ``custom_address`` (a mapping of address sub-fields, or None).
    """

    order_id: int
    changes: Mapping[str, Any] = field(default_factory=dict)


async def update_order(db: OperationDB, principal: Principal, cmd: UpdateOrder) -> models.Order:
    """Change an order's status, own charges or custom address (the workflow of B4.0)."""
    _staff(principal)
    unknown = set(cmd.changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    async with db.transaction() as session:
        order = await _locked_order(session, cmd.order_id)
        before = audit.snapshot(order)
        violations = _update_violations(order, cmd.changes)
        if violations:
            raise RuleViolations(violations)
        changes = cmd.changes
        if "status" in changes:
            if changes["status"] is models.OrderStatus.CANCELED and order.amount_paid != 0:
                raise RuleViolation(
                    UserErrorCode.INVALID_STATUS_TRANSITION,
                    "Refund the payments before canceling the order.",
                    "status",
                )
            order.status = changes["status"]
        if "use_custom_address" in changes:
            order.use_custom_address = bool(changes["use_custom_address"])
        if "custom_address" in changes:
            address = changes["custom_address"]
            order.custom_address = dict(address) if address is not None else None
        if "additional_charges" in changes:
            await _replace_charges(session, order, list(changes["additional_charges"]))
        await session.flush()
        await audit.record_updated(session, principal, ORDER, order, before)
        await announce(session, principal, order)
    return order


def _update_violations(order: models.Order, changes: Mapping[str, Any]) -> list[RuleViolation]:
    violations = []
    status = changes.get("status", order.status)
    if not workflow.can_change_status(order.status, status):
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID_STATUS_TRANSITION, "Invalid status transition", "status"
            )
        )
    if order.status in workflow.FROZEN_STATUSES and set(changes) - {"status"}:
        violations.append(RuleViolation(UserErrorCode.ORDER_LOCKED, "Order is locked"))
    if "additional_charges" in changes:
        violations += check_charges(list(changes["additional_charges"]), "additionalCharges")
    address = changes.get("custom_address")
    if address is not None:
        extra = set(address) - ADDRESS_FIELDS
        if extra:
            violations.append(
                RuleViolation(
                    UserErrorCode.INVALID,
                    f"Unknown address fields: {', '.join(sorted(extra))}.",
                    "customAddress",
                )
            )
        country = address.get("country")
        if not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
            violations.append(
                RuleViolation(
                    UserErrorCode.INVALID,
                    "The country is a two-letter ISO code.",
                    "customAddress.country",
                )
            )
    return violations


async def _replace_charges(
    session: AsyncSession, order: models.Order, charges: list[pricing.Charge]
) -> None:
    lines = await lines_of_orders(session, [order.id])
    own = [line for line in lines if line.kind is models.OrderLineKind.CHARGE and not line.item_id]
    kept = [line for line in lines if line not in own]
    for line in own:
        await session.delete(line)
    deduction = order.type is models.OrderType.CONSIGNOR
    start = max((line.position for line in kept), default=0) + 1
    added = add_lines(session, order, charge_lines(charges, deduction=deduction), start)
    set_totals(order, kept + added)
    if not workflow.within_paid_bounds(order.grand_total, order.amount_paid):
        raise RuleViolation(
            UserErrorCode.OVERPAYMENT,
            "The new total would be less than what was paid on the order.",
            "additionalCharges",
        )


# -- split ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SplitOrder:
    """Move these lots (with their own charge lines) of an open order to another (REST B4.5)."""

    order_id: int
    item_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SplitResult:
    source: models.Order
    target: models.Order
    moved_item_ids: list[int]


async def split_order(db: OperationDB, principal: Principal, cmd: SplitOrder) -> SplitResult:
    """Move lots to the owner's other open order of the same type and sale, or to a new one.

    Only NEW / IN_PROCESS orders split; at least one lot stays; both orders' totals are
    recomputed, and the source may not end up paid beyond its new total.
    """
    _staff(principal)
    async with db.transaction() as session:
        source = await _locked_order(session, cmd.order_id)
        lines = await lines_of_orders(session, [source.id])
        on_order = _item_lines(lines)
        violations = []
        if source.status not in workflow.OPEN_STATUSES:
            violations.append(
                RuleViolation(
                    UserErrorCode.INVALID_STATUS_TRANSITION,
                    "Only NEW or IN_PROCESS orders can be split.",
                    "orderId",
                )
            )
        if not cmd.item_ids:
            violations.append(RuleViolation(UserErrorCode.REQUIRED, "Choose items.", "itemIds"))
        violations += [
            RuleViolation(
                UserErrorCode.ITEM_NOT_ELIGIBLE, "The item is not on the order.", f"itemIds.{i}"
            )
            for i, item_id in enumerate(cmd.item_ids)
            if item_id not in on_order
        ]
        moving = set(cmd.item_ids)
        if on_order and moving >= set(on_order):
            violations.append(
                RuleViolation(
                    UserErrorCode.INVALID, "At least one item must stay on the order.", "itemIds"
                )
            )
        if violations:
            raise RuleViolations(violations)
        sale = await session.get(models.Sale, source.sale_id) if source.sale_id else None
        before_source = audit.snapshot(source)
        target = await open_order_for(session, source, exclude_id=source.id)
        if target is None:
            target = await write_order(
                session,
                principal,
                order_type=source.type,
                client_id=source.client_id,
                sale=sale,
                lines=[],
                currency=source.currency,
            )
        before_target = audit.snapshot(target)
        target_lines = await lines_of_orders(session, [target.id])
        position = max((line.position for line in target_lines), default=0)
        moved = [line for line in lines if line.item_id in moving]
        for line in moved:
            position += 1
            line.order_id, line.position = target.id, position
        staying = [line for line in lines if line.item_id not in moving]
        set_totals(source, staying)
        set_totals(target, target_lines + moved)
        if not workflow.within_paid_bounds(source.grand_total, source.amount_paid):
            raise RuleViolation(
                UserErrorCode.OVERPAYMENT,
                "More was paid on the order than would remain on it; refund first.",
                "itemIds",
            )
        await session.flush()
        await audit.record_updated(session, principal, ORDER, source, before_source, "split")
        await audit.record_updated(session, principal, ORDER, target, before_target, "split")
        await announce(session, principal, source, target)
    return SplitResult(source=source, target=target, moved_item_ids=list(cmd.item_ids))


# -- credit notes --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateCreditNote:
    """Reverse these lots of a FINISHED or LOCKED order (REST B4.6)."""

    order_id: int
    item_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CreditNoteResult:
    order: models.Order
    credit_note: models.Order


async def create_credit_note(
    db: OperationDB, principal: Principal, cmd: CreateCreditNote
) -> CreditNoteResult:
    """A FINISHED credit note whose lines negate the lots' lines (and their own charges).

    1 to 100 lots of the order; a lot already on one of its non-canceled credit notes cannot be
    credited again.
    """
    _staff(principal)
    async with db.transaction() as session:
        order = await _locked_order(session, cmd.order_id)
        lines = await lines_of_orders(session, [order.id])
        credited = await credited_item_ids(session, order.id)
        violations = _credit_violations(order, _item_lines(lines), credited, cmd.item_ids)
        if violations:
            raise RuleViolations(violations)
        note = await _credit_note(session, principal, order, lines, set(cmd.item_ids))
    return CreditNoteResult(order=order, credit_note=note)


def _credit_violations(
    order: models.Order,
    on_order: Mapping[int, models.OrderLine],
    credited: set[int],
    item_ids: Sequence[int],
) -> list[RuleViolation]:
    violations = []
    if order.type is models.OrderType.CREDIT_NOTE:
        violations.append(
            RuleViolation(UserErrorCode.INVALID, "A credit note cannot be credited.", "orderId")
        )
    if order.status not in (models.OrderStatus.FINISHED, models.OrderStatus.LOCKED):
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID_STATUS_TRANSITION,
                "Order must be in 'finished' or 'locked' status",
                "orderId",
            )
        )
    if not item_ids:
        violations.append(RuleViolation(UserErrorCode.REQUIRED, "Choose items.", "itemIds"))
    if len(item_ids) > MAX_CREDIT_NOTE_ITEMS:
        violations.append(
            RuleViolation(UserErrorCode.INVALID, "Maximum 100 items per credit note", "itemIds")
        )
    for index, item_id in enumerate(item_ids):
        where = f"itemIds.{index}"
        if item_id not in on_order:
            violations.append(
                RuleViolation(
                    UserErrorCode.ITEM_NOT_ELIGIBLE, "The item is not on the order.", where
                )
            )
        elif item_id in credited:
            violations.append(
                RuleViolation(
                    UserErrorCode.ALREADY_CREDITED, "The item is already credited.", where
                )
            )
    return violations


async def _credit_note(
    session: AsyncSession,
    principal: Principal,
    order: models.Order,
    lines: Sequence[models.OrderLine],
    item_ids: set[int] | None,
) -> models.Order:
    """A credit note negating the lines of ``item_ids`` (every line when None)."""
    chosen = [line for line in lines if item_ids is None or line.item_id in item_ids]
    sale = await session.get(models.Sale, order.sale_id) if order.sale_id else None
    return await write_order(
        session,
        principal,
        order_type=models.OrderType.CREDIT_NOTE,
        client_id=order.client_id,
        sale=sale,
        lines=[
            Line(line.kind, line.description, pricing.credit_line(amounts_of(line)), line.item_id)
            for line in chosen
        ],
        status=models.OrderStatus.FINISHED,
        original_order_id=order.id,
        currency=order.currency,
    )


# -- cancel and reissue --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CancelAndReissue:
    """Correct a LOCKED order (REST B4.7)."""

    order_id: int


@dataclass(frozen=True, slots=True)
class ReissueResult:
    order: models.Order
    credit_note: models.Order
    new_order: models.Order


async def cancel_and_reissue_order(
    db: OperationDB, principal: Principal, cmd: CancelAndReissue
) -> ReissueResult:
    """Cancel a LOCKED order, credit it, and reissue its lines on a NEW order.

    The credit note and the new order take every line of the order except lots already
    credited (and their charges), so the credit note exactly reverses what the new order
    carries again. The order's transactions move to the new order (the money follows the
    invoice that replaces it), so the client's balance is unchanged by a reissue.
    """
    _staff(principal)
    async with db.transaction() as session:
        order = await _locked_order(session, cmd.order_id)
        if order.status is not models.OrderStatus.LOCKED:
            raise RuleViolation(
                UserErrorCode.INVALID_STATUS_TRANSITION,
                "Only locked orders can be canceled and reissued",
                "orderId",
            )
        if order.sale_id is not None:
            await lock_sale_for_invoicing(session, order.sale_id)
        lines = await lines_of_orders(session, [order.id])
        credited = await credited_item_ids(session, order.id)
        live = [line for line in lines if line.item_id is None or line.item_id not in credited]
        before = audit.snapshot(order)
        order.status = models.OrderStatus.CANCELED
        await session.flush()
        note = await _credit_note(session, principal, order, live, None)
        sale = await session.get(models.Sale, order.sale_id) if order.sale_id else None
        reissued = await write_order(
            session,
            principal,
            order_type=order.type,
            client_id=order.client_id,
            sale=sale,
            lines=[
                Line(line.kind, line.description, amounts_of(line), line.item_id) for line in live
            ],
            original_order_id=order.id,
            currency=order.currency,
        )
        await _move_transactions(session, principal, order, reissued)
        await audit.record_updated(session, principal, ORDER, order, before, "cancel_and_reissue")
        await announce(session, principal, order)
    return ReissueResult(order=order, credit_note=note, new_order=reissued)


async def _move_transactions(
    session: AsyncSession, principal: Principal, source: models.Order, target: models.Order
) -> None:
    for transaction in await transactions_of_order(session, source.id):
        before = audit.snapshot(transaction, ["order_id"])
        transaction.order_id = target.id
        await session.flush()
        await audit.record_updated(
            session, principal, models.EntityType.TRANSACTION, transaction, before, "reissue"
        )
    before_target = audit.snapshot(target, ["amount_paid", "status"])
    target.amount_paid, source.amount_paid = source.amount_paid, pricing.ZERO
    target.status = workflow.status_after_payment(
        target.status, target.grand_total, target.amount_paid
    )
    await session.flush()
    await audit.record_updated(session, principal, ORDER, target, before_target, "reissue")
