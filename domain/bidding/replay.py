"""Replaying a lot's bids through the rules engine: what a lot looks like without some bid.

Pure functions over plain values, used when staff retract a bid and when a live lot opens and
its absentee bids execute.

A lot's accepted rows are of two kinds (``classify`` tells them apart):

* **bids** someone placed. A bid's first row is its bidder's, with the bid's ``max_amount``:
  ``is_proxy = false`` at the bid's own amount, or ``is_proxy = true`` when the engine had to
  raise it at once (a reserve, or a rival maximum to beat); then the typed amount is not
  stored, and the replay bids the minimum, which gives the same price steps.
* **engine rows** around a bid: the previous leader defending up to their maximum before it,
  the leader answering after it (``is_proxy = true``, no ``max_amount``), and an outbid
  bidder's second row at their own maximum.

Replaying the bids in sequence order from the opening state reproduces the engine rows;
``reconcile`` then says which stored rows still stand, which no longer do and which are new.

A bid at exactly the leader's maximum (an equal, earlier maximum wins) leaves only the leader's
row, not its bidder's: the replay keeps that price step while the same leader still holds that
maximum, but cannot hand such a bid the lead, since its bidder is not stored.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.bidding import rules


@dataclass(frozen=True, slots=True)
class StoredBid:
    """An accepted bid row, as the replay sees it."""

    id: int
    client_id: int
    amount: Decimal
    max_amount: Decimal | None
    is_proxy: bool
    sequence: int
    absentee: bool = False


@dataclass(frozen=True, slots=True)
class ReplayStep:
    """One price change of the replay and the attempt (stored row) that caused it."""

    step: rules.PriceStep
    attempt: StoredBid


@dataclass(frozen=True, slots=True)
class Replay:
    steps: tuple[ReplayStep, ...]
    state: rules.LotState
    skipped: tuple[StoredBid, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """What to write: ``keep`` then ``append`` are the lot's accepted rows, in order."""

    keep: tuple[StoredBid, ...]
    retract: tuple[StoredBid, ...]
    append: tuple[ReplayStep, ...]
    state: rules.LotState

    @property
    def price_steps(self) -> int:
        """How many accepted rows the lot has afterwards."""
        return len(self.keep) + len(self.append)


class RowKind(enum.Enum):
    """What a stored row is, told from its neighbours (see the module docstring)."""

    BID = "bid"
    """The first row of a bid someone placed."""
    SECOND = "second"
    """An outbid bidder's second row, at their maximum."""
    LEADER = "leader"
    """The leader's answer to the bid just before it."""
    DEFENDER = "defender"
    """The previous leader's row at their maximum, before the bid that beat it."""
    PUSH = "push"
    """The leader's row after a bid that left no row of its own (an equal, later maximum)."""


def _second(row: StoredBid, previous: StoredBid | None) -> bool:
    return (
        previous is not None
        and row.is_proxy
        and row.max_amount is not None
        and row.amount == row.max_amount
        and previous.client_id == row.client_id
        and not previous.is_proxy
        and previous.max_amount == row.max_amount
    )


def classify(rows: Sequence[StoredBid]) -> list[RowKind]:
    """The kind of each row (``rows`` in sequence order).

    The rules engine writes each bid as ``[defender] bid`` (the bid leads) or ``bid [second]
    leader`` (the bid is outbid at once), or only ``leader`` when an equal, earlier maximum
    took the bid's amount. A bid's first row carries its maximum, or is not a proxy; an engine
    row without maximum is a leader's answer after a bid of someone else, a defender's row
    before a bid of someone else, or else the trace of a bid that left no row.
    """
    kinds: list[RowKind] = []
    for index, row in enumerate(rows):
        previous = rows[index - 1] if index else None
        following = rows[index + 1] if index + 1 < len(rows) else None
        if not row.is_proxy:
            kind = RowKind.BID
        elif row.max_amount is not None:
            kind = RowKind.SECOND if _second(row, previous) else RowKind.BID
        elif (
            previous is not None
            and kinds[-1] in (RowKind.BID, RowKind.SECOND)
            and previous.client_id != row.client_id
        ):
            kind = RowKind.LEADER
        elif (
            following is not None
            and (not following.is_proxy or following.max_amount is not None)
            and following.client_id != row.client_id
        ):
            kind = RowKind.DEFENDER
        else:
            kind = RowKind.PUSH
        kinds.append(kind)
    return kinds


