"""Staff use cases on sales: create, update (partial) and delete.

Rules (REST B6, graphql-api §2):
- ``title`` is required; ``startsAt`` <= ``endsAt`` and ``liveStartsAt`` <= ``liveEndsAt``;
  ``currency`` is an ISO 4217 code; ``buyersPremiumRate`` and ``taxRate`` are fractions 0..1;
  ``increments`` is a well-formed table (first band from 0, rising, increments > 0, cents);
  ``softCloseSeconds`` and ``staggerSeconds`` >= 0; ``saleNumber`` is unique;
  ``additionalCharges`` rows (billed once to each buyer of the sale) and ``externalIds`` rows
  (``{system, externalId}``, as on clients) follow ``domain.rows``; ``postSaleDiscount`` is a
  percentage from 0 to 100 with at most two decimals.
- Once a lot of the sale has a bid, ``currency`` and ``kind`` are frozen (the amounts bid and the
  way lots close were promised to bidders in them): ``HAS_BIDS``.
- A sale is deleted only while it carries no history: no bid on any lot (``HAS_BIDS``) and no
  order (``HAS_ORDERS``). Its lots are deleted with it (each with its own activity row) and its
  consignments are detached (kept, ``sale`` null), because a consignment is the consignor's
  contract and outlives one sale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from db import models
from db.queries import catalogue as queries
from db.queries.term import SALE_LINKS, term_ids_by_owner
from db.session import OperationDB
from domain import audit, terms
from domain import rows as row_fields
from domain.errors import Forbidden, NotFound, RuleViolation, UserErrorCode
from domain.fields import CENT, Checks, camel
from domain.principal import Principal
from realtime.events import EntityUpdated, Event, SaleUpdated
from realtime.publish import publish

WRITABLE = frozenset(
    {
        "title",
        "subtitle",
        "description",
        "sale_number",
        "kind",
        "published",
        "hidden",
        "hide_sold_information",
        "starts_at",
        "ends_at",
        "live_starts_at",
        "live_ends_at",
        "last_date_for_consignment",
        "currency",
        "buyers_premium_rate",
        "tax_rate",
        "increments",
        "soft_close_seconds",
        "stagger_seconds",
        "lots_locked",
        "auctioneer_name",
        "venue",
        "additional_charges",
        "auto_sync_image_end_date",
        "post_sale_discount",
        "initial_finder_fees_orders",
        "next_consignment_notice",
        "date_and_location_string",
        "item_images_dir",
        "sync_active",
        "display_live_links",
        "pdf_link",
        "pdf_sale_result",
        "e_book_link",
        "external_ids",
    }
)
TERM_FIELDS = terms.SALE_FIELDS
"""``departments``, ``bid_steps``, ``catalog``: resolved by ``domain.terms``, replaced whole.
A ``bid_steps`` term with an increment table gives the sale that table (unless ``increments``
is sent too); the sale keeps its copy when the term changes later, as bids were placed on it."""
FROZEN_ONCE_BID = ("currency", "kind")
NOT_NULL = (
    "title",
    "kind",
    "published",
    "hidden",
    "hide_sold_information",
    "currency",
    "buyers_premium_rate",
    "tax_rate",
    "soft_close_seconds",
    "stagger_seconds",
    "lots_locked",
    "sync_active",
    "display_live_links",
)


@dataclass(frozen=True, slots=True)
class CreateSale:
    """A new sale; ``values`` maps writable fields (snake_case) to values."""

    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class UpdateSale:
    """Only the fields present in ``changes`` change."""

    sale_id: int
    changes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeleteSale:
    sale_id: int


def sale_url(public_url: str | None, sale_id: int) -> str | None:
    """The sale's page on the house's public site (``GAVEL_PUBLIC_URL``); None without one."""
    return f"{public_url.rstrip('/')}/sales/{sale_id}" if public_url else None


def _staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("Only staff may do this.")


def _fields(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - WRITABLE - set(TERM_FIELDS)
    if unknown:
        raise ValueError(f"not writable on a sale: {sorted(unknown)}")
    return dict(values)


def _clean_rows(values: dict[str, Any]) -> Checks:
    """Put the sent charge rows in their stored form; the checks hold what was wrong."""
    checks = Checks()
    if "additional_charges" in values:
        values["additional_charges"] = row_fields.charges(
            checks, values["additional_charges"], row_fields.SALE_ATTACHMENTS
        )
    if "external_ids" in values:
        values["external_ids"] = row_fields.external_ids(checks, values["external_ids"])
    discount = values.get("post_sale_discount")
    if (
        isinstance(discount, Decimal)
        and discount.is_finite()
        and abs(discount) <= 100
        and discount == discount.quantize(CENT)
    ):  # stored as NUMERIC(5, 2): the audit row shows what is kept
        values["post_sale_discount"] = discount.quantize(CENT)
    return checks


async def _check(
    db: OperationDB, sale: models.Sale, sent: Mapping[str, Any], checks: Checks
) -> None:
    """Every rule on the sale's state after the change; raises them all at once."""
    checks.not_null(sent, NOT_NULL)
    if ("title" in sent or sale.id is None) and not checks.failed("title"):
        checks.required_text("title", sale.title)
    if "currency" in sent and sale.currency is not None:
        checks.currency("currency", sale.currency)
    checks.rate(
        "buyersPremiumRate", sale.buyers_premium_rate if "buyers_premium_rate" in sent else None
    )
    checks.rate("taxRate", sale.tax_rate if "tax_rate" in sent else None)
    if "post_sale_discount" in sent:
        checks.percentage("postSaleDiscount", sale.post_sale_discount)
    if "increments" in sent:
        checks.increments("increments", sale.increments)
    if "soft_close_seconds" in sent:
        checks.non_negative("softCloseSeconds", sale.soft_close_seconds)
    if "stagger_seconds" in sent:
        checks.non_negative("staggerSeconds", sale.stagger_seconds)
    checks.in_order("startsAt", sale.starts_at, "endsAt", sale.ends_at)
    checks.in_order("liveStartsAt", sale.live_starts_at, "liveEndsAt", sale.live_ends_at)
    if (
        "sale_number" in sent
        and sale.sale_number
        and await queries.sale_number_taken(db, sale.sale_number, sale.id)
    ):
        checks.fail("saleNumber", UserErrorCode.UNIQUE, "Another sale already has this number.")
    frozen = [name for name in FROZEN_ONCE_BID if name in sent]
    if sale.id is not None and frozen and await queries.sale_has_bids(db, sale.id):
        for name in frozen:
            checks.fail(
                camel(name),
                UserErrorCode.HAS_BIDS,
                f"`{camel(name)}` cannot change once the sale's lots have bids.",
            )
    checks.raise_if_any()


