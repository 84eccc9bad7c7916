"""Consignment.statements: the consignor's settlements for the consignment's sale."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

CONSIGNMENTS_QUERY = """
query { consignments(first: 50) { edges { node { databaseId statements { number status } } } } }
"""
CONSIGNMENT_QUERY = """
query C($id: ID!) { node(id: $id) { ... on Consignment { statements { number } } } }
"""


async def test_statements_and_who_sees_them(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    owner = await session.get(models.Client, bidder.client_id)
    assert owner is not None
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, consignor=owner, sale=sale)
    settlement = models.OrderType.CONSIGNOR
    locked = await factories.create_order(
        session, client=owner, sale=sale, type=settlement, status=models.OrderStatus.LOCKED
    )
    await factories.create_order(
        session, client=owner, sale=sale, type=settlement, status=models.OrderStatus.CANCELED
    )
    await factories.create_order(session, client=owner, sale=sale)  # the owner's invoice

    # when
    as_staff = await graphql.data(
        CONSIGNMENT_QUERY, {"id": to_base64("Consignment", consignment.id)}, as_=staff
    )
    as_owner = await graphql.data(
        CONSIGNMENT_QUERY, {"id": to_base64("Consignment", consignment.id)}, as_=bidder
    )

    # then
    assert as_staff["node"]["statements"] == [{"number": locked.number}]
    assert as_owner["node"]["statements"] == [{"number": locked.number}]


async def test_a_list_reads_them_in_one_statement(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    staff = await factories.create_staff(session)
    token = await graphql.token_for(staff)
    sale = await factories.create_sale(session)

    async def add_consignment() -> None:
        consignor = await factories.create_client(session)
        await factories.create_consignment(session, consignor=consignor, sale=sale)
        await factories.create_order(
            session, client=consignor, sale=sale, type=models.OrderType.CONSIGNOR
        )

    await add_consignment()
    with count_queries.counting() as one:
        await graphql.data(CONSIGNMENTS_QUERY, as_=token)
    for _ in range(7):
        await add_consignment()

    # when
    with count_queries.counting() as eight:
        data = await graphql.data(CONSIGNMENTS_QUERY, as_=token)

    # then
    nodes = [edge["node"] for edge in data["consignments"]["edges"]]
    assert len(nodes) == 8
    assert all(len(node["statements"]) == 1 for node in nodes)
    assert eight.count == one.count
