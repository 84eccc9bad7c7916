"""placeBid through GraphQL."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

PLACE_BID_MUTATION = """
mutation Place($input: PlaceBidInput!) {
  placeBid(input: $input) {
    outcome
    bid { amount sequence isProxy paddle }
    item { currentBid bidCount nextMinimumBid }
    errors { field code message }
  }
}
"""


async def test_a_bidder_places_a_winning_bid(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    item = await factories.create_item(session, starting_price=Decimal("100"))
    bidder = await factories.create_bidder(session)

    # when
    data = await graphql.data(
        PLACE_BID_MUTATION,
        {"input": {"itemId": to_base64("Item", item.id), "amount": "100.00"}},
        as_=bidder,
    )

    # then
    payload = data["placeBid"]
    assert payload["errors"] == []
    assert payload["outcome"] == "WINNING"
    assert payload["bid"]["amount"] == "100.00"
    assert payload["bid"]["sequence"] == 1
    assert payload["item"] == {"currentBid": "100.00", "bidCount": 1, "nextMinimumBid": "110.00"}


async def test_a_proxy_answers_at_once_and_the_newcomer_is_outbid(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, starting_price=Decimal("100"))
    alice = await factories.create_bidder(session)
    bob = await factories.create_bidder(session)
    item_id = to_base64("Item", item.id)
    await graphql.data(
        PLACE_BID_MUTATION,
        {"input": {"itemId": item_id, "amount": "100", "maxAmount": "500"}},
        as_=alice,
    )

    # when
    data = await graphql.data(
        PLACE_BID_MUTATION, {"input": {"itemId": item_id, "amount": "150"}}, as_=bob
    )

    # then
    payload = data["placeBid"]
    assert payload["outcome"] == "OUTBID"
    assert payload["bid"]["amount"] == "150.00"
    assert payload["item"]["currentBid"] == "160.00"
    assert payload["item"]["bidCount"] == 3


async def test_a_bid_below_the_minimum_is_a_payload_error(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    item = await factories.create_item(session, starting_price=Decimal("100"))
    bidder = await factories.create_bidder(session)

    data = await graphql.data(
        PLACE_BID_MUTATION,
        {"input": {"itemId": to_base64("Item", item.id), "amount": "90"}},
        as_=bidder,
    )

    assert data["placeBid"]["errors"] == [
        {
            "field": "amount",
            "code": "BELOW_MINIMUM",
            "message": "Bid amount must be at least 100.00.",
        }
    ]
    assert data["placeBid"]["bid"] is None


async def test_anonymous_bids_are_refused(graphql: GraphQLClient, session: AsyncSession) -> None:
    item = await factories.create_item(session)

    body = await graphql(
        PLACE_BID_MUTATION, {"input": {"itemId": to_base64("Item", item.id), "amount": "100"}}
    )

    assert_graphql_error(body, code="UNAUTHENTICATED")


async def test_only_staff_bid_on_behalf_of_a_client(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, starting_price=Decimal("100"))
    bidder = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    variables = {
        "input": {
            "itemId": to_base64("Item", item.id),
            "amount": "100",
            "onBehalfOf": to_base64("Client", client.id),
        }
    }

    # when
    refused = await graphql(PLACE_BID_MUTATION, variables, as_=bidder)
    accepted = await graphql.data(PLACE_BID_MUTATION, variables, as_=staff)

    # then
    error = assert_graphql_error(refused, code="FORBIDDEN")
    assert error["message"] == "Only staff may bid on behalf of a client."
    assert accepted["placeBid"]["bid"]["paddle"] == client.bidder_number
