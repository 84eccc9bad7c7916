"""The clerk's lot actions and bid corrections leave an audit row; a refused one leaves none."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from db.session import OperationDB
from tests import factories
from tests.graph.bid.test_retract_bid import _bid
from tests.graphql_client import GraphQLClient

HAMMER_LOT_MUTATION = """
mutation Hammer($input: HammerLotInput!) {
  hammerLot(input: $input) { errors { code } }
}
"""

RETRACT_BID_MUTATION = """
mutation Retract($input: RetractBidInput!) {
  retractBid(input: $input) { errors { code } }
}
"""

ITEM_HISTORY_QUERY = """
query History($id: ID!) {
  node(id: $id) {
    ... on Item { activities { nodes { action changes user { databaseId } } } }
  }
}
"""


async def _history(graphql: GraphQLClient, item: models.Item, as_: models.User) -> object:
    data = await graphql.data(ITEM_HISTORY_QUERY, {"id": to_base64("Item", item.id)}, as_=as_)
    return data["node"]["activities"]


async def test_hammering_a_lot_records_who_and_what_changed(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    item = await factories.create_item(session, sale=sale, status=models.ItemStatus.ACTIVE)
    winner = await factories.create_client(session)
    await factories.create_bid(session, item=item, bidder=winner, amount=Decimal("200"))
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        HAMMER_LOT_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=staff
    )

    # then
    assert data["hammerLot"]["errors"] == []
    history = await _history(graphql, item, staff)
    assert isinstance(history, dict)
    [activity] = history["nodes"]
    assert activity["action"] == "hammer_lot"
    assert activity["user"] == {"databaseId": staff.id}
    assert activity["changes"]["status"] == {"before": "active", "after": "sold"}
    assert activity["changes"]["hammer_price"] == {"before": None, "after": "200.00"}
    assert activity["changes"]["winner_id"] == {"before": None, "after": winner.id}


async def test_a_refused_lot_action_records_nothing(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given: a lot the clerk has not opened
    sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    item = await factories.create_item(session, sale=sale, status=models.ItemStatus.AVAILABLE)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        HAMMER_LOT_MUTATION, {"input": {"itemId": to_base64("Item", item.id)}}, as_=staff
    )

    # then
    assert data["hammerLot"]["errors"] == [{"code": "ITEM_NOT_OPEN"}]
    assert await _history(graphql, item, staff) == {"nodes": []}


async def test_retracting_a_bid_records_the_bid_and_the_repriced_lot(
    graphql: GraphQLClient, db: OperationDB, session: AsyncSession
) -> None:
    # given: two bids, the leading one is retracted
    item = await factories.create_item(session, starting_price=Decimal("100"))
    alice, bob = await factories.create_bidder(session), await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    await _bid(db, alice, item, "100")
    leading = await _bid(db, bob, item, "110")

    # when
    data = await graphql.data(
        RETRACT_BID_MUTATION, {"input": {"bidId": to_base64("Bid", leading.id)}}, as_=staff
    )

    # then
    assert data["retractBid"]["errors"] == []
    history = await _history(graphql, item, staff)
    assert isinstance(history, dict)
    [activity] = history["nodes"]
    assert activity["action"] == "retract_bid"
    assert activity["changes"]["current_bid"] == {"before": "110.00", "after": "100.00"}
    bid_changes = await session.scalars(
        sa.select(models.Activity.changes).where(
            models.Activity.entity_type == models.EntityType.BID,
            models.Activity.entity_id == leading.id,
        )
    )
    assert list(bid_changes) == [{"status": {"before": "accepted", "after": "retracted"}}]


async def test_bidders_do_not_see_the_audit_trail(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    item = await factories.create_item(session)
    bidder = await factories.create_bidder(session)

    assert await _history(graphql, item, bidder) is None
