"""Placing bids: the I/O around the pure rules, serialized per lot by the item's row lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import col

from db import models
from db.queries.bid import accepted_bid_rows, bids_by_idempotency_key
from db.queries.item import lock_item
from db.session import OperationDB
from domain.bidding import rules
from domain.errors import Forbidden, NotFound, RuleViolation, UserErrorCode
from domain.principal import Principal
from realtime.events import BidPlaced, Event, ItemUpdated, Outbid
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


def _maxima(rows: list[tuple[int, Decimal, Decimal | None, int]]) -> tuple[rules.MaxBid, ...]:
    best: dict[int, rules.MaxBid] = {}
    for client_id, amount, max_amount, sequence in rows:
        value = max(amount, max_amount or amount)
        current = best.get(client_id)
        if current is None or value > current.max_amount:
            best[client_id] = rules.MaxBid(client_id, value, sequence)
    return tuple(best.values())


def _window_violation(sale: models.Sale, item: models.Item, now: datetime) -> RuleViolation | None:
    if item.status in models.CLOSED_ITEM_STATUSES or item.closed_at is not None:
        return RuleViolation(UserErrorCode.ITEM_CLOSED, "Auction has ended.", "itemId")
    if not sale.published:
        return RuleViolation(UserErrorCode.ITEM_NOT_OPEN, "The sale is not published.", "itemId")
    if sale.kind is models.SaleKind.LIVE:
        if item.status is not models.ItemStatus.ACTIVE:
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


async def _bidder(db: OperationDB, principal: Principal, cmd: PlaceBid) -> models.Client:
    if cmd.on_behalf_of is not None:
        if not principal.is_staff:
            raise Forbidden("Only staff may bid on behalf of a client.")
        client_id = cmd.on_behalf_of
    elif principal.client_id is None:
        raise Forbidden("Your account is not linked to a client and cannot bid.")
    else:
        client_id = principal.client_id
    client = await db.session.get(models.Client, client_id)
    if client is None:
        raise NotFound(f"Client {client_id} does not exist.")
    return client


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
    if cmd.idempotency_key is not None and not (
        0 < len(cmd.idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH
    ):
        raise RuleViolation(
            UserErrorCode.INVALID, "idempotencyKey must be 1 to 200 characters", "idempotencyKey"
        )
    async with db.transaction() as session:
        client = await _bidder(db, principal, cmd)
        item = await lock_item(db, cmd.item_id)
        sale = await session.get(models.Sale, item.sale_id) if item is not None else None
        if (
            item is None
            or sale is None
            or (
                not principal.is_staff and (not item.published or not sale.published or sale.hidden)
            )
        ):
            raise NotFound("Auction product not found.")

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
                return BidResult(
                    item=item,
                    bid=own,
                    rows=call_rows,
                    outcome=_outcome(call_rows, first.client_id, item.reserve_price),
                    replayed=True,
                )

        violation = _window_violation(sale, item, now)
        if violation is None and client.status is not models.ClientStatus.APPROVED:
            violation = RuleViolation(
                UserErrorCode.CLIENT_NOT_APPROVED,
                "Your account is not approved for bidding.",
                "onBehalfOf" if cmd.on_behalf_of is not None else None,
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
        if violation is not None:
            return BidResult(item=item, errors=[violation])

        table = rules.increment_table(sale.increments)
        maxima = _maxima(list(await accepted_bid_rows(db, item.id)))
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
            field_name = "maxAmount" if exc.field == "maxAmount" else "amount"
            return BidResult(
                item=item, errors=[RuleViolation(UserErrorCode(exc.code), exc.message, field_name)]
            )

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

    own_rows = [r for r in rows if r.client_id == client.id]
    return BidResult(
        item=item,
        bid=own_rows[0] if own_rows else None,
        rows=rows,
        outcome=resolution.outcome,
    )
