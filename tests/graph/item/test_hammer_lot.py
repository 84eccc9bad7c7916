"""hammerLot through GraphQL: the clerk knocks an open live lot down."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

HAMMER_LOT_MUTATION = """
mutation Hammer($input: HammerLotInput!) {
  hammerLot(input: $input) {
    item {
      status hammerPrice closedAt
      winner { databaseId }
      sale { status }
    }
    errors { field code message }
  }
}
"""


async def _open_lot(session: AsyncSession, **overrides: object) -> models.Item:
    sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    return await factories.create_item(
        session, sale=sale, status=models.ItemStatus.ACTIVE, **overrides
    )


async def test_the_last_lot_sells_to_the_highest_bid_and_closes_the_sale(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await _open_lot(session, reserve_price=Decimal("150"))
    winner = await factories.create_client(session)
    await factories.create_bid(session, item=item, bidder=winner, amount=Decimal("200"))
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        HAMMER_LOT_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=staff
    )

    # then
    payload = data["hammerLot"]
    assert payload["errors"] == []
    assert payload["item"]["status"] == "SOLD"
    assert payload["item"]["hammerPrice"] == "200.00"
    assert payload["item"]["closedAt"] is not None
    assert payload["item"]["winner"] == {"databaseId": winner.id}
    assert payload["item"]["sale"] == {"status": "CLOSED"}


async def test_below_the_reserve_the_lot_is_unsold(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    item = await _open_lot(session, reserve_price=Decimal("500"))
    bidder = await factories.create_client(session)
    await factories.create_bid(session, item=item, bidder=bidder, amount=Decimal("200"))
    staff = await factories.create_staff(session)

    data = await graphql.data(
        HAMMER_LOT_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=staff
    )

    assert data["hammerLot"]["item"]["status"] == "UNSOLD"
    assert data["hammerLot"]["item"]["hammerPrice"] is None
    assert data["hammerLot"]["item"]["winner"] is None


async def test_an_unopened_lot_cannot_be_hammered(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    item = await factories.create_item(session, sale=sale, status=models.ItemStatus.AVAILABLE)
    staff = await factories.create_staff(session)

    data = await graphql.data(
        HAMMER_LOT_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=staff
    )

    assert data["hammerLot"]["errors"] == [
        {
            "field": "itemId",
            "code": "ITEM_NOT_OPEN",
            "message": "The lot has not been opened yet.",
        }
    ]
    assert data["hammerLot"]["item"]["status"] == "AVAILABLE"


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_hammer_lots(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    item = await _open_lot(session)
    bidder = await factories.create_bidder(session)

    body = await graphql(
        HAMMER_LOT_MUTATION,
        {"input": {"itemId": to_base64("Item", item.id)}},
        as_=bidder if caller else None,
    )

    assert_graphql_error(body, code=code)
    refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
    assert refreshed.status is models.ItemStatus.ACTIVE
