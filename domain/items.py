"""Staff use cases on items (lots): create, update, delete, bulk edit, statuses, clone, move and
lot numbering.

**Bidding state is not the catalogue's.** ``current_bid``, ``bid_count``, ``last_sequence``,
``leading_bid_id``, ``closes_at`` and the hammer result belong to ``domain/bidding``; no use case
here writes the first four, and every item write takes the item's row lock (``lock_item`` /
``lock_items``, in id order) so it is ordered with the bids on the lot. What staff may still edit
on a lot, as an auction house needs it:

- Before the first bid, everything.
- Once the lot has a bid, the starting price is frozen (the bids were placed against it) and the
  reserve and minimum price may be lowered or removed but never raised (raising them would take a
  winning position away from a bidder after the fact): ``HAS_BIDS``. The buy-now price may change
  (buy now only works while the lot has no bid anyway). Texts, estimates, consignment and category
  stay editable.
- Once the lot is closed (sold, unsold, passed, withdrawn) its prices are frozen: ``ITEM_CLOSED``.
- The status changes only through ``update_item_statuses`` (REST B5.3 ``update_status``) or the
  clerk's lot actions, never through a field edit.

**Lot numbers** (REST B5 lot rules): ``(lot_number, lot_letter)`` is unique in a sale
(``UNIQUE``, "Lot number already used in this sale."); while the sale has ``lots_locked`` no lot
number may be set or changed (``LOTS_LOCKED``), which also covers creating a lot with an
explicit number, renumbering, bulk lot edits, and cloning or moving lots into or out of the sale.
A lot created without a number gets the next free one (highest + 1, or ``start_lot_numbering_at``,
default 1, in a sale without numbered lots); in a locked sale it is created unnumbered. Batches
(bulk edit, renumbering, moves) are checked on their final state, so swapping two lots' numbers
works: the rows are first unnumbered, then numbered, in one transaction.

**Row fields** (``dimensions``, ``additional_charges``, ``catalogs``) are replaced as a whole
and checked by ``domain.rows``; a lot's charges stay editable after it closes (shipping is often
known only then) and are billed after the lot on its buyer's invoice.

**Descriptive fields** (``CATALOGUE``: text blocks, codes, links, year, position in the
consignment, internal estimate, retail price, flags) carry no rule beyond their type and bounds;
they stay editable whatever the lot's state, and clones copy them.

**Term fields** (``categories``, ``tags``, ``country``, … ``domain.terms.ITEM_FIELDS``) are
resolved by ``domain.terms`` (ids or labels, unknown ones ``NOT_FOUND`` at ``categories.1``) and
replaced as a whole. ``category_id`` is the first of ``categories``: sending ``categories`` sets
it; sending only ``category_id`` moves that category to the front (null clears the categories).
Clones copy every term field.

**Deleting** a lot is refused when it carries history: sold (``ITEM_SOLD``), on an order that is
not canceled (``HAS_ORDERS``), or with bids (``HAS_BIDS``, the bid log is the audit of the sale).
Withdraw such a lot instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.queries import catalogue as queries
from db.queries.item import lock_item
from db.queries.term import ITEM_LINKS, term_ids_by_owner
from db.session import OperationDB
from domain import audit, item_history, responsible, terms
from domain import rows as row_fields
from domain.bidding.closing import close_finished_sales, leading_clients
from domain.bulk import MAX_ROWS, BulkResult, ErrorPolicy, RowResult, row_path
from domain.errors import Forbidden, NotFound, RuleViolation, UserErrorCode
from domain.fields import MAX_INT, Checks, camel, parse_lot
from domain.principal import Principal
from realtime.events import EntityUpdated, Event, ItemBulk, ItemUpdated
from realtime.publish import publish

LONG_TEXT = 100_000
SHORT_TEXT = 255
URL_TEXT = 2048
TEXTS = {
    **dict.fromkeys(
        (
            "footer",
            "caption",
            "literature",
            "essay",
            "provenance",
            "ex",
            "public_message",
            "dont_pay_consignor_note",
            "printing_options",
            "signed_locations",
        ),
        LONG_TEXT,
    ),
    **dict.fromkeys(
        (
            "item_type",
            "grade",
            "consignor_reference_number",
            "buy_now_setting",
            "reserve_type",
            "product_tax_code",
            "harmonized_code",
            "art_work_type",
        ),
        SHORT_TEXT,
    ),
    **dict.fromkeys(("video_url", "pdf_url", "certificate_link", "reference_link"), URL_TEXT),
}
"""The catalogue's text fields and their longest value. Links are text (Circuit stores relative
paths and bare hosts too), so only their length is checked."""
MIN_YEAR, MAX_YEAR = -9999, 9999
"""A year has up to four digits; negative years are BC."""
WHOLE_NUMBERS = {
    "position_of_consignment": (0, MAX_INT),
    "shipping_id": (0, MAX_INT),
    "year": (MIN_YEAR, MAX_YEAR),
}
FLAGS = ("post_sale", "hide_sold_information")
CATALOGUE = (
    *TEXTS,
    *WHOLE_NUMBERS,
    *FLAGS,
    "estimate_internal",
    "retail_price",
    "catalogs",
)
"""Descriptive fields with no rule beyond their own type (REST B5.0)."""
WRITABLE = frozenset(
    {
        *CATALOGUE,
        "title",
        "description",
        "published",
        "lot_number",
        "lot_letter",
        "consignment_id",
        "category_id",
        "estimate_low",
        "estimate_high",
        "starting_price",
        "reserve_price",
        "buy_now_price",
        "minimum_price",
        "auctioneer_notes",
        "dimensions",
        "additional_charges",
    }
)
TERM_FIELDS = terms.ITEM_FIELDS
PRICES = ("starting_price", "reserve_price", "buy_now_price", "minimum_price")
MONEY = ("estimate_low", "estimate_high", "estimate_internal", "retail_price", *PRICES)
NOT_NULL = ("title", "published", "starting_price", "lot_letter", *FLAGS)
LOT_FIELDS = ("lot_number", "lot_letter")
CLONED = (
    "title",
    "description",
    "published",
    "category_id",
    "estimate_low",
    "estimate_high",
    "starting_price",
    "reserve_price",
    "buy_now_price",
    "minimum_price",
    "dimensions",
    "additional_charges",
    "auctioneer_notes",
    *CATALOGUE,
)
STATUS_TARGETS = frozenset(
    {
        models.ItemStatus.WITHDRAWN,
        models.ItemStatus.SOLD,
        models.ItemStatus.UNSOLD,
        models.ItemStatus.PASSED,
    }
)
LOT_TAKEN = "Lot number already used in this sale."
LOTS_LOCKED = "Lots are locked for this sale."

Lot = tuple[int, str]


# -- commands ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateItem:
    """A new lot in ``sale_id``; ``values`` maps writable fields (snake_case) to values and
    ``history`` the first history record's (``domain.item_history``), if any."""

    sale_id: int
    values: Mapping[str, Any]
    start_lot_numbering_at: int | None = None
    history: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UpdateItem:
    """Only the fields present in ``changes`` change; a non-empty ``history`` appends a history
    record (alone, it leaves the lot's own fields unchecked, REST B5.6)."""

    item_id: int
    changes: Mapping[str, Any] = field(default_factory=dict)
    history: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeleteItem:
    item_id: int


