"""The auction rules as pure functions over plain values (no I/O)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

DEFAULT_TABLE: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal("0"), Decimal("5")),
    (Decimal("100"), Decimal("10")),
    (Decimal("200"), Decimal("20")),
    (Decimal("500"), Decimal("50")),
    (Decimal("1000"), Decimal("100")),
    (Decimal("2000"), Decimal("200")),
    (Decimal("5000"), Decimal("500")),
    (Decimal("10000"), Decimal("1000")),
    (Decimal("20000"), Decimal("2000")),
    (Decimal("50000"), Decimal("5000")),
)


@dataclass(frozen=True, slots=True)
class IncrementBand:
    """From ``start`` (inclusive) upwards, bids rise by ``increment``."""

    start: Decimal
    increment: Decimal


def increment_table(rows: Iterable[Mapping[str, Any]] | None) -> tuple[IncrementBand, ...]:
    """A sale's stored increment rows (``{"from", "increment"}``), or the default table."""
    parsed = [
        IncrementBand(Decimal(str(r["from"])), Decimal(str(r["increment"]))) for r in rows or ()
    ]
    if not parsed:
        parsed = [IncrementBand(start, inc) for start, inc in DEFAULT_TABLE]
    return tuple(sorted(parsed, key=lambda band: band.start))


def increment_for(amount: Decimal, table: Sequence[IncrementBand]) -> Decimal:
    """The increment that applies at ``amount``: the band whose start is the highest <= amount."""
    current = table[0].increment
    for band in table:
        if amount >= band.start:
            current = band.increment
        else:
            break
    return current


def next_minimum(
    current_bid: Decimal | None, starting_price: Decimal, table: Sequence[IncrementBand]
) -> Decimal:
    """Lowest acceptable bid: the starting price first, then current + one increment."""
    if current_bid is None:
        return starting_price
    return current_bid + increment_for(current_bid, table)


def reserve_met(current_bid: Decimal | None, reserve: Decimal | None) -> bool:
    """Whether the price has reached the reserve (a lot without reserve always has)."""
    if reserve is None:
        return True
    return current_bid is not None and current_bid >= reserve


class Outcome(enum.Enum):
    """What an accepted bid means for its bidder, at once."""

    WINNING = "winning"
    OUTBID = "outbid"
    WINNING_RESERVE_NOT_MET = "winning_reserve_not_met"


class BidRejected(Exception):
    """A bid that breaks an amount rule; ``code`` is a ``UserErrorCode`` name."""

    def __init__(self, code: str, message: str, field: str = "amount") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class MaxBid:
    """A bidder's standing maximum; ``order`` says when it was set (lower wins ties)."""

    client_id: int
    max_amount: Decimal
    order: int


@dataclass(frozen=True, slots=True)
class LotState:
    """Everything the rules need about a lot, read under its row lock."""

    starting_price: Decimal
    reserve: Decimal | None
    current_bid: Decimal | None
    leader_id: int | None
    maxima: tuple[MaxBid, ...]
    table: tuple[IncrementBand, ...]

    def max_of(self, client_id: int) -> MaxBid | None:
        return next((m for m in self.maxima if m.client_id == client_id), None)


@dataclass(frozen=True, slots=True)
class BidAttempt:
    client_id: int
    amount: Decimal
    max_amount: Decimal | None
    order: int


@dataclass(frozen=True, slots=True)
class PriceStep:
    """One price change, stored as one bid row with its own sequence."""

    client_id: int
    amount: Decimal
    is_proxy: bool
    max_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    steps: tuple[PriceStep, ...]
    state: LotState
    outcome: Outcome


CENT = Decimal("0.01")


def check_amount(amount: Decimal, field: str = "amount") -> None:
    """Amounts are positive with at most two decimals."""
    if not amount.is_finite() or amount <= 0:
        raise BidRejected("INVALID_AMOUNT", f"{field} must be a positive amount", field)
    if amount != amount.quantize(CENT):
        raise BidRejected("INVALID_AMOUNT", f"{field} has more than two decimals", field)


def leader_of(maxima: Iterable[MaxBid]) -> MaxBid | None:
    """Highest maximum; on equal maxima the earlier one."""
    return min(maxima, key=lambda m: (-m.max_amount, m.order), default=None)


