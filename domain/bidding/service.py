"""Placing bids: the I/O around the pure rules, serialized per lot by the item's row lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models
from db.queries.bid import accepted_bid_rows, accepted_bids, bids_by_idempotency_key
from db.queries.item import lock_item
from db.session import OperationDB
from domain import audit
from domain.bidding import replay, rules
from domain.bidding.closing import close_finished_sales
from domain.errors import Forbidden, NotFound, RuleViolation, UserErrorCode
from domain.principal import Principal
from realtime.events import BidPlaced, EntityUpdated, Event, ItemUpdated, Outbid
from realtime.publish import publish

MAX_IDEMPOTENCY_KEY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class PlaceBid:
    """A bid as a bidder (or a clerk, ``on_behalf_of``) submits it."""

    item_id: int
    amount: Decimal
    max_amount: Decimal | None = None
    idempotency_key: str | None = None
    on_behalf_of: int | None = None
    source: models.BidSource = models.BidSource.ONLINE


@dataclass(slots=True)
class BidResult:
    """What happened: the bidder's own row (if any), every row placed, the item after it."""

    item: models.Item
    bid: models.Bid | None = None
    rows: list[models.Bid] = field(default_factory=list)
    outcome: rules.Outcome | None = None
    errors: list[RuleViolation] = field(default_factory=list)
    replayed: bool = False


LOT_STATE = (
    "status",
    "current_bid",
    "bid_count",
    "leading_bid_id",
    "closes_at",
    "closed_at",
    "hammer_price",
    "winner_id",
)
"""The item fields a staff action on a lot is audited by."""


async def audit_lot_action(
    session: AsyncSession,
    principal: Principal,
    item: models.Item,
    before: dict[str, object],
    action: str,
) -> None:
    """Record a staff action on a lot (its state before and after) and tell the back office."""
    await audit.record_updated(session, principal, models.EntityType.ITEM, item, before, action)
    await publish(
        session,
        EntityUpdated(bundle="item", entity_id=item.id, user_id=principal.user_id),
    )


def _window_violation(
    sale: models.Sale, item: models.Item, now: datetime, *, absentee: bool = False
) -> RuleViolation | None:
    if item.status in models.CLOSED_ITEM_STATUSES or item.closed_at is not None:
        return RuleViolation(UserErrorCode.ITEM_CLOSED, "Auction has ended.", "itemId")
    if not sale.published:
        return RuleViolation(UserErrorCode.ITEM_NOT_OPEN, "The sale is not published.", "itemId")
    if sale.kind is models.SaleKind.LIVE:
        if item.status is not models.ItemStatus.ACTIVE and not (
            absentee and item.status is models.ItemStatus.AVAILABLE
        ):
            return RuleViolation(
                UserErrorCode.ITEM_NOT_OPEN, "The lot has not been opened yet.", "itemId"
            )
        return None
    starts_at = item.starts_at or sale.starts_at
    if starts_at is not None and now < starts_at:
        return RuleViolation(UserErrorCode.ITEM_NOT_OPEN, "Auction has not started yet.", "itemId")
    if item.closes_at is not None and now >= item.closes_at:
        return RuleViolation(UserErrorCode.ITEM_CLOSED, "Auction has ended.", "itemId")
    return None


def _outcome(rows: list[models.Bid], client_id: int, reserve: Decimal | None) -> rules.Outcome:
    last = rows[-1]
    if last.client_id != client_id:
        return rules.Outcome.OUTBID
    if rules.reserve_met(last.amount, reserve):
        return rules.Outcome.WINNING
    return rules.Outcome.WINNING_RESERVE_NOT_MET


def is_absentee(sale: models.Sale, item: models.Item) -> bool:
    """Whether a bid on ``item`` now is an absentee bid: a live lot the clerk has not opened."""
    return sale.kind is models.SaleKind.LIVE and item.status is models.ItemStatus.AVAILABLE