@dataclass(frozen=True, slots=True)
class DeleteItems:
    """Delete many lots (REST items-bulk ``delete``), under ``policy``."""

    item_ids: Sequence[int]
    policy: ErrorPolicy = ErrorPolicy.REJECT_EVERYTHING


@dataclass(frozen=True, slots=True)
class BulkUpdateItems:
    """One ``UpdateItem`` per row, under ``policy``."""

    rows: Sequence[UpdateItem]
    policy: ErrorPolicy = ErrorPolicy.REJECT_EVERYTHING


@dataclass(frozen=True, slots=True)
class UpdateItemStatuses:
    """Set ``status`` (WITHDRAWN, SOLD, UNSOLD or PASSED) on every item, under ``policy``."""

    item_ids: Sequence[int]
    status: models.ItemStatus
    policy: ErrorPolicy = ErrorPolicy.REJECT_EVERYTHING


@dataclass(frozen=True, slots=True)
class CopyItems:
    """Clone or move ``item_ids`` into a sale and one of its consignments (REST B5.4)."""

    item_ids: Sequence[int]
    target_sale_id: int
    target_consignment_id: int


@dataclass(frozen=True, slots=True)
class RenumberLots:
    """Number every lot of a sale ``start_at``, ``start_at`` + 1, … in lot order."""

    sale_id: int
    start_at: int = 1


@dataclass(frozen=True, slots=True)
class ItemLot:
    """A lot as printed: digits then up to three letters (``"150A"``)."""

    item_id: int
    lot: str


@dataclass(frozen=True, slots=True)
class UpdateItemLots:
    """Set these lots at once (REST B5.7); checked on the batch's final state."""

    rows: Sequence[ItemLot]


# -- shared checks -------------------------------------------------------------------------


def _staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("Only staff may do this.")


