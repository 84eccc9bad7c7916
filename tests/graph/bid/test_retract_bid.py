"""retractBid through GraphQL (staff only)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from db.session import OperationDB
from domain.auth import principal_for
from domain.bidding.service import PlaceBid, place_bid
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

RETRACT_BID_MUTATION = """
mutation Retract($input: RetractBidInput!) {
  retractBid(input: $input) {
    bid { sequence status }
    item {
      currentBid bidCount
      highestBid { sequence amount paddle }
      bids(orderBy: [{field: SEQUENCE, direction: ASC}]) { nodes { sequence status } }
    }
    errors { field code message }
  }
}
"""


async def _bid(
    db: OperationDB, user: models.User, item: models.Item, amount: str, maximum: str | None = None
) -> models.Bid:
    result = await place_bid(
        db,
        principal_for(user),
        PlaceBid(item.id, Decimal(amount), Decimal(maximum) if maximum else None),
        datetime.now(UTC),
    )
    assert result.bid is not None
    return result.bid


async def test_staff_retract_the_leading_maximum(
    graphql: GraphQLClient, db: OperationDB, session: AsyncSession
) -> None:
    # given: A 100 max 500 leads at 160 after B's 150
    item = await factories.create_item(session, starting_price=Decimal("100"))
    alice = await factories.create_bidder(session)
    bob = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    alices = await _bid(db, alice, item, "100", "500")
    await _bid(db, bob, item, "150")
    paddle = (await session.get_one(models.Client, bob.client_id)).bidder_number

    # when
    data = await graphql.data(
        RETRACT_BID_MUTATION, {"input": {"bidId": to_base64("Bid", alices.id)}}, as_=staff
    )

    # then
    payload = data["retractBid"]
    assert payload["errors"] == []
    assert payload["bid"] == {"sequence": 1, "status": "RETRACTED"}
    assert payload["item"] == {
        "currentBid": "150.00",
        "bidCount": 1,
        "highestBid": {"sequence": 2, "amount": "150.00", "paddle": paddle},
        "bids": {
            "nodes": [
                {"sequence": 1, "status": "RETRACTED"},
                {"sequence": 2, "status": "ACCEPTED"},
                {"sequence": 3, "status": "RETRACTED"},
            ]
        },
    }


async def test_retracting_an_engine_row_is_a_payload_error(
    graphql: GraphQLClient, db: OperationDB, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, starting_price=Decimal("100"))
    alice = await factories.create_bidder(session)
    bob = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    await _bid(db, alice, item, "100", "500")
    await _bid(db, bob, item, "150")
    proxy = (await session.get_one(models.Item, item.id, populate_existing=True)).leading_bid_id
    assert proxy is not None

    # when
    data = await graphql.data(
        RETRACT_BID_MUTATION, {"input": {"bidId": to_base64("Bid", proxy)}}, as_=staff
    )

    # then
    payload = data["retractBid"]
    assert payload["errors"] == [
        {
            "field": "bidId",
            "code": "PROXY_BID",
            "message": "The bid was placed by the proxy engine; retract the bid that set the "
            "maximum.",
        }
    ]
    assert payload["item"]["currentBid"] == "160.00"


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_retract_bids(
    graphql: GraphQLClient, db: OperationDB, session: AsyncSession, caller: str | None, code: str
) -> None:
    # given
    item = await factories.create_item(session)
    bidder = await factories.create_bidder(session)
    bid = await _bid(db, bidder, item, "50")

    # when
    body = await graphql(
        RETRACT_BID_MUTATION,
        {"input": {"bidId": to_base64("Bid", bid.id)}},
        as_=bidder if caller else None,
    )

    # then
    assert_graphql_error(body, code=code)
    assert body["data"] is None
    refreshed = await session.get_one(models.Bid, bid.id, populate_existing=True)
    assert refreshed.status is models.BidStatus.ACCEPTED
