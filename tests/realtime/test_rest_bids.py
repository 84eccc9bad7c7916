"""A bid placed through the e-commerce REST API reaches GraphQL subscribers like any other."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient
from strawberry.relay import to_base64

from tests.committed import Committed
from tests.realtime.test_subscriptions import BID_PLACED_SUBSCRIPTION, _setup, _token, client
from tests.ws_client import WSClient, wait_listening

pytestmark = pytest.mark.realtime
__all__ = ["client"]  # the fixture, shared with test_subscriptions


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
def test_a_rest_bid_is_pushed_to_graphql_subscribers(
    client: TestClient, committed: Committed, protocol: str
) -> None:
    # given: an anonymous subscriber of the lot
    ids = _setup(committed)
    alice = _token(client, ids["alice"])
    with WSClient.connect(client, protocol) as ws:
        ws.subscribe("1", BID_PLACED_SUBSCRIPTION, {"item": to_base64("Item", ids["item"])})
        wait_listening(client.app.state.graph.bus)  # type: ignore[attr-defined]

        # when
        response = client.post(
            "/api/v2/auction/place-bid",
            json={"product_id": ids["item"], "amount": 100},
            headers={"Authorization": f"Bearer {alice}"},
        )
        event = ws.next_data("1")["bidPlaced"]

    # then
    assert response.status_code == 200, response.json()
    assert event["sequence"] == 1
    assert event["bid"]["amount"] == "100.00"
    assert event["bid"]["bidder"] is None
    assert event["item"] == {"currentBid": "100.00", "bidCount": 1}
