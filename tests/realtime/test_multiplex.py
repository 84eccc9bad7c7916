"""Subscription multiplexing: one execution per document, variables and visibility."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.relay import to_base64

from graph.multiplex import HUB, LAGGING_CLOSE_CODE
from realtime.bus import EventBus
from server.app import create_app
from server.settings import Settings
from tests import factories
from tests.committed import Committed
from tests.realtime.test_subscriptions import BID_PLACED_SUBSCRIPTION, _bid, _setup, _token
from tests.ws_client import WSClient, wait_listening

pytestmark = pytest.mark.realtime

TWO_TARGETS_SUBSCRIPTION = """
subscription ($item: ID, $sale: ID) { bidPlaced(itemId: $item, saleId: $sale) { sequence } }
"""
PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]
SLOW_SEND_SECONDS = 1.0


class SlowDataFrames:
    """Delays every result frame sent to a socket opened with ``?slow=1``: a slow reader."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or b"slow=1" not in scope.get("query_string", b""):
            await self.app(scope, receive, send)
            return

        async def slow_send(message: Message) -> None:
            text = message.get("text") if message["type"] == "websocket.send" else None
            if text and orjson.loads(text).get("type") in ("next", "data"):
                await asyncio.sleep(SLOW_SEND_SECONDS)
            await send(message)

        await self.app(scope, receive, slow_send)


@pytest.fixture
def app(committed: Committed) -> FastAPI:
    """The subscribers' server (no lot closer, so its engine runs only subscription SQL)."""
    return create_app(Settings(), database_url=committed.url, closer=False)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(SlowDataFrames(app)) as test_client:
        yield test_client


@pytest.fixture
def bus(app: FastAPI) -> EventBus:
    bus: EventBus | None = app.state.graph.bus
    assert bus is not None
    return bus


@pytest.fixture
def bidding(committed: Committed) -> Iterator[TestClient]:
    """Another server (its own engine) for logins and bids."""
    other = create_app(Settings(), database_url=committed.url, listen=False, closer=False)
    with TestClient(other) as test_client:
        yield test_client