async def _bidder(
    db: OperationDB, principal: Principal, on_behalf_of: int | None = None
) -> models.Client:
    if on_behalf_of is not None:
        if not principal.is_staff:
            raise Forbidden("Only staff may bid on behalf of a client.")
        client_id = on_behalf_of
    elif principal.client_id is None:
        raise Forbidden("Your account is not linked to a client and cannot bid.")
    else:
        client_id = principal.client_id
    # FOR KEY SHARE: a merge (FOR UPDATE on its clients) waits for this bid to commit and then
    # moves it too, or this bid waits for the merge and sees the client DELETED; a bid can
    # never land on a client that was merged away.
    client = await db.session.get(
        models.Client,
        client_id,
        with_for_update={"read": True, "key_share": True},
        populate_existing=True,
    )
    if client is None:
        raise NotFound(f"Client {client_id} does not exist.")
    return client


async def _lock_visible_item(
    db: OperationDB, principal: Principal, item_id: int
) -> tuple[models.Item, models.Sale]:
    """Lock the item row; a lot the caller may not see is not found."""
    item = await lock_item(db, item_id)
    sale = await db.session.get(models.Sale, item.sale_id) if item is not None else None
    if (
        item is None
        or sale is None
        or (not principal.is_staff and (not item.published or not sale.published or sale.hidden))
    ):
        raise NotFound("Auction product not found.")
    return item, sale


async def _bidding_violation(
    session: AsyncSession,
    sale: models.Sale,
    item: models.Item,
    client: models.Client,
    now: datetime,
    *,
    absentee: bool = False,
    on_behalf: int | None = None,
) -> RuleViolation | None:
    """The first rule (open lot, approved client, not the consignor) a bid would break."""
    violation = _window_violation(sale, item, now, absentee=absentee)
    if violation is None and client.status is not models.ClientStatus.APPROVED:
        violation = RuleViolation(
            UserErrorCode.CLIENT_NOT_APPROVED,
            "Your account is not approved for bidding.",
            "onBehalfOf" if on_behalf is not None else None,
        )
    if violation is None and item.consignment_id is not None:
        consignor = await session.scalar(
            sa.select(col(models.Consignment.consignor_id)).where(
                col(models.Consignment.id) == item.consignment_id
            )
        )
        if consignor == client.id:
            violation = RuleViolation(
                UserErrorCode.OWN_ITEM, "You cannot bid on your own product.", "itemId"
            )
    return violation


def _rejected(exc: rules.BidRejected) -> RuleViolation:
    field_name = "maxAmount" if exc.field == "maxAmount" else "amount"
    return RuleViolation(UserErrorCode(exc.code), exc.message, field_name)


async def _register_absentee(
    session: AsyncSession,
    principal: Principal,
    cmd: PlaceBid,
    client: models.Client,
    item: models.Item,
    sale: models.Sale,
    now: datetime,
) -> BidResult:
    """Store an absentee bid on a live lot not yet open; the price moves when the lot opens.

    The bid is checked as a first bid would be (amounts, starting price), takes the next
    sequence and waits, with its maximum, for ``open_lot`` to execute it.
    """
    table = rules.increment_table(sale.increments)
    start = rules.opening_state(item.starting_price, item.reserve_price, table)
    try:
        rules.resolve_bid(start, rules.BidAttempt(client.id, cmd.amount, cmd.max_amount, 0))
    except rules.BidRejected as exc:
        return BidResult(item=item, errors=[_rejected(exc)])
    item.last_sequence += 1
    row = models.Bid(
        item_id=item.id,
        client_id=client.id,
        user_id=principal.user_id,
        sequence=item.last_sequence,
        amount=cmd.amount,
        max_amount=cmd.max_amount,
        is_proxy=False,
        source=models.BidSource.ABSENTEE,
        idempotency_key=cmd.idempotency_key,
        placed_at=now,
    )
    session.add(row)
    item.updated_at = now
    await session.flush()
    await publish(
        session,
        BidPlaced(
            item_id=item.id,
            sale_id=sale.id,
            first_sequence=row.sequence,
            last_sequence=row.sequence,
        ),
    )
    return BidResult(item=item, bid=row, rows=[row])


