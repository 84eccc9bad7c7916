"""Reading consignments: row visibility, filters, sorting, search, nested batching."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient, assert_graphql_error

CONSIGNMENTS_QUERY = """
query Consignments(
  $first: Int, $filter: ConsignmentFilter, $orderBy: [ConsignmentOrder!], $search: String
) {
  consignments(first: $first, filter: $filter, orderBy: $orderBy, search: $search) {
    totalCount
    nodes {
      id databaseId number title symbol isHouse estimated
      consignor { databaseId }
      sale { databaseId }
    }
  }
}
"""

ITEM_CONSIGNMENT_QUERY = """
query Item($id: ID!) {
  node(id: $id) {
    ... on Item {
      title
      consignment { databaseId number consignor { databaseId } }
    }
  }
}
"""

CONSIGNMENT_DETAIL_QUERY = """
query Consignment($id: ID!) {
  node(id: $id) {
    ... on Consignment {
      number subSymbol insuranceValue insuranceType commissionStepType taxType
      paymentInstructions underbid
      commissionSteps { from rate amount }
      items { totalCount nodes { databaseId } }
    }
  }
}
"""

CLIENT_CONSIGNMENTS_QUERY = """
query ClientConsignments($clients: Int!) {
  clients(first: $clients, orderBy: [{field: ID}]) {
    nodes {
      databaseId
      consignments(first: 5, orderBy: [{field: NUMBER}]) {
        totalCount
        nodes {
          number
          sale { databaseId }
          items(first: 5) { totalCount nodes { title } }
        }
      }
    }
  }
}
"""

SALE_CONSIGNMENTS_QUERY = """
query SaleConsignments($sales: Int!) {
  sales(first: $sales) {
    nodes { databaseId consignments(first: 5) { totalCount nodes { number consignor { id } } } }
  }
}
"""


def gid(type_name: str, pk: int | None) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def numbers(data: dict[str, Any]) -> list[str]:
    return [node["number"] for node in data["consignments"]["nodes"]]


async def test_anonymous_cannot_list_consignments(graphql: GraphQLClient) -> None:
    # when
    body = await graphql(CONSIGNMENTS_QUERY)

    # then
    error = assert_graphql_error(body, code="UNAUTHENTICATED")
    assert error["message"] == "Sign in to do this."


async def test_bidder_sees_only_own_consignments(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    own_client = await session.get(models.Client, bidder.client_id)
    own = await factories.create_consignment(session, consignor=own_client)
    await factories.create_consignment(session)

    # when
    data = await graphql.data(CONSIGNMENTS_QUERY, as_=bidder)

    # then
    assert data["consignments"]["totalCount"] == 1
    assert numbers(data) == [own.number]
    assert data["consignments"]["nodes"][0]["consignor"] == {"databaseId": bidder.client_id}


async def test_staff_filters_consignments_by_consignor_sale_and_house_flag(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    consignor = await factories.create_client(session)
    sale = await factories.create_sale(session)
    wanted = await factories.create_consignment(session, consignor=consignor, sale=sale)
    await factories.create_consignment(session, consignor=consignor)
    await factories.create_consignment(session, sale=sale)
    house = await factories.create_consignment(session, sale=sale, is_house=True)

    # when
    by_both = await graphql.data(
        CONSIGNMENTS_QUERY,
        {
            "filter": {
                "consignorId": {"eq": gid("Client", consignor.id)},
                "saleId": {"eq": gid("Sale", sale.id)},
            }
        },
        as_=staff,
    )
    houses = await graphql.data(CONSIGNMENTS_QUERY, {"filter": {"isHouse": True}}, as_=staff)

    # then
    assert numbers(by_both) == [wanted.number]
    assert numbers(houses) == [house.number]


async def test_staff_sorts_and_searches_consignments(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    first = await factories.create_consignment(
        session, number="ZZ-001", title="Estate Jewelry Collection", symbol="A"
    )
    second = await factories.create_consignment(
        session, number="ZZ-002", title="Stamps of Europe", symbol="B"
    )
    third = await factories.create_consignment(
        session, number="ZZ-003", title="Estate Silver", symbol="C"
    )

    # when
    descending = await graphql.data(
        CONSIGNMENTS_QUERY,
        {
            "filter": {"number": {"contains": "ZZ-"}},
            "orderBy": [{"field": "NUMBER", "direction": "DESC"}],
        },
        as_=staff,
    )
    estate = await graphql.data(
        CONSIGNMENTS_QUERY,
        {"search": "estate", "orderBy": [{"field": "NUMBER"}]},
        as_=staff,
    )
    by_symbol = await graphql.data(CONSIGNMENTS_QUERY, {"search": "ZZ-002"}, as_=staff)

    # then
    assert numbers(descending) == [third.number, second.number, first.number]
    assert numbers(estate) == [first.number, third.number]
    assert numbers(by_symbol) == [second.number]


async def test_anonymous_sees_no_consignment_on_an_item(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    consignment = await factories.create_consignment(session)
    item = await factories.create_item(session, consignment=consignment)

    # when
    data = await graphql.data(ITEM_CONSIGNMENT_QUERY, {"id": gid("Item", item.id)})

    # then
    assert data["node"] == {"title": item.title, "consignment": None}


async def test_other_bidder_sees_no_consignment_on_an_item(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    other = await factories.create_bidder(session)
    consignment = await factories.create_consignment(session)
    item = await factories.create_item(session, consignment=consignment)

    # when
    data = await graphql.data(ITEM_CONSIGNMENT_QUERY, {"id": gid("Item", item.id)}, as_=other)

    # then
    assert data["node"]["consignment"] is None


async def test_consignor_and_staff_see_the_consignment_of_an_item(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    consignor = await session.get(models.Client, bidder.client_id)
    consignment = await factories.create_consignment(session, consignor=consignor)
    item = await factories.create_item(session, consignment=consignment)
    expected = {
        "databaseId": consignment.id,
        "number": consignment.number,
        "consignor": {"databaseId": bidder.client_id},
    }

    # when
    as_consignor = await graphql.data(
        ITEM_CONSIGNMENT_QUERY, {"id": gid("Item", item.id)}, as_=bidder
    )
    as_staff = await graphql.data(ITEM_CONSIGNMENT_QUERY, {"id": gid("Item", item.id)}, as_=staff)

    # then
    assert as_consignor["node"]["consignment"] == expected
    assert as_staff["node"]["consignment"] == expected


async def test_consignment_shows_terms_and_typed_commission_steps(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    consignment = await factories.create_consignment(
        session,
        sub_symbol="1",
        insurance_value=Decimal("5000.00"),
        insurance_type="full",
        commission_step_type="tiered",
        tax_type="vat",
        payment_instructions="Wire transfer",
        underbid=Decimal("0.8"),
        commission_steps=[
            {"step_from": 100000, "consignor_commission": "10%"},
            {"from": "0", "rate": "0.15"},
            {"from": "5000", "amount": "250"},
            {"nonsense": True},
        ],
    )
    item = await factories.create_item(session, consignment=consignment)

    # when
    data = await graphql.data(
        CONSIGNMENT_DETAIL_QUERY, {"id": gid("Consignment", consignment.id)}, as_=staff
    )

    # then
    assert data["node"] == {
        "number": consignment.number,
        "subSymbol": "1",
        "insuranceValue": "5000.00",
        "insuranceType": "full",
        "commissionStepType": "tiered",
        "taxType": "vat",
        "paymentInstructions": "Wire transfer",
        "underbid": "0.8",
        "commissionSteps": [
            {"from": "0.00", "rate": "0.15", "amount": None},
            {"from": "1000.00", "rate": "0.1", "amount": None},
            {"from": "5000.00", "rate": None, "amount": "250.00"},
        ],
        "items": {"totalCount": 1, "nodes": [{"databaseId": item.id}]},
    }


async def _consignors_with_consignments(session: AsyncSession, clients: int) -> None:
    for _ in range(clients):
        consignor = await factories.create_client(session)
        for _ in range(3):
            sale = await factories.create_sale(session)
            consignment = await factories.create_consignment(
                session, consignor=consignor, sale=sale
            )
            for _ in range(2):
                await factories.create_item(session, sale=sale, consignment=consignment)


async def test_nested_consignments_cost_the_same_statements_for_2_and_20_clients(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    staff = await factories.create_staff(session)
    await _consignors_with_consignments(session, clients=20)
    token = await graphql.token_for(staff)

    # when
    with count_queries.counting() as small:
        small_data = await graphql.data(CLIENT_CONSIGNMENTS_QUERY, {"clients": 2}, as_=token)
    with count_queries.counting() as large:
        large_data = await graphql.data(CLIENT_CONSIGNMENTS_QUERY, {"clients": 20}, as_=token)

    # then
    assert len(small_data["clients"]["nodes"]) == 2
    clients = large_data["clients"]["nodes"]
    assert len(clients) == 20
    consignments = clients[-1]["consignments"]
    assert consignments["totalCount"] == 3
    assert [c["items"]["totalCount"] for c in consignments["nodes"]] == [2, 2, 2]
    assert small.count == large.count, (small.statements, large.statements)
    # token, clients page, consignments page, their counts, sales, items page, item counts
    assert large.count == 7, large.statements


async def test_sale_consignments_cost_the_same_statements_for_2_and_20_sales(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    staff = await factories.create_staff(session)
    for _ in range(20):
        sale = await factories.create_sale(session)
        for _ in range(2):
            await factories.create_consignment(session, sale=sale)
    token = await graphql.token_for(staff)

    # when
    with count_queries.counting() as small:
        small_data = await graphql.data(SALE_CONSIGNMENTS_QUERY, {"sales": 2}, as_=token)
    with count_queries.counting() as large:
        large_data = await graphql.data(SALE_CONSIGNMENTS_QUERY, {"sales": 20}, as_=token)

    # then
    assert len(small_data["sales"]["nodes"]) == 2
    assert len(large_data["sales"]["nodes"]) == 20
    assert all(s["consignments"]["totalCount"] == 2 for s in large_data["sales"]["nodes"])
    # token, sales page, consignments page, consignment counts, consignors
    assert small.count == large.count == 5, large.statements