class Statements:
    """Counts the SQL statements an engine runs."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: Any) -> None:
        self.count += 1


@pytest.fixture
def statements(app: FastAPI) -> Iterator[Statements]:
    engine: AsyncEngine = app.state.graph.sessionmaker.kw["bind"]
    counter = Statements()
    sa.event.listen(engine.sync_engine, "before_cursor_execute", counter)
    yield counter
    sa.event.remove(engine.sync_engine, "before_cursor_execute", counter)


@contextmanager
def _connect(
    client: TestClient, protocol: str, path: str = "/graphql", token: str | None = None
) -> Iterator[WSClient]:
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    with client.websocket_connect(path, subprotocols=[protocol]) as ws:
        ws.send_json({"type": "connection_init", "payload": payload})
        assert ws.receive_json()["type"] == "connection_ack"
        yield WSClient(ws, protocol)


def _complete(ws: WSClient, op_id: str) -> None:
    kind = "complete" if ws.protocol == "graphql-transport-ws" else "stop"
    ws.ws.send_json({"id": op_id, "type": kind})


def _wait_for(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _item_vars(ids: dict[str, Any]) -> dict[str, Any]:
    return {"item": to_base64("Item", ids["item"])}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_twenty_subscribers_share_one_execution_per_event(
    client: TestClient,
    bidding: TestClient,
    committed: Committed,
    bus: EventBus,
    statements: Statements,
    protocol: str,
) -> None:
    # given: one subscriber, live (it received a first event)
    ids = _setup(committed)
    alice, bob = _token(bidding, ids["alice"]), _token(bidding, ids["bob"])
    with ExitStack() as stack:
        first = stack.enter_context(_connect(client, protocol))
        first.subscribe("1", BID_PLACED_SUBSCRIPTION, _item_vars(ids))
        _wait_for(lambda: HUB.member_count() == 1)
        wait_listening(bus, 1)
        _bid(bidding, alice, ids["item"], "100")
        first.next_data("1")
        statements.count = 0
        _bid(bidding, bob, ids["item"], "110")
        first.next_data("1")
        for_one = statements.count

        # when: nineteen more subscribe to the same document and variables
        others = [stack.enter_context(_connect(client, protocol)) for _ in range(19)]
        for ws in others:
            ws.subscribe("1", BID_PLACED_SUBSCRIPTION, _item_vars(ids))
        _wait_for(lambda: HUB.member_count() == 20)
        groups, resolved = len(HUB.groups), HUB.results_resolved
        statements.count = 0
        _bid(bidding, alice, ids["item"], "120")
        received = [ws.next_data("1") for ws in [first, *others]]
        for_twenty = statements.count

    # then
    assert all(data == received[0] for data in received)
    assert received[0]["bidPlaced"]["sequence"] == 3
    assert received[0]["bidPlaced"]["item"] == {"currentBid": "120.00", "bidCount": 3}
    assert groups == 1
    assert HUB.results_resolved - resolved == 1
    assert for_one > 0
    assert for_twenty == for_one


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_staff_and_the_public_are_separate_groups_with_their_own_visibility(
    client: TestClient, bidding: TestClient, committed: Committed, bus: EventBus, protocol: str
) -> None:
    # given
    ids = _setup(committed)

    async def make_staff(session: AsyncSession) -> str:
        return (await factories.create_staff(session)).email

    staff, alice = _token(bidding, committed.run(make_staff)), _token(bidding, ids["alice"])
    with (
        _connect(client, protocol, token=staff) as staff_ws,
        _connect(client, protocol) as public_ws,
    ):
        staff_ws.subscribe("1", BID_PLACED_SUBSCRIPTION, _item_vars(ids))
        public_ws.subscribe("1", BID_PLACED_SUBSCRIPTION, _item_vars(ids))
        _wait_for(lambda: HUB.member_count() == 2)
        wait_listening(bus, 2)
        groups = len(HUB.groups)

        # when
        _bid(bidding, alice, ids["item"], "100")
        seen_by_staff, seen_by_public = staff_ws.next_data("1"), public_ws.next_data("1")

    # then
    assert groups == 2
    assert seen_by_staff["bidPlaced"]["bid"]["bidder"]["displayName"].startswith("Ada")
    assert seen_by_public["bidPlaced"]["bid"]["bidder"] is None
    assert seen_by_staff["bidPlaced"]["sequence"] == seen_by_public["bidPlaced"]["sequence"] == 1


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_complete_from_one_subscriber_leaves_the_others_receiving(
    client: TestClient, bidding: TestClient, committed: Committed, bus: EventBus, protocol: str
) -> None:
    # given: three members of one group, two of them on the same connection
    ids = _setup(committed)
    alice = _token(bidding, ids["alice"])
    with _connect(client, protocol) as one, _connect(client, protocol) as other:
        one.subscribe("1", BID_PLACED_SUBSCRIPTION, _item_vars(ids))
        one.subscribe("2", BID_PLACED_SUBSCRIPTION, _item_vars(ids))
        other.subscribe("1", BID_PLACED_SUBSCRIPTION, _item_vars(ids))
        _wait_for(lambda: HUB.member_count() == 3)
        wait_listening(bus, 1)

        # when
        _complete(one, "1")
        if protocol == "graphql-ws":
            assert one.ws.receive_json() == {"type": "complete", "id": "1"}
        _wait_for(lambda: HUB.member_count() == 2)
        _bid(bidding, alice, ids["item"], "100")
        still_one = one.next_data("2")  # fails if anything came for the completed "1"
        still_other = other.next_data("1")

        # then: the group stops with its last member
        _complete(one, "2")
        _complete(other, "1")
        _wait_for(lambda: not HUB.groups)

    assert still_one == still_other
    assert still_one["bidPlaced"]["sequence"] == 1


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_errors_at_subscribe_time_reach_every_subscriber_as_error_messages(
    client: TestClient, protocol: str
) -> None:
    # given
    both = {"item": to_base64("Item", 1), "sale": to_base64("Sale", 1)}
    with _connect(client, protocol) as one, _connect(client, protocol) as other:
        # when
        one.subscribe("1", TWO_TARGETS_SUBSCRIPTION, both)
        other.subscribe("7", TWO_TARGETS_SUBSCRIPTION, both)
        errors = [one.ws.receive_json(), other.ws.receive_json()]

    # then
    for message, op_id in zip(errors, ["1", "7"], strict=True):
        assert message["type"] == "error"
        assert message["id"] == op_id
        error = message["payload"][0] if protocol == "graphql-transport-ws" else message["payload"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"] == "Pass exactly one of `itemId` or `saleId`."
    assert not HUB.groups


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_subscriber_that_falls_behind_is_told_lagging_and_dropped_the_others_go_on(
    client: TestClient,
    bidding: TestClient,
    committed: Committed,
    bus: EventBus,
    monkeypatch: pytest.MonkeyPatch,
    protocol: str,
) -> None:
    # given: tiny send queues, and one client that reads slowly
    monkeypatch.setattr(HUB, "send_queue_size", 2)
    ids = _setup(committed)
    alice, bob = _token(bidding, ids["alice"]), _token(bidding, ids["bob"])
    with (
        _connect(client, protocol, path="/graphql?slow=1") as slow,
        _connect(client, protocol) as fast,
    ):
        slow.subscribe("s", BID_PLACED_SUBSCRIPTION, _item_vars(ids))
        fast.subscribe("f", BID_PLACED_SUBSCRIPTION, _item_vars(ids))
        _wait_for(lambda: HUB.member_count() == 2)
        wait_listening(bus, 1)

        # when: six bids arrive faster than the slow client reads
        for amount, token in zip(
            ["100", "110", "120", "130", "140", "150"], [alice, bob] * 3, strict=True
        ):
            _bid(bidding, token, ids["item"], amount)
        fast_sequences = [fast.next_data("f")["bidPlaced"]["sequence"] for _ in range(6)]
        slow_messages = []
        while not slow_messages or slow_messages[-1]["type"] in ("next", "data"):
            slow_messages.append(slow.ws.receive_json())
        slow_closed = slow.closed_code()
        _wait_for(lambda: HUB.member_count() == 1)
        _bid(bidding, alice, ids["item"], "160")
        after = fast.next_data("f")["bidPlaced"]["sequence"]

    # then
    assert fast_sequences == [1, 2, 3, 4, 5, 6]
    assert after == 7
    lagging = slow_messages[-1]
    assert lagging["type"] == "error"
    assert lagging["id"] == "s"
    error = lagging["payload"][0] if protocol == "graphql-transport-ws" else lagging["payload"]
    assert error["extensions"] == {"code": "LAGGING"}
    assert "afterSequence" in error["message"]
    assert len(slow_messages) - 1 < 6  # some events were dropped rather than queued
    assert slow_closed == LAGGING_CLOSE_CODE


def test_subscribers_resuming_with_after_sequence_each_get_their_own_replay(
    client: TestClient, bidding: TestClient, committed: Committed
) -> None:
    # given: three bids, and one subscriber that resumed after the first
    ids = _setup(committed)
    alice, bob = _token(bidding, ids["alice"]), _token(bidding, ids["bob"])
    for amount, token in [("100", alice), ("110", bob), ("120", alice)]:
        _bid(bidding, token, ids["item"], amount)
    resume = {**_item_vars(ids), "after": 1}
    with (
        _connect(client, "graphql-transport-ws") as earlier,
        _connect(client, "graphql-transport-ws") as later,
    ):
        earlier.subscribe("1", BID_PLACED_SUBSCRIPTION, resume)
        earlier_replay = [earlier.next_data("1")["bidPlaced"]["sequence"] for _ in range(2)]

        # when: another subscriber resumes from the same point
        later.subscribe("1", BID_PLACED_SUBSCRIPTION, resume)
        later_replay = [later.next_data("1")["bidPlaced"]["sequence"] for _ in range(2)]
        groups = len(HUB.groups)

    # then
    assert earlier_replay == later_replay == [2, 3]
    assert groups == 2


def test_queries_over_websocket_are_answered_as_before(client: TestClient) -> None:
    # given
    with _connect(client, "graphql-transport-ws") as ws:
        # when
        ws.ws.send_json({"id": "q", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        messages = [ws.ws.receive_json(), ws.ws.receive_json()]

    # then
    assert messages == [
        {"id": "q", "type": "next", "payload": {"data": {"__typename": "Query"}}},
        {"id": "q", "type": "complete"},
    ]
    assert not HUB.groups