def attempts(rows: Sequence[StoredBid]) -> list[StoredBid]:
    """The rows that start a bid someone placed, in sequence order (``rows`` are in order)."""
    return [row for row, kind in zip(rows, classify(rows), strict=True) if kind is RowKind.BID]


def _attempt(state: rules.LotState, row: StoredBid, kind: RowKind) -> rules.BidAttempt:
    minimum = rules.next_minimum(state.current_bid, state.starting_price, state.table)
    if kind is RowKind.PUSH:
        # The bidder is unknown; their bid was the leader's maximum, amount and max alike.
        return rules.BidAttempt(-row.sequence, row.amount, row.amount, row.sequence)
    if row.is_proxy:
        # The typed amount is not stored: bidding the minimum gives the same price steps.
        amount = minimum
    elif row.absentee:
        # An absentee bid executes as little as needed, from its amount up to its maximum.
        amount = max(row.amount, minimum)
    else:
        amount = row.amount
    return rules.BidAttempt(row.client_id, amount, row.max_amount, row.sequence)


def replay(start: rules.LotState, rows: Sequence[StoredBid], without: int | None = None) -> Replay:
    """Apply the bids of ``rows`` (except row ``without``) to ``start``, in order.

    Bids now invalid are skipped. A bid that left no row (``RowKind.PUSH``) is applied only
    where it again only raises the leader to its amount: its bidder is unknown, so it can
    neither take the lead nor get a row.
    """
    state = start
    steps: list[ReplayStep] = []
    skipped: list[StoredBid] = []
    for row, kind in zip(rows, classify(rows), strict=True):
        if kind not in (RowKind.BID, RowKind.PUSH) or row.id == without:
            continue
        attempt = _attempt(state, row, kind)
        try:
            resolution = rules.resolve_bid(state, attempt)
        except rules.BidRejected:
            skipped.append(row)
            continue
        if kind is RowKind.PUSH and (
            resolution.state.leader_id == attempt.client_id
            or any(step.client_id == attempt.client_id for step in resolution.steps)
        ):
            skipped.append(row)
            continue
        steps.extend(ReplayStep(step, row) for step in resolution.steps)
        state = resolution.state
    return Replay(steps=tuple(steps), state=state, skipped=tuple(skipped))


def _same(row: StoredBid, step: rules.PriceStep) -> bool:
    return (
        row.client_id == step.client_id
        and row.amount == step.amount
        and row.is_proxy == step.is_proxy
        and row.max_amount == step.max_amount
    )


def reconcile(rows: Sequence[StoredBid], result: Replay) -> Plan:
    """Match the replay's steps to the stored ``rows`` (in sequence order).

    Steps are matched to stored rows in order, so kept rows keep their sequence and id. From
    the first step no later stored row matches, every step is a new row: new rows come after
    every kept one, so in sequence order the accepted rows are the replay's steps (strictly
    rising prices, and maxima keep their tie order). Stored rows not matched are retracted.
    """
    keep: list[StoredBid] = []
    append: list[ReplayStep] = []
    position = 0
    for replayed in result.steps:
        if not append:
            match = next(
                (i for i in range(position, len(rows)) if _same(rows[i], replayed.step)), None
            )
            if match is not None:
                keep.append(rows[match])
                position = match + 1
                continue
        append.append(replayed)
    kept = {row.id for row in keep}
    retract = tuple(row for row in rows if row.id not in kept)
    return Plan(keep=tuple(keep), retract=retract, append=tuple(append), state=result.state)


def plan_without(
    start: rules.LotState, rows: Sequence[StoredBid], without: int | None = None
) -> Plan:
    """The lot's rows as if bid ``without`` (a ``RowKind.BID`` row id) had never been placed."""
    remaining = [row for row in rows if row.id != without]
    return reconcile(remaining, replay(start, rows, without))
