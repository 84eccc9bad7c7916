"""splitOrder: lots move to another open order of the owner; both totals stay consistent."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from tests import factories
from tests.graph.order.priced import activities, bidder_order, count, gid, order_row
from tests.graphql_client import GraphQLClient

D = Decimal

SPLIT_ORDER_MUTATION = """
mutation Split($input: SplitOrderInput!) {
  splitOrder(input: $input) {
    order { databaseId status subtotal buyersPremium tax grandTotal lines { item { databaseId } } }
    targetOrder {
      databaseId status number subtotal buyersPremium tax grandTotal
      lines { item { databaseId } total }
    }
    movedItems { databaseId }
    errors { field code message }
  }
}
"""


async def test_moving_a_lot_to_a_new_order_keeps_every_total_consistent(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given: 1000 (→ 1300.00) and 500 (→ 650.00)
    priced = await bidder_order(session, db)
    stays, moves = priced.items

    # when
    data = await graphql.data(
        SPLIT_ORDER_MUTATION,
        {"input": {"orderId": gid("Order", priced.order), "itemIds": [gid("Item", moves)]}},
        as_=priced.staff,
    )

    # then
    payload = data["splitOrder"]
    assert payload["errors"] == []
    source, target = payload["order"], payload["targetOrder"]
    assert source["lines"] == [{"item": {"databaseId": stays.id}}]
    assert (source["subtotal"], source["buyersPremium"], source["tax"], source["grandTotal"]) == (
        "1000.00",
        "250.00",
        "50.00",
        "1300.00",
    )
    assert target["status"] == "NEW"
    assert target["lines"] == [{"item": {"databaseId": moves.id}, "total": "650.00"}]
    assert (target["subtotal"], target["buyersPremium"], target["tax"], target["grandTotal"]) == (
        "500.00",
        "125.00",
        "25.00",
        "650.00",
    )
    assert D(source["grandTotal"]) + D(target["grandTotal"]) == priced.order.grand_total
    assert payload["movedItems"] == [{"databaseId": moves.id}]
    assert sorted(await activities(session)) == sorted(
        [
            ("order", "create", target["databaseId"]),
            ("order", "split", source["databaseId"]),
            ("order", "split", target["databaseId"]),
        ]
    )


async def test_lots_join_the_owners_other_open_order(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given: another open order of the same client and sale
    priced = await bidder_order(session, db)
    other = await factories.create_order(
        session,
        client=priced.client,
        sale=priced.sale,
        lines=[{"hammer_price": D("100.00"), "premium": D("25.00"), "tax": D("5.00")}],
    )
    orders_before = await count(session, models.Order)

    # when
    data = await graphql.data(
        SPLIT_ORDER_MUTATION,
        {
            "input": {
                "orderId": gid("Order", priced.order),
                "itemIds": [gid("Item", priced.items[1])],
            }
        },
        as_=priced.staff,
    )

    # then
    target = data["splitOrder"]["targetOrder"]
    assert target["databaseId"] == other.id
    assert target["grandTotal"] == "780.00"  # 130.00 + 650.00
    assert [line["total"] for line in target["lines"]] == ["130.00", "650.00"]
    assert await count(session, models.Order) == orders_before


async def test_every_lot_cannot_leave_and_closed_orders_do_not_split(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db, status=models.OrderStatus.FINISHED)
    stranger = await factories.create_item(session, sale=priced.sale)

    # when
    data = await graphql.data(
        SPLIT_ORDER_MUTATION,
        {
            "input": {
                "orderId": gid("Order", priced.order),
                "itemIds": [gid("Item", item) for item in [*priced.items, stranger]],
            }
        },
        as_=priced.staff,
    )

    # then
    assert data["splitOrder"]["errors"] == [
        {
            "field": "orderId",
            "code": "INVALID_STATUS_TRANSITION",
            "message": "Only NEW or IN_PROCESS orders can be split.",
        },
        {
            "field": "itemIds.2",
            "code": "ITEM_NOT_ELIGIBLE",
            "message": "The item is not on the order.",
        },
        {
            "field": "itemIds",
            "code": "INVALID",
            "message": "At least one item must stay on the order.",
        },
    ]
    assert (await order_row(session, priced.order.id)).grand_total == D("1950.00")
    assert await count(session, models.Order) == 1
    assert await activities(session) == []