async def place_bid(
    db: OperationDB, principal: Principal, cmd: PlaceBid, now: datetime
) -> BidResult:
    """Place one bid under the item's row lock; one transaction, events sent on commit.

    Every bid on a lot runs this with ``SELECT … FOR UPDATE`` on the item row, so bids are
    totally ordered per lot across every server process: sequences are gapless and each row's
    amount is above the one before it. A repeated ``idempotency_key`` of the same user returns
    the rows of the first call and places nothing.
    """
    if principal.user_id is None:
        raise Forbidden("Sign in to bid.")
    _check_idempotency_key(cmd.idempotency_key)
    async with db.transaction() as session:
        client = await _bidder(db, principal, cmd.on_behalf_of)
        item, sale = await _lock_visible_item(db, principal, cmd.item_id)

        if cmd.idempotency_key is not None:
            earlier = await bids_by_idempotency_key(db, principal.user_id, cmd.idempotency_key)
            if earlier:
                first = earlier[0]
                if first.item_id != item.id:
                    raise RuleViolation(
                        UserErrorCode.INVALID,
                        "idempotencyKey was already used for another lot",
                        "idempotencyKey",
                    )
                call_rows = list(
                    (
                        await session.execute(
                            sa.select(models.Bid)
                            .where(
                                col(models.Bid.item_id) == item.id,
                                col(models.Bid.user_id) == principal.user_id,
                                col(models.Bid.placed_at) == first.placed_at,
                                col(models.Bid.sequence) >= first.sequence,
                            )
                            .order_by(col(models.Bid.sequence))
                        )
                    ).scalars()
                )
                own = next((r for r in call_rows if r.client_id == first.client_id), None)
                pending = first.source is models.BidSource.ABSENTEE and is_absentee(sale, item)
                return BidResult(
                    item=item,
                    bid=own,
                    rows=call_rows,
                    outcome=None
                    if pending
                    else _outcome(call_rows, first.client_id, item.reserve_price),
                    replayed=True,
                )

        absentee = is_absentee(sale, item) and cmd.max_amount is not None
        violation = await _bidding_violation(
            session, sale, item, client, now, absentee=absentee, on_behalf=cmd.on_behalf_of
        )
        if violation is not None:
            return BidResult(item=item, errors=[violation])

        if absentee:
            return await _register_absentee(session, principal, cmd, client, item, sale, now)
        before = audit.snapshot(item, LOT_STATE)
        table = rules.increment_table(sale.increments)
        maxima = rules.maxima_from_rows(list(await accepted_bid_rows(db, item.id)))
        leader = rules.leader_of(maxima)
        state = rules.LotState(
            starting_price=item.starting_price,
            reserve=item.reserve_price,
            current_bid=item.current_bid,
            leader_id=leader.client_id if leader is not None else None,
            maxima=maxima,
            table=table,
        )
        try:
            resolution = rules.resolve_bid(
                state,
                rules.BidAttempt(client.id, cmd.amount, cmd.max_amount, item.last_sequence + 1),
            )
        except rules.BidRejected as exc:
            return BidResult(item=item, errors=[_rejected(exc)])

        rows: list[models.Bid] = []
        for index, step in enumerate(resolution.steps):
            item.last_sequence += 1
            rows.append(
                models.Bid(
                    item_id=item.id,
                    client_id=step.client_id,
                    user_id=principal.user_id,
                    sequence=item.last_sequence,
                    amount=step.amount,
                    max_amount=step.max_amount,
                    is_proxy=step.is_proxy,
                    source=cmd.source if step.client_id == client.id else models.BidSource.ONLINE,
                    idempotency_key=cmd.idempotency_key if index == 0 else None,
                    placed_at=now,
                )
            )
        session.add_all(rows)
        await session.flush()

        events: list[Event] = []
        previous_leader = state.leader_id
        if rows:
            item.current_bid = rows[-1].amount
            item.bid_count += len(rows)
            item.leading_bid_id = rows[-1].id
            events.append(
                BidPlaced(
                    item_id=item.id,
                    sale_id=sale.id,
                    first_sequence=rows[0].sequence,
                    last_sequence=rows[-1].sequence,
                )
            )
            new_leader = resolution.state.leader_id
            losers = {r.client_id for r in rows if r.client_id != new_leader}
            if previous_leader is not None and previous_leader != new_leader:
                losers.add(previous_leader)
            for loser in sorted(losers):
                events.append(
                    Outbid(
                        client_id=loser,
                        item_id=item.id,
                        sale_id=sale.id,
                        sequence=rows[-1].sequence,
                    )
                )
        reason = "bid"
        if (
            rows
            and sale.kind is models.SaleKind.TIMED
            and item.closes_at is not None
            and sale.soft_close_seconds > 0
            and item.closes_at - now < timedelta(seconds=sale.soft_close_seconds)
        ):
            item.closes_at = now + timedelta(seconds=sale.soft_close_seconds)
            reason = "extended"
        item.updated_at = now
        if rows:
            events.append(ItemUpdated(item_id=item.id, sale_id=sale.id, reason=reason))
        await session.flush()
        await publish(session, *events)
        if cmd.on_behalf_of is not None:  # a clerk's floor or phone bid; online bids are rows
            await audit_lot_action(session, principal, item, before, "place_bid_on_behalf")

    own_rows = [r for r in rows if r.client_id == client.id]
    return BidResult(
        item=item,
        bid=own_rows[0] if own_rows else None,
        rows=rows,
        outcome=resolution.outcome,
    )


