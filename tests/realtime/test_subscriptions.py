"""Subscriptions over both WebSocket protocols, fed by LISTEN/NOTIFY after commit."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient
from strawberry.relay import to_base64

from server.app import create_app
from server.settings import Settings
from tests import factories
from tests.committed import Committed
from tests.ws_client import WSClient, wait_listening

pytestmark = pytest.mark.realtime

BID_PLACED_SUBSCRIPTION = """
subscription ($item: ID!, $after: Int) {
  bidPlaced(itemId: $item, afterSequence: $after) {
    sequence
    bid { amount paddle bidder { displayName } }
    item { currentBid bidCount }
  }
}
"""
PLACE_BID_MUTATION = """
mutation ($input: PlaceBidInput!) { placeBid(input: $input) { outcome errors { code } } }
"""
LOGIN_MUTATION = """
mutation ($email: String!) {
  login(input: {email: $email, password: "correct horse battery staple"}) { token }
}
"""


@pytest.fixture
def client(committed: Committed) -> Iterator[TestClient]:
    app = create_app(Settings(), database_url=committed.url)
    with TestClient(app) as test_client:
        yield test_client


def _setup(committed: Committed) -> dict[str, Any]:
    async def build(session: AsyncSession) -> dict[str, Any]:
        item = await factories.create_item(session, starting_price=Decimal("100"))
        alice = await factories.create_bidder(session)
        bob = await factories.create_bidder(session)
        return {"item": item.id, "alice": alice.email, "bob": bob.email}

    return committed.run(build)


def _token(client: TestClient, email: str) -> str:
    response = client.post(
        "/graphql", json={"query": LOGIN_MUTATION, "variables": {"email": email}}
    )
    token: str = response.json()["data"]["login"]["token"]
    return token


def _bid(client: TestClient, token: str, item: int, amount: str) -> None:
    response = client.post(
        "/graphql",
        json={
            "query": PLACE_BID_MUTATION,
            "variables": {"input": {"itemId": to_base64("Item", item), "amount": amount}},
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.json()["data"]["placeBid"]["errors"] == [], response.json()


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
def test_each_event_shows_the_new_current_bid_and_the_public_sees_no_names(
    client: TestClient, committed: Committed, protocol: str
) -> None:
    # given
    ids = _setup(committed)
    alice, bob = _token(client, ids["alice"]), _token(client, ids["bob"])
    with WSClient.connect(client, protocol) as ws:
        ws.subscribe("1", BID_PLACED_SUBSCRIPTION, {"item": to_base64("Item", ids["item"])})
        wait_listening(client.app.state.graph.bus)  # type: ignore[attr-defined]

        # when: the second bid follows the first event
        _bid(client, alice, ids["item"], "100")
        first = ws.next_data("1")
        _bid(client, bob, ids["item"], "110")
        second = ws.next_data("1")

    # then
    assert first["bidPlaced"]["sequence"] == 1
    assert first["bidPlaced"]["item"]["currentBid"] == "100.00"
    assert second["bidPlaced"]["sequence"] == 2
    assert second["bidPlaced"]["item"] == {"currentBid": "110.00", "bidCount": 2}
    assert second["bidPlaced"]["bid"]["bidder"] is None  # anonymous subscriber
    assert second["bidPlaced"]["bid"]["paddle"].startswith("P")


def test_resuming_with_after_sequence_replays_the_missed_bids_first(
    client: TestClient, committed: Committed
) -> None:
    # given: three bids while nobody listened
    ids = _setup(committed)
    alice, bob = _token(client, ids["alice"]), _token(client, ids["bob"])
    _bid(client, alice, ids["item"], "100")
    _bid(client, bob, ids["item"], "110")
    _bid(client, alice, ids["item"], "120")

    # when
    with WSClient.connect(client, "graphql-transport-ws") as ws:
        ws.subscribe(
            "1", BID_PLACED_SUBSCRIPTION, {"item": to_base64("Item", ids["item"]), "after": 1}
        )
        replayed = [ws.next_data("1")["bidPlaced"]["sequence"] for _ in range(2)]
        _bid(client, bob, ids["item"], "130")
        live = ws.next_data("1")["bidPlaced"]

    # then
    assert replayed == [2, 3]
    assert live["sequence"] == 4
    assert live["bid"]["amount"] == "130.00"


def test_an_invalid_token_in_connection_init_is_refused(client: TestClient) -> None:
    with WSClient.connect(
        client, "graphql-transport-ws", payload={"Authorization": "Bearer nope"}, expect_ack=False
    ) as ws:
        assert ws.closed_code() == 4403


def test_staff_subscriber_sees_bidder_names(client: TestClient, committed: Committed) -> None:
    # given
    ids = _setup(committed)

    async def make_staff(session: AsyncSession) -> str:
        return (await factories.create_staff(session)).email

    staff_email = committed.run(make_staff)
    staff, alice = _token(client, staff_email), _token(client, ids["alice"])

    # when
    with WSClient.connect(
        client, "graphql-transport-ws", payload={"Authorization": f"Bearer {staff}"}
    ) as ws:
        ws.subscribe("1", BID_PLACED_SUBSCRIPTION, {"item": to_base64("Item", ids["item"])})
        wait_listening(client.app.state.graph.bus)  # type: ignore[attr-defined]
        _bid(client, alice, ids["item"], "100")
        event = ws.next_data("1")

    # then
    assert event["bidPlaced"]["bid"]["bidder"]["displayName"].startswith("Ada")
