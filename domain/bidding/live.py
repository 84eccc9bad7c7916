"""The clerk's lot actions: open, hammer, pass (live sales) and withdraw (any sale).

Each action locks the item row, like ``place_bid``, so it is ordered with every bid on the lot,
checks that it fits the lot's state (else a ``RuleViolation`` in the result, nothing changed)
and publishes its events inside its one transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from db import models
from db.queries.item import lock_item
from db.session import OperationDB
from domain import audit
from domain.bidding.closing import close_finished_sales, hammer, leading_clients
from domain.bidding.service import LOT_STATE, audit_lot_action, replay_lot
from domain.errors import Forbidden, NotFound, RuleViolation, UserErrorCode
from domain.principal import Principal
from realtime.events import Event, ItemUpdated, Outbid
from realtime.publish import publish


@dataclass(frozen=True, slots=True)
class LotAction:
    """A clerk's action on one lot."""

    item_id: int


@dataclass(slots=True)
class LotResult:
    """The item after the action, the bid rows it placed (executed absentee bids), or why not."""

    item: models.Item | None = None
    rows: list[models.Bid] = field(default_factory=list)
    errors: list[RuleViolation] = field(default_factory=list)


@dataclass(slots=True)
class _Change:
    events: list[Event]
    rows: list[models.Bid] = field(default_factory=list)


Check = Callable[[models.Item, models.Sale], RuleViolation | None]
Apply = Callable[[OperationDB, models.Item, models.Sale], Awaitable[_Change]]


def _refusal(code: UserErrorCode, message: str) -> RuleViolation:
    return RuleViolation(code, message, "itemId")


def _closed(item: models.Item) -> RuleViolation | None:
    if item.status in models.CLOSED_ITEM_STATUSES or item.closed_at is not None:
        return _refusal(UserErrorCode.ITEM_CLOSED, "The lot is already closed.")
    return None


def _not_live(sale: models.Sale) -> RuleViolation | None:
    if sale.kind is not models.SaleKind.LIVE:
        return _refusal(UserErrorCode.NOT_LIVE_SALE, "Only lots of live sales are called.")
    return None


async def _act(
    db: OperationDB,
    principal: Principal,
    action: LotAction,
    check: Check,
    apply: Apply,
    name: str,
) -> LotResult:
    if not principal.is_staff:
        raise Forbidden("Only staff may do this.")
    async with db.transaction() as session:
        item = await lock_item(db, action.item_id)
        sale = await session.get(models.Sale, item.sale_id) if item is not None else None
        if item is None or sale is None:
            raise NotFound("Auction product not found.")
        violation = check(item, sale)
        if violation is not None:
            return LotResult(item=item, errors=[violation])
        before = audit.snapshot(item, LOT_STATE)
        change = await apply(db, item, sale)
        await session.flush()
        await publish(session, *change.events)
        await audit_lot_action(session, principal, item, before, name)
    return LotResult(item=item, rows=change.rows)


async def _close(
    db: OperationDB, item: models.Item, sale: models.Sale, now: datetime, reason: str
) -> _Change:
    """Events for a lot just closed, closing its sale too if this was its last open lot."""
    await db.session.flush()
    events: list[Event] = [ItemUpdated(item_id=item.id, sale_id=sale.id, reason=reason)]
    events += await close_finished_sales(db.session, [sale.id], now)
    return _Change(events)


# -- open ----------------------------------------------------------------------------------


def _check_open(item: models.Item, sale: models.Sale) -> RuleViolation | None:
    if (violation := _not_live(sale) or _closed(item)) is not None:
        return violation
    if item.status is models.ItemStatus.ACTIVE:
        return _refusal(UserErrorCode.ITEM_ALREADY_OPEN, "The lot is already open.")
    if item.status is not models.ItemStatus.AVAILABLE:
        return _refusal(UserErrorCode.ITEM_NOT_OPEN, "The lot is not listed for sale yet.")
    if not sale.published:
        return _refusal(UserErrorCode.ITEM_NOT_OPEN, "The sale is not published.")
    return None


async def open_lot(
    db: OperationDB, principal: Principal, action: LotAction, now: datetime
) -> LotResult:
    """Open a live lot (ACTIVE) and execute its absentee bids.

    Absentee bids (maxima placed before the lot opened) run through the rules in the order they
    were placed, each as little as needed from its amount up to its maximum; the price rows
    they produce get the next sequences and every absentee bidder left behind is told they
    were outbid.
    """

    async def apply(db: OperationDB, item: models.Item, sale: models.Sale) -> _Change:
        item.status = models.ItemStatus.ACTIVE
        replayed = await replay_lot(db, item, sale, now)
        events = replayed.events(item)
        if item.leading_bid_id is not None:
            last = item.last_sequence
            bidders = {row.client_id for row in replayed.standing + replayed.retracted}
            events += [
                Outbid(client_id=client_id, item_id=item.id, sale_id=sale.id, sequence=last)
                for client_id in sorted(bidders - {replayed.leader_id})
            ]
        events.append(ItemUpdated(item_id=item.id, sale_id=sale.id, reason="opened"))
        return _Change(events, replayed.rows)

    return await _act(db, principal, action, _check_open, apply, "open_lot")


# -- hammer, pass, withdraw ----------------------------------------------------------------


def _check_called(item: models.Item, sale: models.Sale) -> RuleViolation | None:
    if (violation := _not_live(sale) or _closed(item)) is not None:
        return violation
    if item.status is not models.ItemStatus.ACTIVE:
        return _refusal(UserErrorCode.ITEM_NOT_OPEN, "The lot has not been opened yet.")
    return None


async def hammer_lot(
    db: OperationDB, principal: Principal, action: LotAction, now: datetime
) -> LotResult:
    """Knock an open live lot down: SOLD to the highest bid if the reserve is met, else UNSOLD."""

    async def apply(db: OperationDB, item: models.Item, sale: models.Sale) -> _Change:
        leaders = await leading_clients(db.session, [item])
        hammer(item, leaders.get(item.id), now)
        return await _close(db, item, sale, now, "hammered")

    return await _act(db, principal, action, _check_called, apply, "hammer_lot")


def _check_pass(item: models.Item, sale: models.Sale) -> RuleViolation | None:
    return _not_live(sale) or _closed(item)


async def pass_lot(
    db: OperationDB, principal: Principal, action: LotAction, now: datetime
) -> LotResult:
    """Pass a live lot (open or not yet called): it closes PASSED without a buyer."""

    async def apply(db: OperationDB, item: models.Item, sale: models.Sale) -> _Change:
        _finish(item, models.ItemStatus.PASSED, now)
        return await _close(db, item, sale, now, "passed")

    return await _act(db, principal, action, _check_pass, apply, "pass_lot")


def _check_withdraw(item: models.Item, sale: models.Sale) -> RuleViolation | None:
    return _closed(item)


async def withdraw_lot(
    db: OperationDB, principal: Principal, action: LotAction, now: datetime
) -> LotResult:
    """Withdraw a lot that has not closed, from a timed or a live sale: it closes WITHDRAWN."""

    async def apply(db: OperationDB, item: models.Item, sale: models.Sale) -> _Change:
        _finish(item, models.ItemStatus.WITHDRAWN, now)
        return await _close(db, item, sale, now, "withdrawn")

    return await _act(db, principal, action, _check_withdraw, apply, "withdraw_lot")


def _finish(item: models.Item, status: models.ItemStatus, now: datetime) -> None:
    item.status = status
    item.hammer_price = None
    item.winner_id = None
    item.closed_at = now
    item.updated_at = now
