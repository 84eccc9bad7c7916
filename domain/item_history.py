"""Item history (REST B5 ``field_*`` inputs): the sale-result facts a clerk records on a lot.

Each write appends one ``ItemHistory`` record holding the previous record's values with the sent
ones applied (null clears one), so the newest record alone is the lot's history. Records are
never changed or deleted (they go with their lot). A record is its own audit trail (who, when,
what), as bid rows are, so no ``Activity`` row repeats it.

**The lot's result stays the bidding engine's.** ``status``, ``hammer_price`` and ``winner``
are written only by the bidding engine, the clerk's lot actions and ``update_item_statuses``; a
history record never changes them. Its ``sold_for_amount``, ``winner_client_id`` and
``sold_to_bidder_number`` are kept next to the engine's result as the clerk's record of it (a
room sale's paper result, a correction to review), never over it. Reads (``result_facts``):

- consignor price, don't-pay-consignor, selling agent, bidder alias and extension status come
  from the newest record: the engine has no such facts;
- ``sold_status`` and ``withdrawn`` follow the lot's status once it is closed (the engine's
  result wins), and the newest record's values before that;
- ``update_item_statuses`` appends a record too (``withdrawn``, or ``sold_status`` for SOLD,
  UNSOLD and PASSED), as REST B5.3 asks, so the two agree after a clerk closes a lot by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from db import models
from db.queries.item import latest_item_history, lock_item
from db.session import OperationDB
from domain.errors import Forbidden, NotFound, UserErrorCode
from domain.fields import MAX_INT, Checks, camel
from domain.principal import Principal
from realtime.events import EntityUpdated, ItemUpdated
from realtime.publish import publish

FIELDS = (
    "consignor_price",
    "dont_pay_consignor",
    "sold_agent_id",
    "sold_for_amount",
    "sold_to_bidder_number",
    "bidder_alias",
    "sold_status",
    "under_extension_status",
    "winner_client_id",
    "withdrawn",
)
SOLD_STATUSES = ("sold", "unsold", "passed")
SHORT_TEXT = 255


@dataclass(frozen=True, slots=True)
class RecordItemHistory:
    """Append a history record to ``item_id``; ``values`` maps ``FIELDS`` to their values."""

    item_id: int
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ResultFacts:
    """The history-fed read fields of a lot (REST B5.0)."""

    consignor_price: Decimal | None = None
    dont_pay_consignor: bool = False
    sold_agent_id: int | None = None
    bidder_alias: str | None = None
    sold_status: str | None = None
    under_extension_status: str | None = None
    withdrawn: bool = False


def result_facts(item: models.Item, latest: models.ItemHistory | None) -> ResultFacts:
    """What a lot reads from its newest history record and its status (module docstring)."""
    status = item.status
    sold_status: str | None
    if status in models.CLOSED_ITEM_STATUSES:
        withdrawn = status is models.ItemStatus.WITHDRAWN
        sold_status = status.value if status.value in SOLD_STATUSES else None
    else:
        withdrawn = bool(latest is not None and latest.withdrawn)
        sold_status = latest.sold_status if latest is not None else None
    if latest is None:
        return ResultFacts(sold_status=sold_status, withdrawn=withdrawn)
    return ResultFacts(
        consignor_price=latest.consignor_price,
        dont_pay_consignor=bool(latest.dont_pay_consignor),
        sold_agent_id=latest.sold_agent_id,
        bidder_alias=latest.bidder_alias,
        sold_status=sold_status,
        under_extension_status=latest.under_extension_status,
        withdrawn=withdrawn,
    )


def _fields(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"not an item history field: {sorted(unknown)}")
    return dict(values)


async def check(db: OperationDB, checks: Checks, values: Mapping[str, Any]) -> None:
    """Every rule on the history values sent; field names are their camelCase names."""
    for name in ("consignor_price", "sold_for_amount"):
        if name in values:
            value = values[name]
            if value is not None and not isinstance(value, Decimal):
                checks.fail(camel(name), UserErrorCode.INVALID_AMOUNT, "Must be an amount.")
            else:
                checks.money(camel(name), value)
    for name in ("dont_pay_consignor", "withdrawn"):
        if name in values:
            checks.flag(camel(name), values[name])
    for name in ("bidder_alias", "under_extension_status"):
        if name in values:
            checks.text(camel(name), values[name], SHORT_TEXT)
    if "sold_to_bidder_number" in values:
        checks.whole("soldToBidderNumber", values["sold_to_bidder_number"], 0, MAX_INT)
    status = values.get("sold_status")
    if status is not None and status not in SOLD_STATUSES:
        checks.fail("soldStatus", UserErrorCode.INVALID, "Must be sold, unsold or passed.")
    for name, model, what in (
        ("sold_agent_id", models.User, "User"),
        ("winner_client_id", models.Client, "Client"),
    ):
        reference = values.get(name)
        if reference is None:
            continue
        if isinstance(reference, bool) or not isinstance(reference, int):
            checks.fail(camel(name), UserErrorCode.INVALID, "Must be an id.")
        elif not 0 < reference <= MAX_INT or await db.session.get(model, reference) is None:
            checks.fail(camel(name), UserErrorCode.NOT_FOUND, f"{what} not found.")


async def append(
    db: OperationDB, principal: Principal, item: models.Item, values: Mapping[str, Any]
) -> models.ItemHistory:
    """Add the next record of ``item``: the newest one's values with ``values`` applied."""
    latest = await latest_item_history(db.session, item.id)
    carried = {name: getattr(latest, name) for name in FIELDS} if latest is not None else {}
    record = models.ItemHistory(
        item_id=item.id, user_id=principal.user_id, **(carried | _fields(values))
    )
    db.session.add(record)
    await db.session.flush()
    return record


async def record_item_history(
    db: OperationDB, principal: Principal, cmd: RecordItemHistory
) -> models.ItemHistory:
    """Append a history record to a lot, under its row lock; nothing if a value is invalid."""
    if not principal.is_staff:
        raise Forbidden("Only staff may do this.")
    values = _fields(cmd.values)
    async with db.transaction() as session:
        item = await lock_item(db, cmd.item_id)
        if item is None:
            raise NotFound("Item not found.")
        checks = Checks()
        await check(db, checks, values)
        checks.raise_if_any()
        record = await append(db, principal, item, values)
        await publish(
            session,
            EntityUpdated(bundle="item", entity_id=item.id, user_id=principal.user_id),
            ItemUpdated(item_id=item.id, sale_id=item.sale_id, reason="history"),
        )
    return record
