"""``responsibleUserIds`` / ``responsibleUsers`` of clients, consignments and lots through
GraphQL: written by the create/update mutations (and bulkUpdateItems), read staff-only through
one loader statement per list."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

USERS = "responsibleUsers { databaseId fullName }"
UPDATE_CLIENT_MUTATION = f"""
mutation Update($input: UpdateClientInput!) {{
  updateClient(input: $input) {{ client {{ {USERS} }} errors {{ field code message }} }}
}}
"""
CREATE_CONSIGNMENT_MUTATION = f"""
mutation Create($input: CreateConsignmentInput!) {{
  createConsignment(input: $input) {{ consignment {{ {USERS} }} errors {{ field code }} }}
}}
"""
UPDATE_ITEM_MUTATION = f"""
mutation Update($input: UpdateItemInput!) {{
  updateItem(input: $input) {{ item {{ {USERS} }} errors {{ field code }} }}
}}
"""
BULK_UPDATE_ITEMS_MUTATION = f"""
mutation Bulk($input: BulkUpdateItemsInput!) {{
  bulkUpdateItems(input: $input) {{
    count results {{ index item {{ {USERS} }} errors {{ field code }} }}
  }}
}}
"""
CLIENTS_QUERY = f"""
query {{ clients(first: 50) {{ edges {{ node {{ databaseId {USERS} }} }} }} }}
"""
ITEM_QUERY = f"""
query Item($id: ID!) {{ node(id: $id) {{ ... on Item {{ {USERS} }} }} }}
"""


def gid(kind: str, row: Any) -> str:
    return to_base64(kind, row.id)


def users(*people: models.User) -> list[dict[str, Any]]:
    return [{"databaseId": p.id, "fullName": p.full_name} for p in people]


async def test_write_and_read_on_every_entity(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session, full_name="Ann Archer")
    colleague = await factories.create_staff(session, full_name="Bob Baker")
    client = await factories.create_client(session)
    sale = await factories.create_sale(session)
    item = await factories.create_item(session, sale=sale)
    other = await factories.create_item(session, sale=sale)

    # when
    on_client = await graphql.data(
        UPDATE_CLIENT_MUTATION,
        {"input": {"id": gid("Client", client), "responsibleUserIds": [gid("User", colleague)]}},
        as_=staff,
    )
    on_consignment = await graphql.data(
        CREATE_CONSIGNMENT_MUTATION,
        {
            "input": {
                "title": "Estate",
                "consignorId": gid("Client", client),
                "saleId": gid("Sale", sale),
                "responsibleUserIds": [gid("User", staff), gid("User", colleague)],
            }
        },
        as_=staff,
    )
    on_item = await graphql.data(
        UPDATE_ITEM_MUTATION,
        {"input": {"id": gid("Item", item), "responsibleUserIds": [gid("User", staff)]}},
        as_=staff,
    )
    in_bulk = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {
            "input": {
                "items": [
                    {"id": gid("Item", item), "responsibleUserIds": []},
                    {"id": gid("Item", other), "responsibleUserIds": [gid("User", colleague)]},
                ]
            }
        },
        as_=staff,
    )

    # then
    assert on_client["updateClient"] == {
        "client": {"responsibleUsers": users(colleague)},
        "errors": [],
    }
    assert on_consignment["createConsignment"]["consignment"]["responsibleUsers"] == users(
        staff, colleague
    )
    assert on_item["updateItem"]["item"]["responsibleUsers"] == users(staff)
    assert in_bulk["bulkUpdateItems"]["count"] == 2
    assert [row["item"]["responsibleUsers"] for row in in_bulk["bulkUpdateItems"]["results"]] == [
        [],
        users(colleague),
    ]


async def test_non_staff_ids_are_payload_errors_and_nothing_changes(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    client = await factories.create_client(session, last_name="Same")

    # when
    data = await graphql.data(
        UPDATE_CLIENT_MUTATION,
        {
            "input": {
                "id": gid("Client", client),
                "lastName": "Changed",
                "responsibleUserIds": [gid("User", staff), gid("User", bidder)],
            }
        },
        as_=staff,
    )

    # then
    assert data["updateClient"]["client"] is None
    assert [(e["field"], e["code"]) for e in data["updateClient"]["errors"]] == [
        ("responsibleUserIds[1]", "NOT_FOUND")
    ]
    session.expunge_all()
    stored = await session.get(models.Client, client.id)
    assert stored is not None
    assert stored.last_name == "Same"
    links = await session.scalar(
        sa.select(sa.func.count()).select_from(models.ClientResponsibleUser)
    )
    assert links == 0


async def test_bidders_and_the_public_see_an_empty_list(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    item = await factories.create_item(session)
    session.add(models.ItemResponsibleUser(item_id=item.id, user_id=staff.id))
    await session.flush()

    # when
    as_bidder = await graphql.data(ITEM_QUERY, {"id": gid("Item", item)}, as_=bidder)
    anonymous = await graphql.data(ITEM_QUERY, {"id": gid("Item", item)})
    as_staff = await graphql.data(ITEM_QUERY, {"id": gid("Item", item)}, as_=staff)

    # then
    assert as_bidder["node"]["responsibleUsers"] == []
    assert anonymous["node"]["responsibleUsers"] == []
    assert as_staff["node"]["responsibleUsers"] == users(staff)


async def test_a_list_reads_them_in_one_statement(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    staff = await factories.create_staff(session)
    token = await graphql.token_for(staff)

    async def add_client() -> None:
        client = await factories.create_client(session)
        session.add(models.ClientResponsibleUser(client_id=client.id, user_id=staff.id))
        await session.flush()

    await add_client()
    with count_queries.counting() as one:
        await graphql.data(CLIENTS_QUERY, as_=token)
    for _ in range(9):
        await add_client()

    # when
    with count_queries.counting() as ten:
        data = await graphql.data(CLIENTS_QUERY, as_=token)

    # then
    nodes = [edge["node"] for edge in data["clients"]["edges"]]
    assert len(nodes) == 10
    assert all(node["responsibleUsers"] == users(staff) for node in nodes)
    assert ten.count == one.count


async def test_null_clears(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    session.add(models.ClientResponsibleUser(client_id=client.id, user_id=staff.id))
    await session.flush()

    # when
    data = await graphql.data(
        UPDATE_CLIENT_MUTATION,
        {"input": {"id": gid("Client", client), "responsibleUserIds": None}},
        as_=staff,
    )

    # then
    assert data["updateClient"] == {"client": {"responsibleUsers": []}, "errors": []}
