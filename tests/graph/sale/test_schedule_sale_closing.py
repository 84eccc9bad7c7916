"""scheduleSaleClosing: staggered closing times in lot order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

SCHEDULE_MUTATION = """
mutation ($input: ScheduleSaleClosingInput!) {
  scheduleSaleClosing(input: $input) {
    sale {
      items(orderBy: [{field: LOT}]) { nodes { lot closesAt } }
      activities { nodes { action changes } }
    }
    errors { field code message }
  }
}
"""


async def test_lots_close_one_stagger_apart_in_lot_order(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session)
    for lot in (3, 1, 2):
        await factories.create_item(session, sale=sale, lot_number=lot)
    await factories.create_item(session, sale=sale, lot_number=4, status=models.ItemStatus.SOLD)
    staff = await factories.create_staff(session)
    first = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)

    # when
    data = await graphql.data(
        SCHEDULE_MUTATION,
        {
            "input": {
                "saleId": to_base64("Sale", sale.id),
                "firstClosesAt": first.isoformat(),
                "staggerSeconds": 30,
            }
        },
        as_=staff,
    )

    # then
    nodes = data["scheduleSaleClosing"]["sale"]["items"]["nodes"]
    times = {n["lot"]: datetime.fromisoformat(n["closesAt"]) for n in nodes}
    assert times["1"] == first
    assert times["2"] == first + timedelta(seconds=30)
    assert times["3"] == first + timedelta(seconds=60)
    assert times["4"] != first + timedelta(seconds=90)  # a sold lot keeps its time
    [activity] = data["scheduleSaleClosing"]["sale"]["activities"]["nodes"]
    assert activity["action"] == "schedule_closing"
    assert activity["changes"]["stagger_seconds"] == {"before": 0, "after": 30}


async def test_bidders_cannot_schedule(graphql: GraphQLClient, session: AsyncSession) -> None:
    sale = await factories.create_sale(session)
    bidder = await factories.create_bidder(session)

    body = await graphql(
        SCHEDULE_MUTATION,
        {
            "input": {
                "saleId": to_base64("Sale", sale.id),
                "firstClosesAt": "2030-01-01T12:00:00+00:00",
                "staggerSeconds": 30,
            }
        },
        as_=bidder,
    )

    assert_graphql_error(body, code="FORBIDDEN")