# -- replaying a lot (retraction, absentee bids) -------------------------------------------


def _stored(row: models.Bid) -> replay.StoredBid:
    return replay.StoredBid(
        id=row.id,
        client_id=row.client_id,
        amount=row.amount,
        max_amount=row.max_amount,
        is_proxy=row.is_proxy,
        sequence=row.sequence,
        absentee=row.source is models.BidSource.ABSENTEE,
    )


@dataclass(slots=True)
class Replayed:
    """The rows a replay appended, all rows standing after it, the ones it retracted; the
    lot's new leader."""

    rows: list[models.Bid]
    standing: list[models.Bid]
    retracted: list[models.Bid]
    leader_id: int | None

    def events(self, item: models.Item) -> list[Event]:
        """``BidPlaced`` for the appended rows (if any)."""
        if not self.rows:
            return []
        return [
            BidPlaced(
                item_id=item.id,
                sale_id=item.sale_id,
                first_sequence=self.rows[0].sequence,
                last_sequence=self.rows[-1].sequence,
            )
        ]


async def replay_lot(
    db: OperationDB,
    item: models.Item,
    sale: models.Sale,
    now: datetime,
    *,
    without: int | None = None,
) -> Replayed:
    """Rebuild a locked lot's price from its bids, as if bid ``without`` had never been placed.

    The bids (see ``domain.bidding.replay``) run through the rules from the opening state. Bid
    ``without`` and the rows the replay no longer produces are RETRACTED; rows it produces again
    stay as they are; its new rows get the next sequences (never renumbered, so no gap appears).
    ``current_bid``, ``leading_bid_id`` and ``bid_count`` then describe the replay. Call it with
    the item locked and ``without`` still accepted.
    """
    rows = list(await accepted_bids(db, item.id))
    start = rules.opening_state(
        item.starting_price, item.reserve_price, rules.increment_table(sale.increments)
    )
    plan = replay.plan_without(start, [_stored(row) for row in rows], without)
    by_id = {row.id: row for row in rows}
    retracted = [by_id[stored.id] for stored in plan.retract]
    if without is not None:
        by_id[without].status = models.BidStatus.RETRACTED
    for row in retracted:
        row.status = models.BidStatus.RETRACTED
    appended: list[models.Bid] = []
    for replayed in plan.append:
        attempt = by_id[replayed.attempt.id]
        step = replayed.step
        item.last_sequence += 1
        appended.append(
            models.Bid(
                item_id=item.id,
                client_id=step.client_id,
                user_id=attempt.user_id,
                sequence=item.last_sequence,
                amount=step.amount,
                max_amount=step.max_amount,
                is_proxy=step.is_proxy,
                source=attempt.source
                if step.client_id == attempt.client_id
                else models.BidSource.ONLINE,
                placed_at=now,
            )
        )
    db.session.add_all(appended)
    await db.session.flush()
    standing = [by_id[stored.id] for stored in plan.keep] + appended
    item.current_bid = standing[-1].amount if standing else None
    item.leading_bid_id = standing[-1].id if standing else None
    item.bid_count = len(standing)
    item.updated_at = now
    return Replayed(
        rows=appended, standing=standing, retracted=retracted, leader_id=plan.state.leader_id
    )


