"""openLot through GraphQL: a live lot opens and its absentee bids execute."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

PLACE_BID_MUTATION = """
mutation Place($input: PlaceBidInput!) {
  placeBid(input: $input) {
    outcome
    bid { amount sequence source }
    item { status currentBid bidCount myMaxBid }
    errors { code }
  }
}
"""

OPEN_LOT_MUTATION = """
mutation Open($input: OpenLotInput!) {
  openLot(input: $input) {
    item {
      status currentBid bidCount
      highestBid { amount sequence isProxy source }
    }
    errors { field code message }
  }
}
"""


async def _live_lot(session: AsyncSession) -> models.Item:
    sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    return await factories.create_item(
        session, sale=sale, status=models.ItemStatus.AVAILABLE, starting_price=Decimal("100")
    )


async def test_opening_a_lot_executes_the_absentee_bids(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given: two absentee bids, placed before the lot opened
    item = await _live_lot(session)
    alice = await factories.create_bidder(session)
    bob = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    item_id = to_base64("Item", item.id)
    absentee = await graphql.data(
        PLACE_BID_MUTATION,
        {"input": {"itemId": item_id, "amount": "100", "maxAmount": "300"}},
        as_=alice,
    )
    await graphql.data(
        PLACE_BID_MUTATION,
        {"input": {"itemId": item_id, "amount": "120", "maxAmount": "200"}},
        as_=bob,
    )

    # when
    data = await graphql.data(OPEN_LOT_MUTATION, {"input": {"itemId": item_id}}, as_=staff)

    # then: the price did not move before; now A's maximum beats B's: B 120, B 200, A 220
    assert absentee["placeBid"] == {
        "outcome": None,
        "bid": {"amount": "100.00", "sequence": 1, "source": "ABSENTEE"},
        "item": {"status": "AVAILABLE", "currentBid": None, "bidCount": 0, "myMaxBid": "300.00"},
        "errors": [],
    }
    assert data["openLot"] == {
        "item": {
            "status": "ACTIVE",
            "currentBid": "220.00",
            "bidCount": 4,
            "highestBid": {"amount": "220.00", "sequence": 4, "isProxy": True, "source": "ONLINE"},
        },
        "errors": [],
    }


async def test_opening_an_open_lot_is_a_payload_error(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    item = await factories.create_item(session, sale=sale, status=models.ItemStatus.ACTIVE)
    staff = await factories.create_staff(session)

    data = await graphql.data(
        OPEN_LOT_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=staff
    )

    assert data["openLot"]["errors"] == [
        {"field": "itemId", "code": "ITEM_ALREADY_OPEN", "message": "The lot is already open."}
    ]
    assert data["openLot"]["item"]["status"] == "ACTIVE"


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_open_lots(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    item = await _live_lot(session)
    bidder = await factories.create_bidder(session)

    body = await graphql(
        OPEN_LOT_MUTATION,
        {"input": {"itemId": to_base64("Item", item.id)}},
        as_=bidder if caller else None,
    )

    assert_graphql_error(body, code=code)
    refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
    assert refreshed.status is models.ItemStatus.AVAILABLE
