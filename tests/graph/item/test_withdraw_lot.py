"""withdrawLot through GraphQL: a lot of any sale closes WITHDRAWN."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

WITHDRAW_LOT_MUTATION = """
mutation Withdraw($input: WithdrawLotInput!) {
  withdrawLot(input: $input) {
    item { status closedAt }
    errors { field code message }
  }
}
"""


@pytest.mark.parametrize("kind", [models.SaleKind.TIMED, models.SaleKind.LIVE])
async def test_staff_withdraw_a_lot(
    graphql: GraphQLClient, session: AsyncSession, kind: models.SaleKind
) -> None:
    sale = await factories.create_sale(session, kind=kind)
    item = await factories.create_item(session, sale=sale, status=models.ItemStatus.AVAILABLE)
    staff = await factories.create_staff(session)

    data = await graphql.data(
        WITHDRAW_LOT_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=staff
    )

    assert data["withdrawLot"]["errors"] == []
    assert data["withdrawLot"]["item"]["status"] == "WITHDRAWN"
    assert data["withdrawLot"]["item"]["closedAt"] is not None


async def test_a_closed_lot_cannot_be_withdrawn(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    item = await factories.create_item(session, status=models.ItemStatus.SOLD)
    staff = await factories.create_staff(session)

    data = await graphql.data(
        WITHDRAW_LOT_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=staff
    )

    assert data["withdrawLot"]["errors"] == [
        {"field": "itemId", "code": "ITEM_CLOSED", "message": "The lot is already closed."}
    ]
    assert data["withdrawLot"]["item"]["status"] == "SOLD"


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_withdraw_lots(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    item = await factories.create_item(session)
    bidder = await factories.create_bidder(session)

    body = await graphql(
        WITHDRAW_LOT_MUTATION,
        {"input": {"itemId": to_base64("Item", item.id)}},
        as_=bidder if caller else None,
    )

    assert_graphql_error(body, code=code)
    refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
    assert refreshed.status is models.ItemStatus.ACTIVE