def lot_closed(sale: models.Sale, item: models.Item, now: datetime) -> RuleViolation | None:
    """ITEM_CLOSED when the lot is closed, or a timed lot's time is up."""
    if (
        item.status in models.CLOSED_ITEM_STATUSES
        or item.closed_at is not None
        or (
            sale.kind is models.SaleKind.TIMED
            and item.closes_at is not None
            and now >= item.closes_at
        )
    ):
        return RuleViolation(UserErrorCode.ITEM_CLOSED, "Auction has ended.", "itemId")
    return None


@dataclass(frozen=True, slots=True)
class RetractBid:
    """Staff take a bid back: the lot is priced as if it had never been placed."""

    bid_id: int


@dataclass(slots=True)
class RetractResult:
    """The retracted bid, the item after it and the rows the replay appended."""

    item: models.Item | None = None
    bid: models.Bid | None = None
    rows: list[models.Bid] = field(default_factory=list)
    errors: list[RuleViolation] = field(default_factory=list)


async def retract_bid(
    db: OperationDB, principal: Principal, cmd: RetractBid, now: datetime
) -> RetractResult:
    """Retract a bid someone placed and replay the lot's other bids; one transaction.

    Only bids a bidder or clerk placed can be retracted (not the engine's proxy rows: retract
    the bid that set the maximum), and only while the lot is open. On a live lot not opened yet
    an absentee bid is simply withdrawn: nothing has been priced.
    """
    if not principal.is_staff:
        raise Forbidden("Only staff may retract bids.")
    async with db.transaction() as session:
        item_id = await session.scalar(
            sa.select(col(models.Bid.item_id)).where(col(models.Bid.id) == cmd.bid_id)
        )
        item = await lock_item(db, item_id) if item_id is not None else None
        sale = await session.get(models.Sale, item.sale_id) if item is not None else None
        bid = await session.get(models.Bid, cmd.bid_id, populate_existing=True)
        if item is None or sale is None or bid is None:
            raise NotFound("Bid not found.")

        def refuse(code: UserErrorCode, message: str) -> RetractResult:
            return RetractResult(item=item, bid=bid, errors=[RuleViolation(code, message, "bidId")])

        if bid.status is models.BidStatus.RETRACTED:
            return refuse(UserErrorCode.BID_RETRACTED, "The bid has already been retracted.")
        closed = lot_closed(sale, item, now)
        if closed is not None:
            return refuse(closed.code, closed.message)
        rows = [_stored(row) for row in await accepted_bids(db, item.id)]
        if bid.id not in {row.id for row in replay.attempts(rows)}:
            return refuse(
                UserErrorCode.PROXY_BID,
                "The bid was placed by the proxy engine; retract the bid that set the maximum.",
            )

        events: list[Event] = []
        appended: list[models.Bid] = []
        before = audit.snapshot(item, LOT_STATE)
        bid_before = audit.snapshot(bid, ["status"])
        if is_absentee(sale, item):
            bid.status = models.BidStatus.RETRACTED
            item.updated_at = now
        else:
            replayed = await replay_lot(db, item, sale, now, without=bid.id)
            appended = replayed.rows
            events += replayed.events(item)
        events.append(ItemUpdated(item_id=item.id, sale_id=sale.id, reason="retracted"))
        await session.flush()
        await publish(session, *events)
        await audit.record_updated(
            session, principal, models.EntityType.BID, bid, bid_before, "retract_bid"
        )
        await audit_lot_action(session, principal, item, before, "retract_bid")
    return RetractResult(item=item, bid=bid, rows=appended)


