"""Filters on staff-only facts are refused to everyone else (rows alone would leak them)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

ITEMS_BY_WINNER = """
query ($winner: ID!) { items(filter: {winnerId: {eq: $winner}}) { totalCount } }
"""
SALE_ITEMS_BY_CONSIGNMENT = """
query ($consignment: ID!) {
  sales { edges { node { items(filter: {consignmentId: {eq: $consignment}}) { totalCount } } } }
}
"""
ITEM_BIDS_BY_CLIENT = """
query ($client: ID!) {
  items { edges { node { bids(filter: {clientId: {eq: $client}}) { totalCount } } } }
}
"""


@pytest.mark.parametrize("as_staff", [False, True])
async def test_filtering_items_by_winner_is_staff_only(
    graphql: GraphQLClient, session: AsyncSession, as_staff: bool
) -> None:
    # given
    winner = await factories.create_client(session)
    await factories.create_item(session, winner_id=winner.id, hammer_price=Decimal("100"))
    caller = (
        await factories.create_staff(session)
        if as_staff
        else await factories.create_bidder(session)
    )

    # when
    body = await graphql(ITEMS_BY_WINNER, {"winner": to_base64("Client", winner.id)}, as_=caller)

    # then
    if as_staff:
        assert body["data"]["items"]["totalCount"] == 1
    else:
        error = assert_graphql_error(body, code="BAD_USER_INPUT")
        assert error["message"] == "only staff may filter by `winnerId`"


async def test_nested_staff_only_filters_are_refused_to_the_public(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    consignment = await factories.create_consignment(session)
    item = await factories.create_item(session, consignment=consignment)
    bidder = await factories.create_client(session)
    await factories.create_bid(session, item=item, bidder=bidder, amount=Decimal("50"))

    # when
    by_consignment = await graphql(
        SALE_ITEMS_BY_CONSIGNMENT, {"consignment": to_base64("Consignment", consignment.id)}
    )
    by_client = await graphql(ITEM_BIDS_BY_CLIENT, {"client": to_base64("Client", bidder.id)})

    # then
    assert by_consignment["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert by_consignment["errors"][0]["message"] == "only staff may filter by `consignmentId`"
    assert by_client["errors"][0]["message"] == "only staff may filter by `clientId`"