def resolve_bid(state: LotState, attempt: BidAttempt) -> Resolution:
    """Apply one bid (with an optional maximum) to a lot: eBay-style proxy resolution.

    The price becomes the lowest amount that keeps the highest maximum in the lead: one
    increment above the runner-up's maximum, capped at the leader's maximum, never below the
    leader's own explicit bid, and raised to the reserve when the leading maximum reaches it.
    Every step is a strictly higher price than the one before.
    """
    check_amount(attempt.amount)
    if attempt.max_amount is not None:
        check_amount(attempt.max_amount, "maxAmount")
        if attempt.max_amount < attempt.amount:
            raise BidRejected(
                "INVALID_AMOUNT", "maxAmount must be at least the amount", "maxAmount"
            )
    minimum = next_minimum(state.current_bid, state.starting_price, state.table)
    if attempt.amount < minimum:
        raise BidRejected("BELOW_MINIMUM", f"Bid amount must be at least {minimum:.2f}.")

    new_max = max(attempt.amount, attempt.max_amount or attempt.amount)
    previous = state.max_of(attempt.client_id)
    if previous is not None and previous.max_amount >= new_max:
        mine = previous  # a lower new maximum never lowers a standing one
    else:
        order = (
            previous.order
            if previous is not None and previous.max_amount == new_max
            else (attempt.order)
        )
        mine = MaxBid(attempt.client_id, new_max, order)
    maxima = (*(m for m in state.maxima if m.client_id != attempt.client_id), mine)
    leader = leader_of(maxima)
    assert leader is not None
    others = [m for m in maxima if m.client_id != leader.client_id]
    runner_up = leader_of(others)

    if runner_up is None:
        price = attempt.amount
    else:
        price = min(
            leader.max_amount,
            runner_up.max_amount + increment_for(runner_up.max_amount, state.table),
        )
        price = max(price, runner_up.max_amount)
    if leader.client_id == attempt.client_id:
        price = max(price, attempt.amount)
    if state.reserve is not None and leader.max_amount >= state.reserve:
        price = max(price, state.reserve)
    price = min(price, leader.max_amount)

    steps: list[PriceStep] = []
    last = state.current_bid or Decimal("0")

    def step(client_id: int, amount: Decimal, is_proxy: bool, max_amount: Decimal | None) -> None:
        nonlocal last
        if amount > last:
            steps.append(PriceStep(client_id, amount, is_proxy, max_amount))
            last = amount

    attempt_max = attempt.max_amount
    if leader.client_id == attempt.client_id:
        # The previous leader (if another bidder) defends up to their maximum first.
        if state.leader_id is not None and state.leader_id != attempt.client_id:
            defender = state.max_of(state.leader_id)
            if defender is not None and defender.max_amount < price:
                step(defender.client_id, defender.max_amount, True, None)
        step(attempt.client_id, price, price > attempt.amount, attempt_max)
    else:
        # An equal maximum set earlier wins at that amount: then the later bid leaves no row.
        if attempt.amount < price:
            step(attempt.client_id, attempt.amount, False, attempt_max)
            if attempt.amount < new_max < price:
                step(attempt.client_id, new_max, True, attempt_max)
        step(leader.client_id, price, True, None)

    new_state = LotState(
        starting_price=state.starting_price,
        reserve=state.reserve,
        current_bid=last if steps else state.current_bid,
        leader_id=leader.client_id,
        maxima=maxima,
        table=state.table,
    )
    if leader.client_id != attempt.client_id:
        outcome = Outcome.OUTBID
    elif reserve_met(new_state.current_bid, state.reserve):
        outcome = Outcome.WINNING
    else:
        outcome = Outcome.WINNING_RESERVE_NOT_MET
    return Resolution(steps=tuple(steps), state=new_state, outcome=outcome)


def maxima_from_rows(
    rows: Iterable[tuple[int, Decimal, Decimal | None, int]],
) -> tuple[MaxBid, ...]:
    """Each bidder's standing maximum from accepted rows ``(client, amount, max, sequence)``.

    Rows come in sequence order. A bidder's maximum is the highest amount or max amount of their
    rows; its order is the sequence of the first row that reached it, so an earlier equal
    maximum keeps winning ties.
    """
    best: dict[int, MaxBid] = {}
    for client_id, amount, max_amount, sequence in rows:
        value = max(amount, max_amount or amount)
        current = best.get(client_id)
        if current is None or value > current.max_amount:
            best[client_id] = MaxBid(client_id, value, sequence)
    return tuple(best.values())


def opening_state(
    starting_price: Decimal, reserve: Decimal | None, table: tuple[IncrementBand, ...]
) -> LotState:
    """A lot before its first bid."""
    return LotState(
        starting_price=starting_price,
        reserve=reserve,
        current_bid=None,
        leader_id=None,
        maxima=(),
        table=table,
    )