# -- buy now -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuyNow:
    """Buy a lot outright at its buy-now price."""

    item_id: int
    idempotency_key: str | None = None


@dataclass(slots=True)
class BuyNowResult:
    """The item (SOLD on success), the bid row at the buy-now price, or why not."""

    item: models.Item | None = None
    bid: models.Bid | None = None
    errors: list[RuleViolation] = field(default_factory=list)
    replayed: bool = False


def _check_idempotency_key(key: str | None) -> None:
    if key is not None and not (0 < len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH):
        raise RuleViolation(
            UserErrorCode.INVALID, "idempotencyKey must be 1 to 200 characters", "idempotencyKey"
        )


async def buy_now(
    db: OperationDB, principal: Principal, cmd: BuyNow, now: datetime
) -> BuyNowResult:
    """Sell the lot at its buy-now price to the caller's client, while it has no bid.

    Runs under the same item row lock as ``place_bid``, so a bid and a purchase never both
    win. The purchase is one bid row at the buy-now price with the next sequence (bid history
    and subscriptions see it); the lot closes SOLD, and a sale whose last lot this was closes.
    """
    if principal.user_id is None:
        raise Forbidden("Sign in to buy.")
    _check_idempotency_key(cmd.idempotency_key)
    async with db.transaction() as session:
        client = await _bidder(db, principal)
        item, sale = await _lock_visible_item(db, principal, cmd.item_id)
        if cmd.idempotency_key is not None:
            earlier = await bids_by_idempotency_key(db, principal.user_id, cmd.idempotency_key)
            if earlier:
                if earlier[0].item_id != item.id:
                    raise RuleViolation(
                        UserErrorCode.INVALID,
                        "idempotencyKey was already used for another lot",
                        "idempotencyKey",
                    )
                return BuyNowResult(item=item, bid=earlier[0], replayed=True)

        violation = await _bidding_violation(session, sale, item, client, now)
        if violation is None and item.buy_now_price is None:
            violation = RuleViolation(
                UserErrorCode.NO_BUY_NOW, "This lot cannot be bought now.", "itemId"
            )
        if violation is None and (item.bid_count > 0 or item.current_bid is not None):
            violation = RuleViolation(
                UserErrorCode.HAS_BIDS,
                "The lot already has bids; it can no longer be bought now.",
                "itemId",
            )
        if violation is not None:
            return BuyNowResult(item=item, errors=[violation])
        price = item.buy_now_price
        assert price is not None
        before = audit.snapshot(item, LOT_STATE)

        item.last_sequence += 1
        row = models.Bid(
            item_id=item.id,
            client_id=client.id,
            user_id=principal.user_id,
            sequence=item.last_sequence,
            amount=price,
            is_proxy=False,
            source=models.BidSource.ONLINE,
            idempotency_key=cmd.idempotency_key,
            placed_at=now,
        )
        session.add(row)
        await session.flush()
        item.current_bid = price
        item.bid_count += 1
        item.leading_bid_id = row.id
        item.status = models.ItemStatus.SOLD
        item.hammer_price = price
        item.winner_id = client.id
        item.closed_at = now
        item.updated_at = now
        await session.flush()
        events: list[Event] = [
            BidPlaced(
                item_id=item.id,
                sale_id=sale.id,
                first_sequence=row.sequence,
                last_sequence=row.sequence,
            ),
            ItemUpdated(item_id=item.id, sale_id=sale.id, reason="sold"),
        ]
        events += await close_finished_sales(session, [sale.id], now)
        await publish(session, *events)
        await audit_lot_action(session, principal, item, before, "buy_now")
    return BuyNowResult(item=item, bid=row)
