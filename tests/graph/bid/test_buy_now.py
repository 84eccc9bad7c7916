"""buyNow through GraphQL."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

BUY_NOW_MUTATION = """
mutation Buy($input: BuyNowInput!) {
  buyNow(input: $input) {
    bid { amount sequence isProxy paddle }
    item {
      status currentBid bidCount hammerPrice
      bids { nodes { amount sequence } }
    }
    errors { field code message }
  }
}
"""


async def test_a_bidder_buys_a_lot_outright(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    item = await factories.create_item(session, buy_now_price=Decimal("750"))
    buyer = await factories.create_bidder(session)
    client = await session.get_one(models.Client, buyer.client_id)

    # when
    data = await graphql.data(
        BUY_NOW_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=buyer
    )

    # then
    payload = data["buyNow"]
    assert payload["errors"] == []
    assert payload["bid"] == {
        "amount": "750.00",
        "sequence": 1,
        "isProxy": False,
        "paddle": client.bidder_number,
    }
    assert payload["item"] == {
        "status": "SOLD",
        "currentBid": "750.00",
        "bidCount": 1,
        "hammerPrice": "750.00",
        "bids": {"nodes": [{"amount": "750.00", "sequence": 1}]},
    }


async def test_a_lot_with_bids_is_a_payload_error(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, buy_now_price=Decimal("750"))
    bidder = await factories.create_client(session)
    await factories.create_bid(session, item=item, bidder=bidder, amount=Decimal("100"))
    buyer = await factories.create_bidder(session)

    # when
    data = await graphql.data(
        BUY_NOW_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=buyer
    )

    # then
    payload = data["buyNow"]
    assert payload["errors"] == [
        {
            "field": "itemId",
            "code": "HAS_BIDS",
            "message": "The lot already has bids; it can no longer be bought now.",
        }
    ]
    assert payload["bid"] is None
    assert payload["item"]["status"] == "ACTIVE"
    assert payload["item"]["bidCount"] == 1


async def test_anonymous_cannot_buy(graphql: GraphQLClient, session: AsyncSession) -> None:
    item = await factories.create_item(session, buy_now_price=Decimal("750"))

    body = await graphql(BUY_NOW_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}})

    assert_graphql_error(body, code="UNAUTHENTICATED")
    assert body["data"] is None