def _fields(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - WRITABLE - set(TERM_FIELDS) - {responsible.FIELD}
    if unknown:
        raise ValueError(f"not writable on an item: {sorted(unknown)}")
    return dict(values)


def _closed(item: models.Item) -> bool:
    return item.status in models.CLOSED_ITEM_STATUSES or item.closed_at is not None


def _lot_of(state: Mapping[str, Any]) -> Lot | None:
    number = state.get("lot_number")
    return None if number is None else (int(number), str(state.get("lot_letter") or ""))


def _state(item: models.Item | None, sent: Mapping[str, Any]) -> dict[str, Any]:
    """The item's writable fields after the change (defaults for a new lot)."""
    base: dict[str, Any] = (
        {name: getattr(item, name) for name in WRITABLE}
        if item is not None
        else {name: None for name in WRITABLE} | {"lot_letter": "", "published": True}
    )
    return base | dict(sent)


async def _check_item(
    db: OperationDB,
    checks: Checks,
    sale: models.Sale,
    item: models.Item | None,
    sent: dict[str, Any],
) -> None:
    """Every rule on one lot's fields; lot uniqueness is checked by the caller (batch-wide).

    The row fields in ``sent`` are replaced by their stored form (``domain.rows``).
    """
    if "dimensions" in sent:
        sent["dimensions"] = row_fields.dimensions(checks, sent["dimensions"])
    if responsible.FIELD in sent:
        sent[responsible.FIELD] = await responsible.cleaned(
            db.session, checks, sent[responsible.FIELD]
        )
    if "additional_charges" in sent:
        sent["additional_charges"] = row_fields.charges(
            checks, sent["additional_charges"], row_fields.ITEM_ATTACHMENTS
        )
    if "catalogs" in sent:
        sent["catalogs"] = row_fields.catalogs(checks, sent["catalogs"])
    state = _state(item, sent)
    checks.not_null(sent, NOT_NULL)
    _check_catalogue(checks, sent)
    if not checks.failed("title") and ("title" in sent or item is None):
        checks.required_text("title", state["title"])
    for name in MONEY:
        if name in sent:
            checks.money(camel(name), state[name])
    if "estimate_low" in sent or "estimate_high" in sent:
        checks.range("estimateLow", state["estimate_low"], "estimateHigh", state["estimate_high"])
    if "lot_number" in sent:
        checks.lot_number("lotNumber", state["lot_number"])
    if "lot_letter" in sent and state["lot_letter"] is not None:
        checks.lot_letter("lotLetter", state["lot_letter"])
    if state["lot_number"] is None and state["lot_letter"] and not checks.failed("lotLetter"):
        checks.fail("lotLetter", UserErrorCode.INVALID, "A lot letter needs a lot number.")
    changes_lot = any(name in sent for name in LOT_FIELDS) and (
        _lot_of(state) != (_lot_of(_state(item, {})) if item is not None else None)
    )
    if changes_lot and sale.lots_locked:
        name = "lotNumber" if "lot_number" in sent else "lotLetter"
        checks.fail(name, UserErrorCode.LOTS_LOCKED, LOTS_LOCKED)
    await _check_references(db, checks, sale, state, sent, creating=item is None)
    await _check_terms(db, checks, item, sent)
    if item is not None:
        _check_bidding_state(checks, item, state, sent)


async def _check_terms(
    db: OperationDB, checks: Checks, item: models.Item | None, sent: dict[str, Any]
) -> None:
    """Resolve the term fields in ``sent`` to ids in place; keep ``category_id`` the first
    category (module docstring)."""
    resolved = await terms.resolve(db.session, checks, TERM_FIELDS, sent)
    sent.update(resolved)
    if "categories" in resolved:
        sent["category_id"] = resolved["categories"][0] if resolved["categories"] else None
    elif "category_id" in sent and "categories" not in sent and not checks.failed("categoryId"):
        main = sent["category_id"]
        current: list[int] = []
        if item is not None and main is not None:
            found = await term_ids_by_owner(db.session, ITEM_LINKS, [item.id])
            current = found.get(item.id, {}).get("categories", [])
        sent["categories"] = [] if main is None else [main, *(c for c in current if c != main)]


def _check_catalogue(checks: Checks, sent: Mapping[str, Any]) -> None:
    """The types and bounds of the descriptive fields sent (``CATALOGUE``)."""
    for name, limit in TEXTS.items():
        if name in sent:
            checks.text(camel(name), sent[name], limit)
    for name, (low, high) in WHOLE_NUMBERS.items():
        if name in sent:
            checks.whole(camel(name), sent[name], low, high)
    for name in FLAGS:
        if name in sent:
            checks.flag(camel(name), sent[name])


async def _check_references(
    db: OperationDB,
    checks: Checks,
    sale: models.Sale,
    state: Mapping[str, Any],
    sent: Mapping[str, Any],
    creating: bool,
) -> None:
    consignment_id = state["consignment_id"]
    if creating and consignment_id is None:
        checks.fail("consignmentId", UserErrorCode.REQUIRED, "`consignmentId` is required.")
    elif "consignment_id" in sent and consignment_id is not None:
        consignment = await db.session.get(models.Consignment, consignment_id)
        if consignment is None:
            checks.fail("consignmentId", UserErrorCode.NOT_FOUND, "Consignment not found.")
        elif consignment.sale_id != sale.id:
            checks.fail(
                "consignmentId",
                UserErrorCode.INVALID,
                "The consignment does not belong to the lot's sale.",
            )
    category_id = state["category_id"]
    if (
        "category_id" in sent
        and category_id is not None
        and await db.session.get(models.Category, category_id) is None
    ):
        checks.fail("categoryId", UserErrorCode.NOT_FOUND, "Category not found.")


def _check_bidding_state(
    checks: Checks, item: models.Item, state: Mapping[str, Any], sent: Mapping[str, Any]
) -> None:
    """Prices may not move under the bidders' feet (module docstring)."""
    for name in PRICES:
        old, new = getattr(item, name), state[name]
        if name not in sent or old == new or checks.failed(camel(name)):
            continue
        if _closed(item):
            checks.fail(
                camel(name), UserErrorCode.ITEM_CLOSED, "The prices of a closed lot are frozen."
            )
        elif item.bid_count > 0 and name == "starting_price":
            checks.fail(
                camel(name),
                UserErrorCode.HAS_BIDS,
                "The starting price cannot change once the lot has bids.",
            )
        elif (
            item.bid_count > 0
            and name in ("reserve_price", "minimum_price")
            and new is not None
            and (old is None or new > old)
        ):
            checks.fail(
                camel(name),
                UserErrorCode.HAS_BIDS,
                f"`{camel(name)}` can only be lowered once the lot has bids.",
            )


async def _clashes(
    db: OperationDB, claims: Sequence[tuple[Any, int, Lot]], freed: Sequence[int]
) -> set[Any]:
    """Keys of the claims ``(key, sale_id, lot)`` whose lot is taken in their sale's final state.

    ``freed`` are the items of the batch whose current lot is given up (changed or moved away);
    every other lot in the sale stays taken.
    """
    clashing: set[Any] = set()
    taken: dict[int, dict[Lot, int]] = {}
    claimed: dict[tuple[int, Lot], Any] = {}
    for key, sale_id, lot in claims:
        if sale_id not in taken:
            taken[sale_id] = await queries.lots_of_sale(db, sale_id, except_ids=freed)
        if lot in taken[sale_id]:
            clashing.add(key)
        if (sale_id, lot) in claimed:
            clashing.update({key, claimed[(sale_id, lot)]})
        claimed.setdefault((sale_id, lot), key)
    return clashing


async def _write_lots(
    session: AsyncSession, placements: Sequence[tuple[models.Item, int, Lot | None]]
) -> None:
    """Put each item in ``(sale_id, lot)``: unnumber them all first, then number them.

    Two flushes keep the unique ``(sale_id, lot_number, lot_letter)`` constraint satisfied at
    every statement even when the batch swaps lots.
    """
    for item, _sale_id, _lot in placements:
        item.lot_number = None
    await session.flush()
    for item, sale_id, lot in placements:
        item.sale_id = sale_id
        item.lot_number = lot[0] if lot is not None else None
        item.lot_letter = lot[1] if lot is not None else ""
    await session.flush()


def _item_events(
    item: models.Item, principal: Principal, reason: str, force_reload: bool = False
) -> list[Event]:
    return [
        EntityUpdated(
            bundle="item", entity_id=item.id, user_id=principal.user_id, force_reload=force_reload
        ),
        ItemUpdated(item_id=item.id, sale_id=item.sale_id, reason=reason),
    ]


async def _lock_sales(db: OperationDB, sale_ids: Sequence[int]) -> dict[int, models.Sale]:
    """Lock sales in id order (after the item rows, like the closer)."""
    sales: dict[int, models.Sale] = {}
    for sale_id in sorted(set(sale_ids)):
        sale = await queries.lock_sale(db, sale_id)
        if sale is not None:
            sales[sale_id] = sale
    return sales


def _next_numbers(highest: int | None, start: int, count: int) -> list[int]:
    first = highest + 1 if highest is not None else start
    return list(range(first, first + count))


# -- create, update, delete ----------------------------------------------------------------


async def create_item(db: OperationDB, principal: Principal, cmd: CreateItem) -> models.Item:
    """Create a lot; without a lot number it gets the next free one (module docstring)."""
    _staff(principal)
    values = _fields(cmd.values)
    async with db.transaction() as session:
        sale = await queries.lock_sale(db, cmd.sale_id)
        if sale is None:
            raise RuleViolation(UserErrorCode.NOT_FOUND, "Sale not found.", "saleId")
        checks = Checks()
        await _check_item(db, checks, sale, None, values)
        start = cmd.start_lot_numbering_at
        if start is not None and start < 1:
            checks.fail(
                "startLotNumberingAt", UserErrorCode.INVALID, "`startLotNumberingAt` must be >= 1."
            )
        await item_history.check(db, checks, cmd.history)
        lot = _lot_of(_state(None, values))
        if (
            lot is not None
            and not checks.violations
            and await _clashes(db, [(0, sale.id, lot)], [])
        ):
            checks.fail("lotNumber", UserErrorCode.UNIQUE, LOT_TAKEN)
        checks.raise_if_any()
        if values.get("lot_number") is None and not sale.lots_locked:
            highest = await queries.highest_lot_number(db, sale.id)
            values["lot_number"] = _next_numbers(highest, start or 1, 1)[0]
            values["lot_letter"] = values.get("lot_letter") or ""
        values.setdefault("lot_letter", "")
        values.setdefault("starting_price", Decimal("0"))
        sent_terms = _terms_of(values)
        users = values.pop(responsible.FIELD, [])
        item = models.Item(
            sale_id=sale.id,
            status=models.ItemStatus.AVAILABLE,
            closes_at=sale.ends_at if sale.kind is models.SaleKind.TIMED else None,
            **{name: value for name, value in values.items() if name not in TERM_FIELDS},
        )
        session.add(item)
        await session.flush()
        await _write_terms(session, item.id, sent_terms)
        links = await responsible.replace(session, models.EntityType.ITEM, item.id, users)
        await audit.record_created(
            session,
            principal,
            models.EntityType.ITEM,
            item,
            also={**audit.diff({}, sent_terms), **links},
        )
        if cmd.history:
            await item_history.append(db, principal, item, cmd.history)
        await publish(session, *_item_events(item, principal, "created"))
    return item


async def update_item(db: OperationDB, principal: Principal, cmd: UpdateItem) -> models.Item:
    """Change the fields sent, under the item's row lock; nothing if a rule is broken."""
    _staff(principal)
    changes = _fields(cmd.changes)
    async with db.transaction() as session:
        item = await lock_item(db, cmd.item_id)
        if item is None:
            raise NotFound("Item not found.")
        sale = await queries.lock_sale(db, item.sale_id)
        assert sale is not None  # items.sale_id is a non-null foreign key
        checks = Checks()
        if changes or not cmd.history:
            await _check_item(db, checks, sale, item, changes)
        await item_history.check(db, checks, cmd.history)
        lot = _lot_of(_state(item, changes))
        moves_lot = lot != _lot_of(_state(item, {}))
        if (
            moves_lot
            and lot is not None
            and not checks.violations
            and await _clashes(db, [(item.id, sale.id, lot)], [item.id])
        ):
            checks.fail("lotNumber", UserErrorCode.UNIQUE, LOT_TAKEN)
        checks.raise_if_any()
        sent_terms = _terms_of(changes)
        old_terms = await term_ids_by_owner(session, ITEM_LINKS, [item.id]) if sent_terms else {}
        old, new = terms.changes(old_terms.get(item.id, {}), sent_terms)
        before = audit.snapshot(item)
        _apply(item, changes)
        if moves_lot:
            await _write_lots(session, [(item, sale.id, lot)])
        await session.flush()
        await _write_terms(session, item.id, new)
        links = await _write_responsible(session, item, changes)
        edited = await audit.record_updated(
            session,
            principal,
            models.EntityType.ITEM,
            item,
            before,
            also={**audit.diff(old, new), **links},
        )
        if cmd.history:
            await item_history.append(db, principal, item, cmd.history)
        if edited or cmd.history:
            await publish(session, *_item_events(item, principal, "edited"))
    return item


def _apply(item: models.Item, changes: Mapping[str, Any]) -> None:
    """Set the item's own non-lot fields (lots go through ``_write_lots``, responsible users
    through ``_write_responsible``, terms through ``_write_terms``)."""
    for name, value in changes.items():
        if name not in LOT_FIELDS and name not in TERM_FIELDS and name != responsible.FIELD:
            setattr(item, name, value)


def _terms_of(changes: Mapping[str, Any]) -> dict[str, list[int]]:
    """The (resolved) term fields of ``changes``."""
    return {name: list(value) for name, value in changes.items() if name in TERM_FIELDS}


async def _write_terms(session: AsyncSession, item_id: int, sent: Mapping[str, list[int]]) -> None:
    await terms.write(session, ITEM_LINKS, TERM_FIELDS, item_id, sent)


async def _write_responsible(
    session: AsyncSession, item: models.Item, changes: Mapping[str, Any]
) -> audit.Changes:
    """Store the sent (checked) responsible users; the audit change."""
    if responsible.FIELD not in changes:
        return {}
    return await responsible.replace(
        session, models.EntityType.ITEM, item.id, changes[responsible.FIELD]
    )


async def _history_of(db: OperationDB, item: models.Item, path: str) -> RuleViolation | None:
    """Why a lot carries history that forbids deleting or moving it, or None."""
    if item.status is models.ItemStatus.SOLD:
        return RuleViolation(UserErrorCode.ITEM_SOLD, "The lot is sold.", path)
    if await queries.items_on_open_orders(db, [item.id]):
        return RuleViolation(UserErrorCode.HAS_ORDERS, "The lot is on an order.", path)
    if item.bid_count > 0 or await queries.items_with_bids(db, [item.id]):
        return RuleViolation(UserErrorCode.HAS_BIDS, "The lot has bids.", path)
    return None


async def delete_item(db: OperationDB, principal: Principal, cmd: DeleteItem) -> models.Item:
    """Delete a lot without history (module docstring)."""
    _staff(principal)
    async with db.transaction() as session:
        item = await lock_item(db, cmd.item_id)
        if item is None:
            raise NotFound("Item not found.")
        violation = await _history_of(db, item, "itemId")
        if violation is not None:
            raise violation
        await audit.record_deleted(session, principal, models.EntityType.ITEM, item)
        await session.delete(item)
        await session.flush()
        await publish(session, *_item_events(item, principal, "deleted", force_reload=True))
    return item


async def delete_items(
    db: OperationDB, principal: Principal, cmd: DeleteItems
) -> BulkResult[models.Item]:
    """Delete many lots without history, each like ``delete_item``, under ``cmd.policy``.

    A row's object is the deleted lot (as it was). With one row per lot, IGNORE_FAILED has
    nothing to save partially and acts as REJECT_FAILED_ROWS.
    """
    _staff(principal)
    _check_size(len(cmd.item_ids), "itemIds")
    results: list[RowResult[models.Item]] = [RowResult(i) for i in range(len(cmd.item_ids))]
    async with db.transaction() as session:
        items = await queries.lock_items(db, cmd.item_ids)
        chosen: dict[int, models.Item] = {}
        for index, item_id in enumerate(cmd.item_ids):
            path = f"itemIds.{index}"
            item = items.get(item_id)
            violation = (
                RuleViolation(UserErrorCode.NOT_FOUND, "Item not found.", path)
                if item is None
                else await _history_of(db, item, path)
            )
            if violation is not None:
                results[index].errors.append(violation)
            elif item is not None:
                chosen[index] = item
        if cmd.policy is ErrorPolicy.REJECT_EVERYTHING and any(r.errors for r in results):
            return BulkResult(results, 0)
        events: list[Event] = []
        deleted: dict[int, models.Item] = {}
        for index, item in chosen.items():
            results[index].object = item
            if item.id in deleted:
                continue
            await audit.record_deleted(session, principal, models.EntityType.ITEM, item)
            await session.delete(item)
            deleted[item.id] = item
            events += _item_events(item, principal, "deleted", force_reload=True)
        await session.flush()
        result = BulkResult(results, len(deleted))
        if deleted:
            events.append(
                ItemBulk(
                    name="bulk_update",
                    count=len(deleted),
                    status=result.status,
                    message=f"Deleted {len(deleted)} of {len(cmd.item_ids)} items.",
                )
            )
            await publish(session, *events)
    return result


# -- bulk edit -----------------------------------------------------------------------------


def _check_size(count: int, name: str = "items") -> None:
    if count == 0:
        raise RuleViolation(UserErrorCode.REQUIRED, "Send at least one row.", name)
    if count > MAX_ROWS:
        raise RuleViolation(UserErrorCode.INVALID, f"Send at most {MAX_ROWS} rows.", name)


async def bulk_update_items(
    db: OperationDB, principal: Principal, cmd: BulkUpdateItems
) -> BulkResult[models.Item]:
    """Update many lots, each row like ``update_item``, lots checked on the batch's final state.

    What is written and what is reported follows ``cmd.policy`` (``domain.bulk``).
    """
    _staff(principal)
    _check_size(len(cmd.rows))
    if any(row.history for row in cmd.rows):
        raise ValueError("bulk updates write no item history")
    rows = [_fields(row.changes) for row in cmd.rows]
    results: list[RowResult[models.Item]] = [RowResult(index) for index in range(len(rows))]
    async with db.transaction() as session:
        items = await queries.lock_items(db, [row.item_id for row in cmd.rows])
        sales = await _lock_sales(db, [item.sale_id for item in items.values()])
        active: dict[int, dict[str, Any]] = {}
        seen: set[int] = set()
        for index, row in enumerate(cmd.rows):
            path = row_path("items", index)
            if row.item_id not in items:
                results[index].errors.append(
                    RuleViolation(UserErrorCode.NOT_FOUND, "Item not found.", f"{path}itemId")
                )
            elif row.item_id in seen:
                results[index].errors.append(
                    RuleViolation(
                        UserErrorCode.INVALID, "The item is in an earlier row.", f"{path}itemId"
                    )
                )
            else:
                active[index] = rows[index]
            seen.add(row.item_id)
        while True:
            found = await _bulk_violations(db, cmd, items, sales, active)
            for index, violations in found.items():
                results[index].errors.extend(violations)
            if not found or cmd.policy is ErrorPolicy.REJECT_EVERYTHING:
                break
            for index, violations in found.items():
                _drop_failed(active, index, violations, cmd.policy)
        if any(result.errors for result in results) and (
            cmd.policy is ErrorPolicy.REJECT_EVERYTHING
        ):
            return BulkResult(results, 0)
        written = await _write_bulk(session, principal, cmd, items, active)
        for index in active:
            results[index].object = items[cmd.rows[index].item_id]
        result = BulkResult(results, written)
        if written:
            await publish(
                session,
                ItemBulk(
                    name="bulk_update",
                    count=written,
                    status=result.status,
                    message=f"Updated {written} of {len(rows)} items.",
                ),
            )
    return result


async def _bulk_violations(
    db: OperationDB,
    cmd: BulkUpdateItems,
    items: Mapping[int, models.Item],
    sales: Mapping[int, models.Sale],
    active: Mapping[int, dict[str, Any]],
) -> dict[int, list[RuleViolation]]:
    """The violations of the active rows as they stand now (fields and batch-wide lots)."""
    found: dict[int, list[RuleViolation]] = {}
    claims: list[tuple[Any, int, Lot]] = []
    freed: list[int] = []
    for index, changes in active.items():
        item = items[cmd.rows[index].item_id]
        checks = Checks(prefix=row_path("items", index))
        await _check_item(db, checks, sales[item.sale_id], item, changes)
        if checks.violations:
            found[index] = checks.violations
            continue
        lot = _lot_of(_state(item, changes))
        if lot != _lot_of(_state(item, {})):
            freed.append(item.id)
            if lot is not None:
                claims.append((index, item.sale_id, lot))
    for index in sorted(await _clashes(db, claims, freed)):
        path = row_path("items", index)
        found[index] = [RuleViolation(UserErrorCode.UNIQUE, LOT_TAKEN, f"{path}lotNumber")]
    return found


def _drop_failed(
    active: dict[int, dict[str, Any]],
    index: int,
    violations: Sequence[RuleViolation],
    policy: ErrorPolicy,
) -> None:
    """REJECT_FAILED_ROWS drops the row; IGNORE_FAILED drops only the failed fields of it."""
    changes = active[index]
    by_name = {camel(name): name for name in changes}
    prefix = row_path("items", index)
    for violation in violations:
        failed = (violation.field or "").removeprefix(prefix).split("[", 1)[0].split(".", 1)[0]
        name = by_name.get(failed)
        if name is None and failed in ("lotNumber", "lotLetter"):
            name = next((lot for lot in LOT_FIELDS if lot in changes), None)
        if policy is ErrorPolicy.REJECT_FAILED_ROWS or name is None:
            del active[index]
            return
        for dropped in LOT_FIELDS if name in LOT_FIELDS else (name,):
            changes.pop(dropped, None)


async def _write_bulk(
    session: AsyncSession,
    principal: Principal,
    cmd: BulkUpdateItems,
    items: Mapping[int, models.Item],
    active: Mapping[int, dict[str, Any]],
) -> int:
    befores: dict[int, dict[str, Any]] = {}
    afters: dict[int, dict[str, list[int]]] = {}
    term_diffs: dict[int, audit.Changes] = {}
    placements: list[tuple[models.Item, int, Lot | None]] = []
    with_terms = [
        items[cmd.rows[index].item_id].id for index, changes in active.items() if _terms_of(changes)
    ]
    old_terms = await term_ids_by_owner(session, ITEM_LINKS, with_terms)
    for index, changes in active.items():
        item = items[cmd.rows[index].item_id]
        sent_terms = _terms_of(changes)
        old, afters[item.id] = terms.changes(old_terms.get(item.id, {}), sent_terms)
        term_diffs[item.id] = audit.diff(old, afters[item.id])
        befores[item.id] = audit.snapshot(item)
        lot = _lot_of(_state(item, changes))
        if lot != _lot_of(_state(item, {})):
            placements.append((item, item.sale_id, lot))
        _apply(item, changes)
    if placements:
        await _write_lots(session, placements)
    await session.flush()
    for item_id, after in afters.items():
        await _write_terms(session, item_id, after)
    links = {
        items[cmd.rows[index].item_id].id: await _write_responsible(
            session, items[cmd.rows[index].item_id], changes
        )
        for index, changes in active.items()
    }
    events: list[Event] = []
    for item_id, before in befores.items():
        item = items[item_id]
        if await audit.record_updated(
            session,
            principal,
            models.EntityType.ITEM,
            item,
            before,
            also={**term_diffs[item_id], **links[item_id]},
        ):
            events += _item_events(item, principal, "edited", force_reload=True)
    await publish(session, *events)
    return sum(1 for changes in active.values() if changes)


# -- statuses ------------------------------------------------------------------------------


async def update_item_statuses(
    db: OperationDB, principal: Principal, cmd: UpdateItemStatuses, now: datetime | None = None
) -> BulkResult[models.Item]:
    """Close lots by hand (REST B5.3 ``update_status``), under ``cmd.policy``.

    - WITHDRAWN, UNSOLD, PASSED close the lot without a buyer (hammer price and winner cleared).
    - SOLD closes it at its current bid to the leading bidder: the clerk records a sale the
      system did not (a reserve waived, a sale confirmed after the hammer). A lot without bids
      cannot be marked sold: ``INVALID``.
    - A lot on an order that is not canceled keeps its result: ``HAS_ORDERS``.
    - A lot already in the status is left alone (no error, no activity row).
    A sale whose last open lot closes this way closes too.
    """
    _staff(principal)
    _check_size(len(cmd.item_ids), "itemIds")
    if cmd.status not in STATUS_TARGETS:
        raise RuleViolation(
            UserErrorCode.INVALID,
            "The status must be WITHDRAWN, SOLD, UNSOLD or PASSED.",
            "status",
        )
    when = now or datetime.now(UTC)
    results: list[RowResult[models.Item]] = [RowResult(i) for i in range(len(cmd.item_ids))]
    async with db.transaction() as session:
        items = await queries.lock_items(db, cmd.item_ids)
        on_orders = await queries.items_on_open_orders(db, list(items))
        leaders = await leading_clients(session, list(items.values()))
        chosen: dict[int, models.Item] = {}
        for index, item_id in enumerate(cmd.item_ids):
            path = f"itemIds.{index}"
            item = items.get(item_id)
            violation: RuleViolation | None = None
            if item is None:
                violation = RuleViolation(UserErrorCode.NOT_FOUND, "Item not found.", path)
            elif item.status is cmd.status:
                pass
            elif item_id in on_orders:
                violation = RuleViolation(UserErrorCode.HAS_ORDERS, "The lot is on an order.", path)
            elif cmd.status is models.ItemStatus.SOLD and (
                item.current_bid is None or leaders.get(item.id) is None
            ):
                violation = RuleViolation(
                    UserErrorCode.INVALID, "A lot without bids cannot be marked sold.", path
                )
            if violation is not None:
                results[index].errors.append(violation)
            elif item is not None:
                chosen[index] = item
        if cmd.policy is ErrorPolicy.REJECT_EVERYTHING and any(r.errors for r in results):
            return BulkResult(results, 0)
        events: list[Event] = []
        written = 0
        for index, item in chosen.items():
            results[index].object = item
            if item.status is cmd.status:
                continue
            before = audit.snapshot(item)
            sold = cmd.status is models.ItemStatus.SOLD
            item.status = cmd.status
            item.hammer_price = item.current_bid if sold else None
            item.winner_id = leaders.get(item.id) if sold else None
            item.closed_at = item.closed_at or when
            await session.flush()
            await audit.record_updated(session, principal, models.EntityType.ITEM, item, before)
            await item_history.append(db, principal, item, _status_history(cmd.status))
            events += _item_events(item, principal, "status", force_reload=True)
            written += 1
        result = BulkResult(results, written)
        if written:
            events += await close_finished_sales(
                session, {item.sale_id for item in chosen.values()}, when
            )
            events.append(
                ItemBulk(
                    name="bulk_update",
                    count=written,
                    status=result.status,
                    message=f"Set {written} items to {cmd.status.value}.",
                )
            )
            await publish(session, *events)
    return result


def _status_history(status: models.ItemStatus) -> dict[str, Any]:
    """The history record of closing a lot by hand (REST B5.3)."""
    if status is models.ItemStatus.WITHDRAWN:
        return {"withdrawn": True}
    return {"sold_status": status.value, "withdrawn": False}


# -- clone and move ------------------------------------------------------------------------


async def _check_target(
    db: OperationDB, cmd: CopyItems, checks: Checks
) -> tuple[models.Sale | None, models.Consignment | None]:
    sale = await queries.lock_sale(db, cmd.target_sale_id)
    if sale is None:
        checks.fail("targetSaleId", UserErrorCode.NOT_FOUND, "Sale not found.")
    elif sale.lots_locked:
        checks.fail("targetSaleId", UserErrorCode.LOTS_LOCKED, LOTS_LOCKED)
    consignment = await db.session.get(models.Consignment, cmd.target_consignment_id)
    if consignment is None:
        checks.fail("targetConsignmentId", UserErrorCode.NOT_FOUND, "Consignment not found.")
    elif consignment.sale_id != cmd.target_sale_id:
        checks.fail(
            "targetConsignmentId",
            UserErrorCode.INVALID,
            "The consignment does not belong to the target sale.",
        )
    return sale, consignment


async def clone_items(db: OperationDB, principal: Principal, cmd: CopyItems) -> list[models.Item]:
    """Copy lots into a sale and consignment (REST B5.4 ``clone``), all or nothing.

    The copies keep every writable field but the lot number, which is the next free one in the
    target sale (in input order); they start AVAILABLE with no bids, and the source lots'
    history (bids, result) is not copied.
    """
    _staff(principal)
    _check_size(len(cmd.item_ids))
    async with db.transaction() as session:
        sources = await queries.lock_items(db, cmd.item_ids)
        checks = Checks()
        sale, consignment = await _check_target(db, cmd, checks)
        for index, item_id in enumerate(cmd.item_ids):
            if item_id not in sources:
                checks.fail(f"items.{index}", UserErrorCode.NOT_FOUND, "Item not found.")
        checks.raise_if_any()
        assert sale is not None
        assert consignment is not None
        highest = await queries.highest_lot_number(db, sale.id)
        numbers = _next_numbers(highest, 1, len(cmd.item_ids))
        source_terms = await term_ids_by_owner(session, ITEM_LINKS, sources)
        copies: list[models.Item] = []
        for number, item_id in zip(numbers, cmd.item_ids, strict=True):
            source = sources[item_id]
            copy = models.Item(
                sale_id=sale.id,
                consignment_id=consignment.id,
                lot_number=number,
                lot_letter="",
                status=models.ItemStatus.AVAILABLE,
                closes_at=sale.ends_at if sale.kind is models.SaleKind.TIMED else None,
                **{name: getattr(source, name) for name in CLONED},
            )
            session.add(copy)
            copies.append(copy)
        await session.flush()
        events: list[Event] = []
        for copy, item_id in zip(copies, cmd.item_ids, strict=True):
            copied = source_terms.get(item_id, {})
            await _write_terms(session, copy.id, copied)
            await audit.record_created(
                session, principal, models.EntityType.ITEM, copy, also=audit.diff({}, copied)
            )
            events += _item_events(copy, principal, "created", force_reload=True)
        events.append(
            ItemBulk(name="bulk_update", count=len(copies), message=f"Cloned {len(copies)} items.")
        )
        await publish(session, *events)
    return copies


async def move_items(db: OperationDB, principal: Principal, cmd: CopyItems) -> list[models.Item]:
    """Move lots to a sale and consignment (REST B5.4 ``move``), all or nothing.

    Sold lots, lots on an order that is not canceled and lots with bids cannot move (their
    history belongs to their sale); neither sale may have ``lots_locked``. A moved lot keeps its
    number when it is free in the target sale, else it gets the next free one. Moving within
    the same sale only changes the consignment.
    """
    _staff(principal)
    _check_size(len(cmd.item_ids))
    async with db.transaction() as session:
        items = await queries.lock_items(db, cmd.item_ids)
        # Every sale involved, in id order, before any other lock: two moves in opposite
        # directions then take the same locks in the same order.
        sources = await _lock_sales(
            db, [*(item.sale_id for item in items.values()), cmd.target_sale_id]
        )
        sources.pop(cmd.target_sale_id, None)
        checks = Checks()
        sale, consignment = await _check_target(db, cmd, checks)
        for index, item_id in enumerate(cmd.item_ids):
            item = items.get(item_id)
            path = f"items.{index}"
            if item is None:
                checks.fail(path, UserErrorCode.NOT_FOUND, "Item not found.")
                continue
            violation = await _history_of(db, item, path)
            if violation is not None:
                checks.violations.append(violation)
            elif item.sale_id in sources and sources[item.sale_id].lots_locked:
                checks.fail(path, UserErrorCode.LOTS_LOCKED, LOTS_LOCKED)
        checks.raise_if_any()
        assert sale is not None
        assert consignment is not None
        moving = [items[item_id] for item_id in dict.fromkeys(cmd.item_ids)]
        befores = {item.id: audit.snapshot(item) for item in moving}
        old_sales = {item.id: item.sale_id for item in moving}
        placements = await _placements(db, sale, [i for i in moving if i.sale_id != sale.id])
        for item in moving:
            item.consignment_id = consignment.id
        for item, _sale_id, _lot in placements:
            item.closes_at = sale.ends_at if sale.kind is models.SaleKind.TIMED else None
        await _write_lots(session, placements)
        events: list[Event] = []
        for item in moving:
            await audit.record_updated(
                session, principal, models.EntityType.ITEM, item, befores[item.id]
            )
            events += _item_events(item, principal, "moved", force_reload=True)
            if old_sales[item.id] != item.sale_id:
                events.append(
                    ItemUpdated(item_id=item.id, sale_id=old_sales[item.id], reason="moved")
                )
        events.append(
            ItemBulk(name="bulk_update", count=len(moving), message=f"Moved {len(moving)} items.")
        )
        await publish(session, *events)
    return [items[item_id] for item_id in cmd.item_ids]


async def _placements(
    db: OperationDB, sale: models.Sale, arriving: Sequence[models.Item]
) -> list[tuple[models.Item, int, Lot | None]]:
    """Where each arriving lot goes in ``sale``: its own number if free, else the next free."""
    taken = set(await queries.lots_of_sale(db, sale.id, except_ids=[i.id for i in arriving]))
    highest = max((number for number, _letter in taken), default=None)
    kept: list[tuple[models.Item, int, Lot | None]] = []
    renumbered: list[models.Item] = []
    for item in arriving:
        lot = _lot_of(_state(item, {}))
        if lot is None:
            kept.append((item, sale.id, None))
        elif lot in taken:
            renumbered.append(item)
        else:
            taken.add(lot)
            kept.append((item, sale.id, lot))
    highest = max((number for number, _letter in taken), default=highest)
    numbers = _next_numbers(highest, 1, len(renumbered))
    return kept + [(item, sale.id, (n, "")) for item, n in zip(renumbered, numbers, strict=True)]


# -- lot numbering -------------------------------------------------------------------------


async def renumber_lots(
    db: OperationDB, principal: Principal, cmd: RenumberLots
) -> list[models.Item]:
    """Number a sale's lots ``start_at``, ``start_at`` + 1, … in their lot order, letters cleared.

    Numbered lots keep their order (number, letter); unnumbered lots follow in creation order.
    Refused while the sale has ``lots_locked``.
    """
    _staff(principal)
    async with db.transaction() as session:
        items = await queries.lock_sale_items(db, cmd.sale_id)
        sale = await queries.lock_sale(db, cmd.sale_id)
        if sale is None:
            raise NotFound("Sale not found.")
        checks = Checks()
        if sale.lots_locked:
            checks.fail("saleId", UserErrorCode.LOTS_LOCKED, LOTS_LOCKED)
        if not 1 <= cmd.start_at <= 999_999_999 - len(items):
            checks.fail("startAt", UserErrorCode.INVALID, "`startAt` must be a positive number.")
        checks.raise_if_any()
        ordered = sorted(
            items,
            key=lambda i: (i.lot_number is None, i.lot_number or 0, i.lot_letter, i.id),
        )
        placements: list[tuple[models.Item, int, Lot | None]] = []
        befores: dict[int, dict[str, Any]] = {}
        for number, item in enumerate(ordered, start=cmd.start_at):
            if (item.lot_number, item.lot_letter) != (number, ""):
                befores[item.id] = audit.snapshot(item)
                placements.append((item, sale.id, (number, "")))
        await _write_lots(session, placements)
        await _record_lot_changes(session, principal, placements, befores, len(items))
    return ordered


async def update_item_lots(
    db: OperationDB, principal: Principal, cmd: UpdateItemLots
) -> list[models.Item]:
    """Set many lots at once (REST B5.7), all or nothing, checked on the batch's final state.

    Each ``lot`` is digits followed by up to three letters; two rows may swap their lots.
    """
    _staff(principal)
    _check_size(len(cmd.rows))
    async with db.transaction() as session:
        items = await queries.lock_items(db, [row.item_id for row in cmd.rows])
        sales = await _lock_sales(db, [item.sale_id for item in items.values()])
        checks = Checks()
        claims: list[tuple[Any, int, Lot]] = []
        seen: set[int] = set()
        for index, row in enumerate(cmd.rows):
            path = f"items.{index}."
            item = items.get(row.item_id)
            lot = parse_lot(row.lot)
            if item is None:
                checks.fail(f"{path}itemId", UserErrorCode.NOT_FOUND, "Item not found.")
            elif row.item_id in seen:
                checks.fail(
                    f"{path}itemId", UserErrorCode.INVALID, "The item is in an earlier row."
                )
            elif lot is None:
                checks.fail(
                    f"{path}lot",
                    UserErrorCode.INVALID,
                    "A lot is digits followed by up to three letters (150, 150A).",
                )
            elif lot != _lot_of(_state(item, {})):
                if sales[item.sale_id].lots_locked:
                    checks.fail(f"{path}lot", UserErrorCode.LOTS_LOCKED, LOTS_LOCKED)
                claims.append((index, item.sale_id, lot))
            seen.add(row.item_id)
        changing = [items[cmd.rows[index].item_id].id for index, _s, _l in claims]
        for index in sorted(await _clashes(db, claims, changing)):
            checks.fail(f"items.{index}.lot", UserErrorCode.UNIQUE, LOT_TAKEN)
        checks.raise_if_any()
        placements = [
            (items[cmd.rows[index].item_id], sale_id, lot) for index, sale_id, lot in claims
        ]
        befores = {item.id: audit.snapshot(item) for item, _s, _l in placements}
        await _write_lots(session, placements)
        await _record_lot_changes(session, principal, placements, befores, len(cmd.rows))
    return [items[row.item_id] for row in cmd.rows]


async def _record_lot_changes(
    session: AsyncSession,
    principal: Principal,
    placements: Sequence[tuple[models.Item, int, Lot | None]],
    befores: Mapping[int, dict[str, Any]],
    total: int,
) -> None:
    events: list[Event] = []
    for item, _sale_id, _lot in placements:
        await audit.record_updated(
            session, principal, models.EntityType.ITEM, item, befores[item.id]
        )
        events += _item_events(item, principal, "renumbered", force_reload=True)
    events.append(
        ItemBulk(
            name="item_lot_bulk",
            count=len(placements),
            message=f"Renumbered {len(placements)} of {total} items.",
        )
    )
    await publish(session, *events)


def lot_url(public_url: str | None, item_id: int) -> str | None:
    """The lot's page on the house's public site (``GAVEL_PUBLIC_URL``); None without one."""
    return f"{public_url.rstrip('/')}/lots/{item_id}" if public_url else None
