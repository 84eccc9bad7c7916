"""REST B3.0 ``statements`` / ``closed_statements`` (the consignor's settlements for the
consignment's sale) and ``files`` (files attached to the consignment)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

URL = "/api/v1.0/datatable-consignments"
FIELDS = "fields=id,statements,closed_statements,files"


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def refs(*orders: models.Order) -> list[dict[str, str]]:
    return [{"id": str(o.id), "label": o.number} for o in orders]


async def test_statements_are_the_consignors_settlements_for_the_sale(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    consignor = await factories.create_client(session)
    sale, other_sale = await factories.create_sale(session), await factories.create_sale(session)
    consignment = await factories.create_consignment(session, consignor=consignor, sale=sale)
    detached = await factories.create_consignment(session, consignor=consignor)

    async def settlement(status: models.OrderStatus, on: models.Sale = sale) -> models.Order:
        return await factories.create_order(
            session, client=consignor, sale=on, type=models.OrderType.CONSIGNOR, status=status
        )

    new = await settlement(models.OrderStatus.NEW)
    finished = await settlement(models.OrderStatus.FINISHED)
    locked = await settlement(models.OrderStatus.LOCKED)
    await settlement(models.OrderStatus.CANCELED)
    await settlement(models.OrderStatus.NEW, on=other_sale)
    await factories.create_order(session, client=consignor, sale=sale)  # a bidder invoice

    # when
    response = await http.get(f"{URL}?{FIELDS}&sort=id", headers=await auth(graphql, staff))

    # then
    assert response.json()["data"] == [
        {
            "id": str(consignment.id),
            "statements": refs(new, finished, locked),
            "closed_statements": refs(finished, locked),
            "files": [],
        },
        {"id": str(detached.id), "statements": [], "closed_statements": [], "files": []},
    ]


async def test_files_attached_to_the_consignment(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    owner = await session.get(models.Client, bidder.client_id)
    assert owner is not None
    consignment = await factories.create_consignment(session, consignor=owner)
    attached = {"entity_type": models.EntityType.CONSIGNMENT, "entity_id": consignment.id}
    contract = await factories.create_file(session, filename="contract.pdf", **attached)
    private = await factories.create_file(
        session, filename="valuation.pdf", is_private=True, **attached
    )
    await factories.create_file(session, filename="elsewhere.pdf")

    # when
    as_staff = await http.get(f"{URL}?{FIELDS}", headers=await auth(graphql, staff))
    as_owner = await http.get(f"{URL}?{FIELDS}", headers=await auth(graphql, bidder))

    # then
    (row,) = as_staff.json()["data"]
    assert [(f["id"], f["filename"]) for f in row["files"]] == [
        (str(contract.id), "contract.pdf"),
        (str(private.id), "valuation.pdf"),
    ]
    assert row["files"][0]["url"] == f"http://test/files/{contract.id}/content"
    assert row["files"][1]["url"].startswith(f"http://test/files/{private.id}/content?expires=")
    (own,) = as_owner.json()["data"]
    assert [f["filename"] for f in own["files"]] == ["contract.pdf", "valuation.pdf"]


async def test_list_statement_count_does_not_grow_with_rows(
    http: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    count_queries: StatementCounter,
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)
    sale = await factories.create_sale(session)

    async def add_row() -> None:
        consignment = await factories.create_consignment(session, sale=sale)
        consignor = await session.get(models.Client, consignment.consignor_id)
        assert consignor is not None
        await factories.create_order(
            session, client=consignor, sale=sale, type=models.OrderType.CONSIGNOR
        )
        await factories.create_file(
            session, entity_type=models.EntityType.CONSIGNMENT, entity_id=consignment.id
        )

    await add_row()
    graphql.session.expunge_all()
    with count_queries.counting():
        await http.get(URL, headers=headers)
    one = count_queries.count
    for _ in range(6):
        await add_row()
    graphql.session.expunge_all()

    # when
    with count_queries.counting():
        response = await http.get(URL, headers=headers)

    # then
    rows = response.json()["data"]
    assert len(rows) == 7
    assert all(len(row["statements"]) == 1 and len(row["files"]) == 1 for row in rows)
    assert count_queries.count == one
