"""passLot through GraphQL: a live lot closes PASSED."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

PASS_LOT_MUTATION = """
mutation Pass($input: PassLotInput!) {
  passLot(input: $input) {
    item { status hammerPrice closedAt }
    errors { field code message }
  }
}
"""


async def test_staff_pass_a_live_lot(graphql: GraphQLClient, session: AsyncSession) -> None:
    sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    item = await factories.create_item(session, sale=sale, status=models.ItemStatus.ACTIVE)
    staff = await factories.create_staff(session)

    data = await graphql.data(
        PASS_LOT_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=staff
    )

    payload = data["passLot"]
    assert payload["errors"] == []
    assert payload["item"]["status"] == "PASSED"
    assert payload["item"]["hammerPrice"] is None
    assert payload["item"]["closedAt"] is not None


async def test_a_timed_lot_cannot_be_passed(graphql: GraphQLClient, session: AsyncSession) -> None:
    item = await factories.create_item(session)
    staff = await factories.create_staff(session)

    data = await graphql.data(
        PASS_LOT_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=staff
    )

    assert data["passLot"]["errors"] == [
        {
            "field": "itemId",
            "code": "NOT_LIVE_SALE",
            "message": "Only lots of live sales are called.",
        }
    ]
    assert data["passLot"]["item"]["status"] == "ACTIVE"


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_pass_lots(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    item = await factories.create_item(session, sale=sale, status=models.ItemStatus.ACTIVE)
    bidder = await factories.create_bidder(session)

    body = await graphql(
        PASS_LOT_MUTATION,
        {"input": {"itemId": to_base64("Item", item.id)}},
        as_=bidder if caller else None,
    )

    assert_graphql_error(body, code=code)
