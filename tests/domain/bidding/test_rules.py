"""The pure auction rules: increments, minimums, proxy resolution."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.bidding.rules import (
    BidAttempt,
    BidRejected,
    LotState,
    Outcome,
    increment_for,
    increment_table,
    next_minimum,
    resolve_bid,
)

D = Decimal
TABLE = increment_table(None)


def lot(starting: str = "100", reserve: str | None = None, table: tuple = TABLE) -> LotState:
    return LotState(
        starting_price=D(starting),
        reserve=D(reserve) if reserve else None,
        current_bid=None,
        leader_id=None,
        maxima=(),
        table=table,
    )


def play(state: LotState, *bids: tuple[int, str, str | None]) -> tuple[LotState, list]:
    results = []
    for order, (client, amount, maximum) in enumerate(bids, start=1):
        resolution = resolve_bid(
            state, BidAttempt(client, D(amount), D(maximum) if maximum else None, order)
        )
        state = resolution.state
        results.append(resolution)
    return state, results


@pytest.mark.parametrize(
    ("_case", "amount", "increment"),
    [
        ("zero", "0", "5"),
        ("below first band edge", "99.99", "5"),
        ("at 100", "100", "10"),
        ("at 200", "200", "20"),
        ("at 499.99", "499.99", "20"),
        ("at 500", "500", "50"),
        ("at 1000", "1000", "100"),
        ("at 2000", "2000", "200"),
        ("at 5000", "5000", "500"),
        ("at 10000", "10000", "1000"),
        ("at 20000", "20000", "2000"),
        ("at 50000", "50000", "5000"),
        ("far above", "1000000", "5000"),
    ],
)
def test_increment_table(_case: str, amount: str, increment: str) -> None:
    assert increment_for(D(amount), TABLE) == D(increment)


def test_custom_increment_table_is_sorted_and_used() -> None:
    table = increment_table([{"from": "50", "increment": "2"}, {"from": "0", "increment": "1"}])
    assert increment_for(D("49"), table) == D("1")
    assert increment_for(D("50"), table) == D("2")


@pytest.mark.parametrize(
    ("_case", "current", "starting", "expected"),
    [
        ("first bid is the starting price", None, "80", "80"),
        ("then current plus increment", "80", "80", "85"),
        ("band edge uses the new band", "100", "80", "110"),
        ("just below the edge", "95", "80", "100"),
    ],
)
def test_next_minimum(_case: str, current: str | None, starting: str, expected: str) -> None:
    assert next_minimum(D(current) if current else None, D(starting), TABLE) == D(expected)


@pytest.mark.parametrize(
    ("_case", "bids", "price", "leader", "outcome"),
    [
        ("single plain bid at the start price", [(1, "100", None)], "100", 1, Outcome.WINNING),
        ("single max bid starts at its amount", [(1, "100", "500")], "100", 1, Outcome.WINNING),
        (
            "max vs plain: the max answers one increment above",
            [(1, "100", "500"), (2, "150", None)],
            "160",
            1,
            Outcome.OUTBID,
        ),
        (
            "max vs max: lower max plus one increment",
            [(1, "100", "500"), (2, "110", "300")],
            "320",
            1,
            Outcome.OUTBID,
        ),
        (
            "max vs higher max: new leader at old max plus increment",
            [(1, "100", "300"), (2, "110", "500")],
            "320",
            2,
            Outcome.WINNING,
        ),
        (
            "increment capped at the leader's max",
            [(1, "100", "305"), (2, "110", "300")],
            "305",
            1,
            Outcome.OUTBID,
        ),
        (
            "equal maxima: the earlier wins at that amount",
            [(1, "100", "300"), (2, "110", "300")],
            "300",
            1,
            Outcome.OUTBID,
        ),
        (
            "plain bid exactly at the leader's max loses to the earlier max",
            [(1, "100", "300"), (2, "300", None)],
            "300",
            1,
            Outcome.OUTBID,
        ),
        (
            "plain bid above the leader's max takes the lead at its amount",
            [(1, "100", "300"), (2, "400", None)],
            "400",
            2,
            Outcome.WINNING,
        ),
        (
            "leader raising their own max does not raise the price beyond their bid",
            [(1, "100", "300"), (1, "110", "600")],
            "110",
            1,
            Outcome.WINNING,
        ),
    ],
)
def test_proxy_resolution(
    _case: str, bids: list[tuple[int, str, str | None]], price: str, leader: int, outcome: Outcome
) -> None:
    state, results = play(lot(), *bids)
    assert state.current_bid == D(price)
    assert state.leader_id == leader
    assert results[-1].outcome is outcome


def test_reserve_jump_when_the_leading_max_reaches_the_reserve() -> None:
    state, results = play(lot(reserve="400"), (1, "100", "500"))
    assert state.current_bid == D("400")
    assert results[0].outcome is Outcome.WINNING


def test_reserve_not_met_outcome() -> None:
    _, results = play(lot(reserve="400"), (1, "100", "300"))
    assert results[0].outcome is Outcome.WINNING_RESERVE_NOT_MET


@pytest.mark.parametrize(
    ("_case", "amount", "maximum", "code"),
    [
        ("below the starting price", "99", None, "BELOW_MINIMUM"),
        ("three decimals", "100.001", None, "INVALID_AMOUNT"),
        ("negative", "-5", None, "INVALID_AMOUNT"),
        ("max below amount", "150", "120", "INVALID_AMOUNT"),
    ],
)
def test_rejected_bids(_case: str, amount: str, maximum: str | None, code: str) -> None:
    with pytest.raises(BidRejected) as caught:
        resolve_bid(lot(), BidAttempt(1, D(amount), D(maximum) if maximum else None, 1))
    assert caught.value.code == code


def test_below_minimum_message_names_the_minimum() -> None:
    state, _ = play(lot(), (1, "100", None))
    with pytest.raises(BidRejected, match=r"at least 110\.00"):
        resolve_bid(state, BidAttempt(2, D("105"), None, 2))


bidders = st.integers(min_value=1, max_value=4)
steps = st.integers(min_value=0, max_value=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(bidders, steps, steps), min_size=1, max_size=25))
def test_any_sequence_keeps_the_auction_invariants(
    plan: list[tuple[int, int, int]],
) -> None:
    state = lot(starting="10")
    explicit: dict[int, Decimal] = {}
    prices: list[Decimal] = []
    for order, (client, extra_steps, max_steps) in enumerate(plan, start=1):
        minimum = next_minimum(state.current_bid, state.starting_price, state.table)
        amount = minimum + D(5) * extra_steps
        maximum = amount + D(5) * max_steps
        resolution = resolve_bid(state, BidAttempt(client, amount, maximum, order))
        rows = [s.amount for s in resolution.steps]
        # every row is strictly higher than the one before
        assert rows == sorted(set(rows))
        assert not rows or state.current_bid is None or rows[0] > state.current_bid
        state = resolution.state
        explicit[client] = max(explicit.get(client, D(0)), amount)
        prices.append(state.current_bid)  # type: ignore[arg-type]

        leader = min(state.maxima, key=lambda m: (-m.max_amount, m.order))
        assert state.leader_id == leader.client_id  # earliest highest max leads
        assert state.current_bid is not None
        assert state.current_bid <= leader.max_amount
        others = [m.max_amount for m in state.maxima if m.client_id != leader.client_id]
        if others:
            second = max(others)
            bound = max(second + increment_for(second, state.table), explicit[leader.client_id])
            assert state.current_bid <= bound  # as little as needed
    assert prices == sorted(prices)  # the price never decreases


CENT_TABLE = increment_table([{"from": "0", "increment": "1"}])
Bid = tuple[int, str, str | None]


@pytest.mark.parametrize(
    ("_case", "bids", "price", "leader", "outcome", "reserve", "table"),
    [
        (
            "first bid above the start price",
            [(1, "150", None)],
            "150",
            1,
            Outcome.WINNING,
            None,
            TABLE,
        ),
        (
            "plain vs plain",
            [(1, "100", None), (2, "110", None)],
            "110",
            2,
            Outcome.WINNING,
            None,
            TABLE,
        ),
        (
            "alternating plain bids",
            [(1, "100", None), (2, "110", None), (1, "120", None), (2, "130", None)],
            "130",
            2,
            Outcome.WINNING,
            None,
            TABLE,
        ),
        (
            "max equal to amount is a plain bid",
            [(1, "100", "100"), (2, "110", None)],
            "110",
            2,
            Outcome.WINNING,
            None,
            TABLE,
        ),
        (
            "new max just above the leader's max",
            [(1, "100", "300"), (2, "110", "310")],
            "310",
            2,
            Outcome.WINNING,
            None,
            TABLE,
        ),
        (
            "leader re-bids without a max",
            [(1, "100", None), (1, "150", None)],
            "150",
            1,
            Outcome.WINNING,
            None,
            TABLE,
        ),
        (
            "a lower new max never lowers a standing one",
            [(1, "100", "500"), (1, "110", "200"), (2, "300", None)],
            "320",
            1,
            Outcome.OUTBID,
            None,
            TABLE,
        ),
        (
            "runner-up at 195 uses the 10 band",
            [(1, "100", "1000"), (2, "190", "195")],
            "205",
            1,
            Outcome.OUTBID,
            None,
            TABLE,
        ),
        (
            "runner-up at 200 uses the 20 band",
            [(1, "100", "1000"), (2, "200", None)],
            "220",
            1,
            Outcome.OUTBID,
            None,
            TABLE,
        ),
        (
            "runner-up at 500 uses the 50 band",
            [(1, "100", "2000"), (2, "500", None)],
            "550",
            1,
            Outcome.OUTBID,
            None,
            TABLE,
        ),
        (
            "runner-up at 1000 uses the 100 band",
            [(1, "100", "5000"), (2, "1000", None)],
            "1100",
            1,
            Outcome.OUTBID,
            None,
            TABLE,
        ),
        (
            "runner-up at 20000 uses the 2000 band",
            [(1, "100", "30000"), (2, "20000", None)],
            "22000",
            1,
            Outcome.OUTBID,
            None,
            TABLE,
        ),
        (
            "cents survive the increment",
            [(1, "100", "5000"), (2, "990", "999.99")],
            "1049.99",
            1,
            Outcome.OUTBID,
            None,
            TABLE,
        ),
        (
            "top band capped at the leader's max",
            [(1, "50000", "60000"), (2, "55000", None)],
            "60000",
            1,
            Outcome.OUTBID,
            None,
            TABLE,
        ),
        (
            "custom one-unit table",
            [(1, "100", "200"), (2, "101", None)],
            "102",
            1,
            Outcome.OUTBID,
            None,
            CENT_TABLE,
        ),
        (
            "three-way proxy war",
            [(1, "100", "300"), (2, "110", "400"), (3, "340", "350")],
            "370",
            2,
            Outcome.OUTBID,
            None,
            TABLE,
        ),
        (
            "exhausted proxy re-bids and retakes the lead",
            [(1, "100", "300"), (2, "110", "350"), (1, "340", "400")],
            "370",
            1,
            Outcome.WINNING,
            None,
            TABLE,
        ),
        (
            "equal max with a higher amount still loses to the earlier",
            [(1, "100", "300"), (2, "300", "300")],
            "300",
            1,
            Outcome.OUTBID,
            None,
            TABLE,
        ),
        (
            "reserve jump answering a competitor",
            [(1, "100", "350"), (2, "110", "1000")],
            "400",
            2,
            Outcome.WINNING,
            "400",
            TABLE,
        ),
        (
            "reserve exactly at the leading max",
            [(1, "100", "400")],
            "400",
            1,
            Outcome.WINNING,
            "400",
            TABLE,
        ),
        (
            "war continues above a reserve that jumped",
            [(1, "100", "500"), (2, "320", "330")],
            "350",
            1,
            Outcome.OUTBID,
            "300",
            TABLE,
        ),
        (
            "reserve above every max stays unmet",
            [(1, "100", "350"), (2, "110", None)],
            "120",
            1,
            Outcome.OUTBID,
            "400",
            TABLE,
        ),
        (
            "new leader below the reserve",
            [(1, "100", None), (2, "110", "150")],
            "110",
            2,
            Outcome.WINNING_RESERVE_NOT_MET,
            "500",
            TABLE,
        ),
        (
            "reserve below the start price is met by the first bid",
            [(1, "100", None)],
            "100",
            1,
            Outcome.WINNING,
            "50",
            TABLE,
        ),
    ],
)
def test_proxy_war_table(
    _case: str,
    bids: list[Bid],
    price: str,
    leader: int,
    outcome: Outcome,
    reserve: str | None,
    table: tuple,
) -> None:
    state, results = play(lot(reserve=reserve, table=table), *bids)
    assert state.current_bid == D(price)
    assert state.leader_id == leader
    assert results[-1].outcome is outcome


@pytest.mark.parametrize(
    ("_case", "bids", "rows"),
    [
        (
            "plain bid answered by a proxy",
            [(1, "100", "500"), (2, "150", None)],
            [(2, "150", False), (1, "160", True)],
        ),
        (
            "new leader after the old max defends",
            [(1, "100", "300"), (2, "110", "350")],
            [(1, "300", True), (2, "320", True)],
        ),
        (
            "loser's max shown before the winner answers",
            [(1, "100", "500"), (2, "110", "300")],
            [(2, "110", False), (2, "300", True), (1, "320", True)],
        ),
        (
            "tie leaves no row for the later bid",
            [(1, "100", "300"), (2, "300", None)],
            [(1, "300", True)],
        ),
    ],
)
def test_rows_of_the_last_bid(
    _case: str, bids: list[Bid], rows: list[tuple[int, str, bool]]
) -> None:
    _, results = play(lot(), *bids)
    assert [(s.client_id, s.amount, s.is_proxy) for s in results[-1].steps] == [
        (client, D(amount), proxy) for client, amount, proxy in rows
    ]


def test_a_bid_one_cent_below_the_minimum_is_refused() -> None:
    state, _ = play(lot(), (1, "100", None))
    with pytest.raises(BidRejected) as caught:
        resolve_bid(state, BidAttempt(2, D("109.99"), None, 2))
    assert (caught.value.code, caught.value.message) == (
        "BELOW_MINIMUM",
        "Bid amount must be at least 110.00.",
    )
