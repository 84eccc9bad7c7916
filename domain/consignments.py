"""Staff use cases on consignments: create, update (partial) and delete.

Rules (REST B3):
- ``title`` and ``consignor`` are required; the consignor and the sale must exist.
- ``number`` is unique per installation; ``CON-<year>-<seq>`` is generated when it is absent.
- ``estimated`` and ``insuranceValue`` are amounts >= 0 with cents; ``underbid`` is a fraction
  0..1; ``commissionStepType`` is ``percentage``, ``fixed`` or ``tiered``; each commission step
  is ``{from, rate}`` or ``{from, amount}`` with ``from`` rising from 0.
- A consignment's lots belong to its sale, so a consignment with lots cannot change sale
  (``HAS_ITEMS``: move the lots with ``moveItems``) and cannot be deleted (``HAS_ITEMS``): it
  carries their history (consignor statements are built from it).
- ``additionalCharges``, ``shippingMethods`` and ``finderFees`` are row fields replaced as a
  whole (``domain.rows``); a finder is an existing client and a finder fee's lot, when named,
  is a lot of this consignment.
- ``responsibleUserIds`` are staff users (``domain.responsible``), kept in order.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from db import models
from db.queries import catalogue as queries
from db.session import OperationDB
from domain import audit, responsible
from domain import rows as row_fields
from domain.errors import Forbidden, NotFound, RuleViolation, UserErrorCode
from domain.fields import Checks
from domain.principal import Principal
from realtime.events import EntityUpdated
from realtime.publish import publish

WRITABLE = frozenset(
    {
        "number",
        "title",
        "symbol",
        "sub_symbol",
        "consignor_id",
        "sale_id",
        "published",
        "promoted",
        "no_post_sale",
        "estimated",
        "insurance_value",
        "insurance_type",
        "underbid",
        "commission_step_type",
        "commission_steps",
        "tax_type",
        "payment_instructions",
        "additional_charges",
        "shipping_methods",
        "finder_fees",
        responsible.FIELD,
    }
)
NOT_NULL = ("number", "title", "consignor_id", "published", "promoted", "no_post_sale")
STEP_TYPES = frozenset({"percentage", "fixed", "tiered"})
ENTITY = models.EntityType.CONSIGNMENT


@dataclass(frozen=True, slots=True)
class CreateConsignment:
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class UpdateConsignment:
    consignment_id: int
    changes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeleteConsignment:
    consignment_id: int


def _staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("Only staff may do this.")


def _fields(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - WRITABLE
    if unknown:
        raise ValueError(f"not writable on a consignment: {sorted(unknown)}")
    return dict(values)


def _check_steps(checks: Checks, rows: list[dict[str, Any]]) -> None:
    starts: list[Decimal] = []
    for row in rows:
        start = row.get("from")
        rate, amount = row.get("rate"), row.get("amount")
        if not isinstance(start, Decimal) or (rate is None) == (amount is None):
            checks.fail(
                "commissionSteps",
                UserErrorCode.INVALID,
                "Each commission step needs `from` and either `rate` or `amount`.",
            )
            return
        sub = Checks()
        sub.money("from", start)
        sub.rate("rate", rate)
        sub.money("amount", amount)
        if sub.violations:
            checks.fail(
                "commissionSteps",
                UserErrorCode.INVALID,
                "Commission steps need amounts >= 0 with cents and rates between 0 and 1.",
            )
            return
        starts.append(start)
    if starts and starts[0] != 0:
        checks.fail("commissionSteps", UserErrorCode.INVALID, "The first step starts at 0.")
    elif any(later <= earlier for earlier, later in itertools.pairwise(starts)):
        checks.fail("commissionSteps", UserErrorCode.INVALID, "Commission steps must rise.")


def _clean_rows(checks: Checks, values: dict[str, Any]) -> None:
    """Put the sent row fields in their stored form (``domain.rows``)."""
    if "additional_charges" in values:
        values["additional_charges"] = row_fields.charges(
            checks, values["additional_charges"], row_fields.CONSIGNMENT_ATTACHMENTS
        )
    if "shipping_methods" in values:
        values["shipping_methods"] = row_fields.shipping_methods(checks, values["shipping_methods"])
    if "finder_fees" in values:
        values["finder_fees"] = row_fields.finder_fees(checks, values["finder_fees"])


async def _check_finders(
    db: OperationDB, checks: Checks, consignment_id: int | None, fees: list[dict[str, Any]]
) -> None:
    """Each finder is a client; each lot named belongs to this consignment."""
    session = db.session
    for index, fee in enumerate(fees):
        where = f"finderFees[{index}]"
        finder, item_id = fee["finder"], fee["item"]
        if finder is not None and await session.get(models.Client, finder) is None:
            checks.fail(f"{where}.finderId", UserErrorCode.NOT_FOUND, "Client not found.")
        if item_id is None:
            continue
        item = await session.get(models.Item, item_id)
        if item is None:
            checks.fail(f"{where}.itemId", UserErrorCode.NOT_FOUND, "Item not found.")
        elif consignment_id is None or item.consignment_id != consignment_id:
            checks.fail(
                f"{where}.itemId",
                UserErrorCode.INVALID,
                "The lot does not belong to this consignment.",
            )


async def _check(
    db: OperationDB,
    consignment: models.Consignment,
    sent: Mapping[str, Any],
    has_id: bool,
    checks: Checks,
) -> None:
    checks.not_null(sent, NOT_NULL)
    if not checks.failed("title") and ("title" in sent or not has_id):
        checks.required_text("title", consignment.title)
    if not has_id and consignment.consignor_id is None and not checks.failed("consignorId"):
        checks.fail("consignorId", UserErrorCode.REQUIRED, "`consignorId` is required.")
    checks.money("estimated", consignment.estimated if "estimated" in sent else None)
    checks.money(
        "insuranceValue", consignment.insurance_value if "insurance_value" in sent else None
    )
    checks.rate("underbid", consignment.underbid if "underbid" in sent else None)
    step_type = consignment.commission_step_type
    if "commission_step_type" in sent and step_type is not None and step_type not in STEP_TYPES:
        checks.fail(
            "commissionStepType",
            UserErrorCode.INVALID,
            "`commissionStepType` must be percentage, fixed or tiered.",
        )
    if "commission_steps" in sent:
        _check_steps(checks, consignment.commission_steps)
    session = db.session
    if (
        "consignor_id" in sent
        and consignment.consignor_id is not None
        and await session.get(models.Client, consignment.consignor_id) is None
    ):
        checks.fail("consignorId", UserErrorCode.NOT_FOUND, "Client not found.")
    if (
        "sale_id" in sent
        and consignment.sale_id is not None
        and await session.get(models.Sale, consignment.sale_id) is None
    ):
        checks.fail("saleId", UserErrorCode.NOT_FOUND, "Sale not found.")
    if (
        "number" in sent
        and consignment.number
        and await queries.consignment_number_taken(
            db, consignment.number, consignment.id if has_id else None
        )
    ):
        checks.fail("number", UserErrorCode.UNIQUE, "Another consignment has this number.")
    if "finder_fees" in sent:
        await _check_finders(db, checks, consignment.id if has_id else None, sent["finder_fees"])
    checks.raise_if_any()


def _steps(rows: Any) -> list[dict[str, Any]]:
    """Commission steps as stored: ``{"from", "rate"|"amount"}`` with Decimals as strings."""
    return [{key: value for key, value in row.items() if value is not None} for row in rows or ()]


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    if "commission_steps" in values:
        values["commission_steps"] = [
            {key: str(value) for key, value in row.items()}
            for row in _steps(values["commission_steps"])
        ]
    return values


async def create_consignment(
    db: OperationDB, principal: Principal, cmd: CreateConsignment, now: datetime | None = None
) -> models.Consignment:
    """Create a consignment; its number is generated when none is given."""
    _staff(principal)
    values = _fields(cmd.values)
    async with db.transaction() as session:
        if not values.get("number"):
            values["number"] = await queries.next_consignment_number(
                db, (now or datetime.now(UTC)).year
            )
        steps = _steps(values.get("commission_steps"))
        values.setdefault("title", "")
        checks = Checks()
        _clean_rows(checks, values)
        users = await responsible.cleaned(session, checks, values.pop(responsible.FIELD, None))
        consignment = models.Consignment(
            **{k: v for k, v in values.items() if k != "commission_steps"}
        )
        consignment.commission_steps = steps
        await _check(db, consignment, values, has_id=False, checks=checks)
        for key, value in _stored(dict(values)).items():
            setattr(consignment, key, value)
        session.add(consignment)
        await session.flush()
        links = await responsible.replace(session, ENTITY, consignment.id, users)
        await audit.record_created(session, principal, ENTITY, consignment, also=links)
        await publish(
            session,
            EntityUpdated(
                bundle="consignment", entity_id=consignment.id, user_id=principal.user_id
            ),
        )
    return consignment


async def update_consignment(
    db: OperationDB, principal: Principal, cmd: UpdateConsignment
) -> models.Consignment:
    """Change the fields sent; nothing if a rule is broken."""
    _staff(principal)
    changes = _fields(cmd.changes)
    async with db.transaction() as session:
        consignment = await session.get(
            models.Consignment, cmd.consignment_id, with_for_update=True, populate_existing=True
        )
        if consignment is None:
            raise NotFound("Consignment not found.")
        before = audit.snapshot(consignment)
        old_sale = consignment.sale_id
        checks = Checks()
        _clean_rows(checks, changes)
        users = None
        if responsible.FIELD in changes:
            users = await responsible.cleaned(session, checks, changes.pop(responsible.FIELD))
        for name, value in changes.items():
            setattr(consignment, name, _steps(value) if name == "commission_steps" else value)
        await _check(db, consignment, changes, has_id=True, checks=checks)
        if consignment.sale_id != old_sale and await queries.consignment_has_items(
            db, consignment.id
        ):
            raise RuleViolation(
                UserErrorCode.HAS_ITEMS,
                "A consignment with lots cannot change sale: move its lots instead.",
                "saleId",
            )
        for key, value in _stored(dict(changes)).items():
            setattr(consignment, key, value)
        await session.flush()
        links: audit.Changes = {}
        if users is not None:
            links = await responsible.replace(session, ENTITY, consignment.id, users)
        if await audit.record_updated(session, principal, ENTITY, consignment, before, also=links):
            await publish(
                session,
                EntityUpdated(
                    bundle="consignment", entity_id=consignment.id, user_id=principal.user_id
                ),
            )
    return consignment


async def delete_consignment(
    db: OperationDB, principal: Principal, cmd: DeleteConsignment
) -> models.Consignment:
    """Delete a consignment that has no lots."""
    _staff(principal)
    async with db.transaction() as session:
        consignment = await session.get(
            models.Consignment, cmd.consignment_id, with_for_update=True, populate_existing=True
        )
        if consignment is None:
            raise NotFound("Consignment not found.")
        if await queries.consignment_has_items(db, consignment.id):
            raise RuleViolation(
                UserErrorCode.HAS_ITEMS,
                "A consignment with lots cannot be deleted.",
                "consignmentId",
            )
        await audit.record_deleted(session, principal, models.EntityType.CONSIGNMENT, consignment)
        await session.delete(consignment)
        await session.flush()
        await publish(
            session,
            EntityUpdated(
                bundle="consignment",
                entity_id=consignment.id,
                user_id=principal.user_id,
                force_reload=True,
            ),
        )
    return consignment
