"""The pure replay: which stored rows are bids, and what a lot looks like without one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.bidding.replay import (
    RowKind,
    StoredBid,
    attempts,
    classify,
    plan_without,
    reconcile,
    replay,
)
from domain.bidding.rules import (
    BidAttempt,
    BidRejected,
    LotState,
    increment_table,
    leader_of,
    maxima_from_rows,
    next_minimum,
    opening_state,
    resolve_bid,
)

D = Decimal
TABLE = increment_table(None)


def start(starting: str = "100", reserve: str | None = None) -> LotState:
    return opening_state(D(starting), D(reserve) if reserve else None, TABLE)


def place(
    lot: LotState, rows: list[StoredBid], client: int, amount: str, maximum: str | None = None
) -> list[StoredBid]:
    """What ``place_bid`` stores for one bid: state rebuilt from the rows, next sequences."""
    maxima = maxima_from_rows((r.client_id, r.amount, r.max_amount, r.sequence) for r in rows)
    leader = leader_of(maxima)
    state = LotState(
        starting_price=lot.starting_price,
        reserve=lot.reserve,
        current_bid=rows[-1].amount if rows else None,
        leader_id=leader.client_id if leader else None,
        maxima=maxima,
        table=lot.table,
    )
    attempt = BidAttempt(client, D(amount), D(maximum) if maximum else None, len(rows) + 1)
    resolution = resolve_bid(state, attempt)
    placed = list(rows)
    for step in resolution.steps:
        n = len(placed) + 1
        placed.append(StoredBid(n, step.client_id, step.amount, step.max_amount, step.is_proxy, n))
    return placed


def history(lot: LotState, *bids: tuple[int, str, str | None]) -> list[StoredBid]:
    rows: list[StoredBid] = []
    for client, amount, maximum in bids:
        rows = place(lot, rows, client, amount, maximum)
    return rows


def prices(rows: list[StoredBid]) -> list[tuple[int, str, bool]]:
    return [(r.client_id, f"{r.amount:.2f}", r.is_proxy) for r in rows]


def test_bids_are_told_from_the_engines_rows() -> None:
    # given: A 100 max 500; B 150 max 300 (outbid at once: B 150, B 300, A 320);
    # C 400 plain (below A's maximum: C 400, A 420)
    lot = start()
    rows = history(lot, (1, "100", "500"), (2, "150", "300"), (3, "400", None))

    # when
    found = attempts(rows)

    # then
    assert prices(rows) == [
        (1, "100.00", False),
        (2, "150.00", False),
        (2, "300.00", True),
        (1, "320.00", True),
        (3, "400.00", False),
        (1, "420.00", True),
    ]
    assert [r.sequence for r in found] == [1, 2, 5]
    assert classify(rows) == [
        RowKind.BID,
        RowKind.BID,
        RowKind.SECOND,
        RowKind.LEADER,
        RowKind.BID,
        RowKind.LEADER,
    ]


def test_a_bid_raised_at_once_by_the_engine_is_still_a_bid() -> None:
    # given: B 100 max 200 leads; A 110 max 500 must beat it, so A's only row is a proxy at 220
    lot = start()
    rows = history(lot, (2, "100", "200"), (1, "110", "500"))

    # when
    found = attempts(rows)

    # then
    assert prices(rows) == [(2, "100.00", False), (2, "200.00", True), (1, "220.00", True)]
    assert [r.sequence for r in found] == [1, 3]
    assert classify(rows) == [RowKind.BID, RowKind.DEFENDER, RowKind.BID]


def test_a_bid_at_the_leaders_maximum_is_replayed_as_a_push_while_that_leader_holds() -> None:
    # given: C is outbid by A's maximum; then B bids exactly A's maximum, which stores only
    # A's row at 300
    lot = start()
    rows = history(lot, (1, "100", "300"), (3, "110", "200"), (2, "300", None))
    assert prices(rows) == [
        (1, "100.00", False),
        (3, "110.00", False),
        (3, "200.00", True),
        (1, "220.00", True),
        (1, "300.00", True),
    ]
    assert classify(rows)[-1] is RowKind.PUSH

    # when
    without_c = plan_without(lot, rows, without=2)
    without_a = plan_without(lot, rows, without=1)

    # then: the push stands while A leads; without A it cannot lead (its bidder is unknown)
    assert [r.sequence for r in without_c.keep] == [1, 5]
    assert without_c.state.current_bid == D("300")
    assert [r.sequence for r in without_a.keep] == [2]
    assert without_a.state.leader_id == 3
    assert without_a.state.current_bid == D("110")


def test_retracting_the_leading_maximum_hands_the_lead_back_at_a_lower_price() -> None:
    # given
    lot = start()
    rows = history(lot, (1, "100", "500"), (2, "150", None))

    # when
    plan = plan_without(lot, rows, without=1)

    # then: B's own bid stands; A's proxy answer is retracted; nothing new
    assert [r.sequence for r in plan.keep] == [2]
    assert [r.sequence for r in plan.retract] == [3]
    assert plan.append == ()
    assert plan.state.current_bid == D("150")
    assert plan.state.leader_id == 2


def test_retracting_a_bid_replays_later_ones_with_new_rows() -> None:
    # given: A 100 max 300, then B 110 max 500 beats it at 320 (A 300 defends, B 320)
    lot = start()
    rows = history(lot, (1, "100", "300"), (2, "110", "500"), (3, "400", "400"))
    assert prices(rows) == [
        (1, "100.00", False),
        (1, "300.00", True),
        (2, "320.00", True),
        (3, "400.00", False),
        (2, "420.00", True),
    ]

    # when: without A, B's bid stands at the minimum (its typed 110 was not stored), then C
    # pushes B to 420; from B's first row on, the rows differ, so all of them are new
    plan = plan_without(lot, rows, without=1)

    # then
    assert [r.sequence for r in plan.keep] == []
    assert [r.sequence for r in plan.retract] == [2, 3, 4, 5]
    assert [(s.step.client_id, s.step.amount, s.step.is_proxy) for s in plan.append] == [
        (2, D("100"), False),
        (3, D("400"), False),
        (2, D("420"), True),
    ]
    assert plan.state.current_bid == D("420")


def test_a_bid_that_is_no_longer_valid_is_skipped() -> None:
    # given: absentee bids; B's maximum is below the minimum once A's bid has executed
    lot = start()
    rows = [
        StoredBid(1, 1, D("300"), D("300"), False, 1, absentee=True),
        StoredBid(2, 2, D("100"), D("200"), False, 2, absentee=True),
    ]

    # when
    result = replay(lot, rows)
    plan = reconcile(rows, result)

    # then
    assert result.skipped == (rows[1],)
    assert [r.sequence for r in plan.keep] == [1]
    assert [r.sequence for r in plan.retract] == [2]
    assert plan.state.current_bid == D("300")


def test_an_absentee_bid_executes_from_the_minimum_up_to_its_maximum() -> None:
    # given: two absentee bids stored before the lot opened; B's amount is below A's
    lot = start()
    rows = [
        StoredBid(1, 1, D("200"), D("200"), False, 1, absentee=True),
        StoredBid(2, 2, D("100"), D("500"), False, 2, absentee=True),
    ]

    # when
    plan = plan_without(lot, rows)

    # then: A's bid stands at 200; B's runs from the next minimum and beats A at 220
    assert [r.sequence for r in plan.keep] == [1]
    assert [r.sequence for r in plan.retract] == [2]
    assert [(s.step.client_id, s.step.amount, s.step.is_proxy) for s in plan.append] == [
        (2, D("220"), False)
    ]
    assert plan.state.leader_id == 2


@pytest.mark.parametrize(
    ("_case", "bids", "reserve"),
    [
        ("plain bids", [(1, "100", None), (2, "110", None), (1, "120", None)], None),
        ("max then plain", [(1, "100", "500"), (2, "150", None), (3, "200", None)], None),
        ("max beaten at once", [(2, "100", "200"), (1, "110", "500"), (3, "600", None)], None),
        ("equal maxima", [(1, "100", "300"), (2, "110", "300"), (3, "320", "400")], None),
        ("bid at a maximum", [(1, "100", "300"), (2, "300", None), (3, "320", None)], None),
        ("reserve", [(1, "100", "500"), (2, "320", None)], "300"),
    ],
)
def test_replaying_every_bid_changes_nothing(
    _case: str, bids: list[tuple[int, str, str | None]], reserve: str | None
) -> None:
    lot = start(reserve=reserve)
    rows = history(lot, *bids)

    plan = plan_without(lot, rows)

    assert list(plan.keep) == rows
    assert plan.retract == ()
    assert plan.append == ()


bidders = st.integers(min_value=1, max_value=4)
steps = st.integers(min_value=0, max_value=30)
bid_plans = st.lists(
    st.tuples(bidders, steps, st.none() | steps, st.booleans()), min_size=1, max_size=20
)


def random_history(lot: LotState, plan: list[tuple[int, int, int | None, bool]]) -> list[StoredBid]:
    rows: list[StoredBid] = []
    for client, extra, max_steps, above in plan:
        current = rows[-1].amount if rows else None
        minimum = next_minimum(current, lot.starting_price, lot.table)
        amount = minimum + D(5) * extra if above else minimum
        maximum = None if max_steps is None else amount + D(5) * max_steps
        try:
            rows = place(lot, rows, client, str(amount), str(maximum) if maximum else None)
        except BidRejected:  # pragma: no cover - amounts are valid by construction
            continue
    return rows


@settings(max_examples=300, deadline=None)
@given(bid_plans, st.sampled_from([None, "150", "400"]))
def test_any_history_replays_to_itself(
    plan: list[tuple[int, int, int | None, bool]], reserve: str | None
) -> None:
    lot = start(starting="10", reserve=reserve)
    rows = random_history(lot, plan)

    replayed = plan_without(lot, rows)

    assert list(replayed.keep) == rows
    assert replayed.retract == ()
    assert replayed.append == ()


@settings(max_examples=300, deadline=None)
@given(bid_plans, st.sampled_from([None, "150", "400"]), st.integers(min_value=0))
def test_after_any_retraction_the_rows_rise_and_replay_to_themselves(
    plan: list[tuple[int, int, int | None, bool]], reserve: str | None, pick: int
) -> None:
    # given
    lot = start(starting="10", reserve=reserve)
    rows = random_history(lot, plan)
    bids = attempts(rows)
    retracted = bids[pick % len(bids)]

    # when
    result = plan_without(lot, rows, without=retracted.id)

    # then: kept rows keep their order, new rows come after them, prices strictly rise
    kept = [r.sequence for r in result.keep]
    assert kept == sorted(kept)
    standing = list(result.keep)
    next_sequence = len(rows) + 1
    for replayed in result.append:
        step = replayed.step
        standing.append(
            StoredBid(
                next_sequence,
                step.client_id,
                step.amount,
                step.max_amount,
                step.is_proxy,
                next_sequence,
            )
        )
        next_sequence += 1
    amounts = [r.amount for r in standing]
    assert amounts == sorted(set(amounts))
    assert (amounts[-1] if amounts else None) == result.state.current_bid
    assert {r.id for r in result.retract} | {r.id for r in result.keep} | {retracted.id} == {
        r.id for r in rows
    }
    # and the rows left are a history of their own: replaying them changes nothing
    again = plan_without(lot, standing)
    assert list(again.keep) == standing
    assert again.append == ()