def _events(sale: models.Sale, principal: Principal) -> list[Event]:
    return [
        EntityUpdated(bundle="sale", entity_id=sale.id, user_id=principal.user_id),
        SaleUpdated(sale_id=sale.id),
    ]


async def create_sale(db: OperationDB, principal: Principal, cmd: CreateSale) -> models.Sale:
    """Create a sale (unpublished unless told otherwise)."""
    _staff(principal)
    values = _fields(cmd.values)
    values.setdefault("increments", [])
    values.setdefault("title", "")
    checks = _clean_rows(values)
    async with db.transaction() as session:
        sent_terms = await terms.resolve(session, checks, TERM_FIELDS, values)
        steps = await terms.bid_step_increments(session, sent_terms)
        if steps is not None and "increments" not in cmd.values:
            values["increments"] = steps
        sale = models.Sale(**{k: v for k, v in values.items() if k not in TERM_FIELDS})
        await _check(db, sale, values, checks)
        session.add(sale)
        await session.flush()
        await terms.write(session, SALE_LINKS, TERM_FIELDS, sale.id, sent_terms)
        await audit.record_created(
            session, principal, models.EntityType.SALE, sale, also=audit.diff({}, sent_terms)
        )
        await publish(
            session, EntityUpdated(bundle="sale", entity_id=sale.id, user_id=principal.user_id)
        )
    return sale


async def update_sale(db: OperationDB, principal: Principal, cmd: UpdateSale) -> models.Sale:
    """Change the fields sent; nothing if a rule is broken (every violation reported)."""
    _staff(principal)
    changes = _fields(cmd.changes)
    checks = _clean_rows(changes)
    async with db.transaction() as session:
        sale = await queries.lock_sale(db, cmd.sale_id)
        if sale is None:
            raise NotFound("Sale not found.")
        sent_terms = await terms.resolve(session, checks, TERM_FIELDS, changes)
        steps = await terms.bid_step_increments(session, sent_terms)
        if steps is not None and "increments" not in changes:
            changes["increments"] = steps
        old_terms = await term_ids_by_owner(session, SALE_LINKS, [sale.id]) if sent_terms else {}
        old, new = terms.changes(old_terms.get(sale.id, {}), sent_terms)
        before = audit.snapshot(sale)
        for name, value in changes.items():
            if name not in TERM_FIELDS:
                setattr(sale, name, [] if name == "increments" and value is None else value)
        await _check(db, sale, changes, checks)
        await session.flush()
        await terms.write(session, SALE_LINKS, TERM_FIELDS, sale.id, sent_terms)
        if await audit.record_updated(
            session, principal, models.EntityType.SALE, sale, before, also=audit.diff(old, new)
        ):
            await publish(session, *_events(sale, principal))
    return sale


async def delete_sale(db: OperationDB, principal: Principal, cmd: DeleteSale) -> models.Sale:
    """Delete a sale without history, with its lots; its consignments are detached."""
    _staff(principal)
    async with db.transaction() as session:
        items = await queries.lock_sale_items(db, cmd.sale_id)
        sale = await queries.lock_sale(db, cmd.sale_id)
        if sale is None:
            raise NotFound("Sale not found.")
        if await queries.sale_has_bids(db, sale.id):
            raise RuleViolation(
                UserErrorCode.HAS_BIDS, "A sale whose lots have bids cannot be deleted.", "saleId"
            )
        if await queries.sale_has_orders(db, sale.id):
            raise RuleViolation(
                UserErrorCode.HAS_ORDERS, "A sale with orders cannot be deleted.", "saleId"
            )
        events: list[Event] = []
        for consignment in await queries.consignments_of_sale(db, sale.id):
            before = audit.snapshot(consignment)
            consignment.sale_id = None
            await audit.record_updated(
                session, principal, models.EntityType.CONSIGNMENT, consignment, before
            )
            events.append(
                EntityUpdated(
                    bundle="consignment",
                    entity_id=consignment.id,
                    user_id=principal.user_id,
                    force_reload=True,
                )
            )
        for item in items:
            await audit.record_deleted(session, principal, models.EntityType.ITEM, item)
            await session.delete(item)
        await audit.record_deleted(session, principal, models.EntityType.SALE, sale)
        await session.delete(sale)
        await session.flush()
        await publish(
            session,
            *events,
            EntityUpdated(
                bundle="sale", entity_id=sale.id, user_id=principal.user_id, force_reload=True
            ),
            SaleUpdated(sale_id=sale.id),
        )
    return sale
