"""Reading orders: row visibility, filters, sorting, pagination, nested batching, balances."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient, assert_graphql_error

ORDERS_QUERY = """
query Orders(
  $first: Int, $after: String, $last: Int, $before: String,
  $filter: OrderFilter, $orderBy: [OrderOrder!], $search: String
) {
  orders(
    first: $first, after: $after, last: $last, before: $before,
    filter: $filter, orderBy: $orderBy, search: $search
  ) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
    nodes {
      id databaseId number type status currency
      subtotal buyersPremium tax charges grandTotal amountPaid amountDue
      owner { databaseId }
    }
  }
}
"""

ORDER_DETAIL_QUERY = """
query Order($id: ID!) {
  node(id: $id) {
    ... on Order {
      number grandTotal amountDue shippingWeight
      sale { databaseId }
      owner { databaseId }
      originalOrder { number }
      lines { position kind description hammerPrice premium tax amount total item { title } }
      transactions { totalCount nodes { amount } }
    }
  }
}
"""

SALE_ORDERS_QUERY = """
query SaleOrders($id: ID!) {
  node(id: $id) { ... on Sale { orders { totalCount nodes { number } } } }
}
"""

CLIENTS_WITH_ORDERS_QUERY = """
query ClientsWithOrders($first: Int!) {
  clients(first: $first, orderBy: [{field: ID}]) {
    nodes {
      databaseId
      balance
      orders(first: 10) {
        totalCount
        nodes {
          number
          lines { description item { title } }
          transactions(first: 10) { nodes { amount } }
        }
      }
    }
  }
}
"""

ORDER_LINE_NODE_QUERY = """
query Line($id: ID!) { node(id: $id) { ... on OrderLine { total order { number } } } }
"""

BALANCE_QUERY = """
query Balance($id: ID!) { node(id: $id) { ... on Client { balance } } }
"""


def _gid(type_name: str, row: Any) -> str:
    return str(relay.GlobalID(type_name, str(row.id)))


def _numbers(data: dict[str, Any]) -> list[str]:
    return [node["number"] for node in data["orders"]["nodes"]]


async def test_bidder_sees_only_own_orders(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    bidder = await factories.create_bidder(session)
    own_client = await session.get(models.Client, bidder.client_id)
    assert own_client is not None
    other = await factories.create_client(session)
    own = await factories.create_order(session, client=own_client)
    await factories.create_order(session, client=other)

    # when
    data = await graphql.data(ORDERS_QUERY, as_=bidder)

    # then
    assert data["orders"]["totalCount"] == 1
    assert _numbers(data) == [own.number]
    assert data["orders"]["nodes"][0]["owner"] == {"databaseId": own_client.id}


async def test_bidder_cannot_read_another_clients_order_by_id(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    other_order = await factories.create_order(
        session, client=await factories.create_client(session)
    )

    # when
    data = await graphql.data(ORDER_DETAIL_QUERY, {"id": _gid("Order", other_order)}, as_=bidder)

    # then
    assert data["node"] is None


async def test_order_lines_resolve_by_id_for_their_owner_only(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    own_client = await session.get(models.Client, bidder.client_id)
    assert own_client is not None
    own = await factories.create_order(session, client=own_client)
    other = await factories.create_order(session, client=await factories.create_client(session))
    own_line, other_line = [
        (await session.scalars(sa.select(models.OrderLine).filter_by(order_id=o.id))).one()
        for o in (own, other)
    ]

    # when
    mine = await graphql.data(
        ORDER_LINE_NODE_QUERY, {"id": _gid("OrderLine", own_line)}, as_=bidder
    )
    theirs = await graphql.data(
        ORDER_LINE_NODE_QUERY, {"id": _gid("OrderLine", other_line)}, as_=bidder
    )

    # then
    assert mine["node"] == {"total": "1250.00", "order": {"number": own.number}}
    assert theirs["node"] is None


async def test_anonymous_gets_unauthenticated(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    await factories.create_order(session, client=await factories.create_client(session))

    # when
    body = await graphql(ORDERS_QUERY)

    # then
    error = assert_graphql_error(body, code="UNAUTHENTICATED")
    assert error["message"] == "Sign in to do this."
    assert body["data"] is None


async def test_staff_see_all_orders_newest_first(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    orders = [
        await factories.create_order(session, client=await factories.create_client(session))
        for _ in range(3)
    ]

    # when
    data = await graphql.data(ORDERS_QUERY, as_=staff)

    # then
    assert data["orders"]["totalCount"] == 3
    assert _numbers(data) == [o.number for o in reversed(orders)]


async def test_amounts_serialize_as_two_decimal_strings(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    order = await factories.create_order(session, client=client)  # 1000 hammer + 250 premium
    await factories.create_transaction(session, order=order, amount=Decimal("200.5"))

    # when
    data = await graphql.data(ORDERS_QUERY, as_=staff)

    # then
    node = data["orders"]["nodes"][0]
    assert node["subtotal"] == "1000.00"
    assert node["buyersPremium"] == "250.00"
    assert node["tax"] == "0.00"
    assert node["charges"] == "0.00"
    assert node["grandTotal"] == "1250.00"
    assert node["amountPaid"] == "200.50"
    assert node["amountDue"] == "1049.50"
    assert node["type"] == "BIDDER"
    assert node["status"] == "NEW"
    assert node["currency"] == "EUR"


async def test_order_detail_with_lines_in_position_order(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    sale = await factories.create_sale(session)
    item = await factories.create_item(session, sale=sale, title="Bronze horse")
    original = await factories.create_order(session, client=client, sale=sale)
    order = await factories.create_order(
        session,
        client=client,
        sale=sale,
        original_order_id=original.id,
        shipping_weight=Decimal("2.125"),
        lines=[
            {"position": 2, "amount": Decimal("30.00"), "tax": Decimal("6.00")},
            {
                "position": 1,
                "item": item,
                "hammer_price": Decimal("500.00"),
                "premium": Decimal("125.00"),
            },
        ],
    )

    # when
    data = await graphql.data(ORDER_DETAIL_QUERY, {"id": _gid("Order", order)}, as_=staff)

    # then
    node = data["node"]
    assert node["grandTotal"] == "661.00"
    assert node["shippingWeight"] == 2.125
    assert node["sale"] == {"databaseId": sale.id}
    assert node["owner"] == {"databaseId": client.id}
    assert node["originalOrder"] == {"number": original.number}
    assert node["lines"] == [
        {
            "position": 1,
            "kind": "ITEM",
            "description": "Bronze horse",
            "hammerPrice": "500.00",
            "premium": "125.00",
            "tax": "0.00",
            "amount": "0.00",
            "total": "625.00",
            "item": {"title": "Bronze horse"},
        },
        {
            "position": 2,
            "kind": "CHARGE",
            "description": "Line 2",
            "hammerPrice": "0.00",
            "premium": "0.00",
            "tax": "6.00",
            "amount": "30.00",
            "total": "36.00",
            "item": None,
        },
    ]
    assert node["transactions"] == {"totalCount": 0, "nodes": []}


async def test_filter_by_type_and_status(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    wanted = await factories.create_order(
        session, client=client, type=models.OrderType.CONSIGNOR, status=models.OrderStatus.FINISHED
    )
    await factories.create_order(
        session, client=client, type=models.OrderType.CONSIGNOR, status=models.OrderStatus.NEW
    )
    await factories.create_order(
        session, client=client, type=models.OrderType.BIDDER, status=models.OrderStatus.FINISHED
    )
    order_filter = {"type": {"eq": "CONSIGNOR"}, "status": {"in": ["FINISHED", "LOCKED"]}}

    # when
    data = await graphql.data(ORDERS_QUERY, {"filter": order_filter}, as_=staff)

    # then
    assert _numbers(data) == [wanted.number]
    assert data["orders"]["totalCount"] == 1


async def test_filter_by_grand_total_range(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    by_total = {}
    for hammer in ("100.00", "500.00", "900.00"):
        order = await factories.create_order(
            session, client=client, lines=[{"hammer_price": Decimal(hammer)}]
        )
        by_total[hammer] = order.number

    # when
    data = await graphql.data(
        ORDERS_QUERY,
        {
            "filter": {"grandTotal": {"gte": "200", "lte": "900.00"}},
            "orderBy": [{"field": "GRAND_TOTAL"}],
        },
        as_=staff,
    )

    # then
    assert _numbers(data) == [by_total["500.00"], by_total["900.00"]]


async def test_filter_and_sort_by_amount_due(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    paid = await factories.create_order(session, client=client)  # 1250.00
    await factories.create_transaction(session, order=paid, amount=Decimal("1250.00"))
    partly = await factories.create_order(session, client=client)
    await factories.create_transaction(session, order=partly, amount=Decimal("1000.00"))
    unpaid = await factories.create_order(session, client=client)

    # when
    owing = await graphql.data(
        ORDERS_QUERY,
        {
            "filter": {"amountDue": {"gte": "0.01"}},
            "orderBy": [{"field": "AMOUNT_DUE", "direction": "DESC"}],
        },
        as_=staff,
    )
    settled = await graphql.data(ORDERS_QUERY, {"filter": {"amountDue": {"eq": "0"}}}, as_=staff)

    # then
    assert _numbers(owing) == [unpaid.number, partly.number]
    assert [n["amountDue"] for n in owing["orders"]["nodes"]] == ["1250.00", "250.00"]
    assert _numbers(settled) == [paid.number]


async def test_search_matches_the_invoice_number(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    wanted = await factories.create_order(session, client=client, number="INV-SPECIAL-77")
    await factories.create_order(session, client=client)

    # when
    data = await graphql.data(ORDERS_QUERY, {"search": "special-77"}, as_=staff)

    # then
    assert _numbers(data) == [wanted.number]


async def test_paginates_forward_and_backward_by_amount_due(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    orders = []
    for k in range(5):
        orders.append(
            await factories.create_order(
                session, client=client, lines=[{"hammer_price": Decimal(100 * (k + 1))}]
            )
        )
    order_by = [{"field": "AMOUNT_DUE"}]
    expected = [o.number for o in orders]

    # when
    first = await graphql.data(ORDERS_QUERY, {"first": 2, "orderBy": order_by}, as_=staff)
    cursor = first["orders"]["pageInfo"]["endCursor"]
    second = await graphql.data(
        ORDERS_QUERY, {"first": 2, "after": cursor, "orderBy": order_by}, as_=staff
    )
    cursor = second["orders"]["pageInfo"]["endCursor"]
    third = await graphql.data(
        ORDERS_QUERY, {"first": 2, "after": cursor, "orderBy": order_by}, as_=staff
    )
    back = await graphql.data(
        ORDERS_QUERY,
        {"last": 2, "before": third["orders"]["pageInfo"]["startCursor"], "orderBy": order_by},
        as_=staff,
    )

    # then
    assert _numbers(first) == expected[:2]
    assert first["orders"]["pageInfo"]["hasNextPage"] is True
    assert _numbers(second) == expected[2:4]
    assert _numbers(third) == expected[4:]
    assert third["orders"]["pageInfo"]["hasNextPage"] is False
    assert _numbers(back) == expected[2:4]
    assert third["orders"]["totalCount"] == 5


async def test_sale_orders_follow_row_visibility(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    own_client = await session.get(models.Client, bidder.client_id)
    assert own_client is not None
    sale = await factories.create_sale(session)
    own = await factories.create_order(session, client=own_client, sale=sale)
    other = await factories.create_order(
        session, client=await factories.create_client(session), sale=sale
    )
    variables = {"id": _gid("Sale", sale)}

    # when
    as_staff = await graphql.data(SALE_ORDERS_QUERY, variables, as_=staff)
    as_bidder = await graphql.data(SALE_ORDERS_QUERY, variables, as_=bidder)
    as_public = await graphql.data(SALE_ORDERS_QUERY, variables)

    # then
    assert as_staff["node"]["orders"]["totalCount"] == 2
    assert {n["number"] for n in as_staff["node"]["orders"]["nodes"]} == {own.number, other.number}
    assert as_bidder["node"]["orders"] == {"totalCount": 1, "nodes": [{"number": own.number}]}
    assert as_public["node"]["orders"] == {"totalCount": 0, "nodes": []}


async def test_balance_is_what_the_client_owes(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    invoice = await factories.create_order(session, client=client)  # owes 1250.00
    await factories.create_transaction(session, order=invoice, amount=Decimal("250.00"))
    await factories.create_order(  # owes 40.00 more
        session,
        client=client,
        type=models.OrderType.TRANSPORT_INVOICE,
        lines=[{"amount": Decimal("40.00")}],
    )
    await factories.create_order(  # credit of 100.00 (a credit note's lines are negative)
        session,
        client=client,
        type=models.OrderType.CREDIT_NOTE,
        lines=[{"hammer_price": Decimal("-100.00")}],
    )
    await factories.create_order(  # canceled: does not count
        session, client=client, status=models.OrderStatus.CANCELED
    )
    await factories.create_order(  # the house owes the consignor; not part of the balance
        session, client=client, type=models.OrderType.CONSIGNOR
    )
    no_orders = await factories.create_client(session)
    in_credit = await factories.create_client(session)
    await factories.create_order(
        session,
        client=in_credit,
        type=models.OrderType.CREDIT_NOTE,
        lines=[{"hammer_price": Decimal("-1000.00"), "premium": Decimal("-250.00")}],
    )

    # when
    balances = [
        (await graphql.data(BALANCE_QUERY, {"id": _gid("Client", c)}, as_=staff))["node"]
        for c in (client, no_orders, in_credit)
    ]

    # then: positive = the client owes the house
    assert balances == [{"balance": "940.00"}, {"balance": "0.00"}, {"balance": "-1250.00"}]


async def _clients_with_orders(session: AsyncSession, count: int) -> None:
    sale = await factories.create_sale(session)
    for _ in range(count):
        client = await factories.create_client(session)
        for _ in range(2):
            item = await factories.create_item(session, sale=sale)
            order = await factories.create_order(
                session,
                client=client,
                sale=sale,
                lines=[
                    {"item": item, "hammer_price": Decimal("100.00")},
                    {"amount": Decimal("15.00")},
                ],
            )
            await factories.create_transaction(session, order=order, amount=Decimal("50.00"))


async def test_nested_orders_cost_the_same_statements_for_2_and_20_clients(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    staff = await factories.create_staff(session)
    await _clients_with_orders(session, 20)
    token = await graphql.token_for(staff)

    # when
    with count_queries.counting() as small:
        small_data = await graphql.data(CLIENTS_WITH_ORDERS_QUERY, {"first": 2}, as_=token)
    with count_queries.counting() as large:
        large_data = await graphql.data(CLIENTS_WITH_ORDERS_QUERY, {"first": 20}, as_=token)

    # then
    assert len(small_data["clients"]["nodes"]) == 2
    clients = large_data["clients"]["nodes"]
    assert len(clients) == 20
    first = clients[0]
    assert first["balance"] == "130.00"  # 2 * (115.00 - 50.00)
    assert first["orders"]["totalCount"] == 2
    order = first["orders"]["nodes"][0]
    assert [line["item"] for line in order["lines"]][1] is None
    assert order["lines"][0]["item"]["title"].startswith("Lot ")
    assert order["transactions"]["nodes"] == [{"amount": "50.00"}]
    assert small.count == large.count, (small.statements, large.statements)
    # auth, clients page, balances, orders page, orders count, lines, transactions page, items
    assert large.count <= 8, large.statements
