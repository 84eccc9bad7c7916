"""Reading staff notes: staff only at the root, null when nested, filters and batching."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient, assert_graphql_error

NOTES_QUERY = """
query Notes($filter: NoteFilter, $orderBy: [NoteOrder!], $search: String) {
  notes(first: 50, filter: $filter, orderBy: $orderBy, search: $search) {
    totalCount
    nodes {
      databaseId title body published entityType entityId
      author { databaseId }
      subject { __typename id ... on Client { databaseId } ... on Item { databaseId } }
    }
  }
}
"""

CLIENT_NOTES_QUERY = """
query ClientNotes {
  clients(first: 5) { nodes { databaseId notes { totalCount nodes { title } } } }
}
"""

ITEM_NOTES_QUERY = """
query ItemNotes($items: Int!) {
  items(first: $items, orderBy: [{field: LOT}]) {
    nodes {
      databaseId
      notes(first: 2) { totalCount nodes { title subject { id } author { databaseId } } }
    }
  }
}
"""

SALE_AND_CONSIGNMENT_NOTES_QUERY = """
query Notes($sale: ID!, $consignment: ID!) {
  sale: node(id: $sale) { ... on Sale { notes { nodes { title } } } }
  consignment: node(id: $consignment) { ... on Consignment { notes { nodes { title } } } }
}
"""


def gid(type_name: str, pk: int | None) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def titles(data: dict[str, Any]) -> list[str]:
    return [node["title"] for node in data["notes"]["nodes"]]


async def test_anonymous_cannot_list_notes(graphql: GraphQLClient) -> None:
    # when
    body = await graphql(NOTES_QUERY)

    # then
    error = assert_graphql_error(body, code="UNAUTHENTICATED")
    assert error["message"] == "Sign in to do this."
    assert body["data"] is None


async def test_bidder_cannot_list_notes(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    bidder = await factories.create_bidder(session)

    # when
    body = await graphql(NOTES_QUERY, as_=bidder)

    # then
    error = assert_graphql_error(body, code="FORBIDDEN")
    assert error["message"] == "Only staff may do this."


async def test_staff_lists_notes_with_author_and_subject(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    item = await factories.create_item(session)
    on_client = await factories.create_note(session, on=client, author=staff, title="Call back")
    on_item = await factories.create_note(session, on=item, title="Scratch on lid")

    # when
    data = await graphql.data(NOTES_QUERY, {"orderBy": [{"field": "ID"}]}, as_=staff)

    # then
    assert data["notes"]["totalCount"] == 2
    assert data["notes"]["nodes"] == [
        {
            "databaseId": on_client.id,
            "title": "Call back",
            "body": on_client.body,
            "published": False,
            "entityType": "CLIENT",
            "entityId": client.id,
            "author": {"databaseId": staff.id},
            "subject": {
                "__typename": "Client",
                "id": gid("Client", client.id),
                "databaseId": client.id,
            },
        },
        {
            "databaseId": on_item.id,
            "title": "Scratch on lid",
            "body": on_item.body,
            "published": False,
            "entityType": "ITEM",
            "entityId": item.id,
            "author": None,
            "subject": {"__typename": "Item", "id": gid("Item", item.id), "databaseId": item.id},
        },
    ]


async def test_staff_filters_sorts_and_searches_notes(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    sale = await factories.create_sale(session)
    await factories.create_note(session, on=client, title="Alpha", body="wants catalogue")
    await factories.create_note(session, on=client, title="Beta", published=True)
    await factories.create_note(session, on=sale, title="Gamma", body="catalogue printed")

    # when
    on_client = await graphql.data(
        NOTES_QUERY,
        {
            "filter": {"entityType": {"eq": "CLIENT"}, "entityId": {"eq": client.id}},
            "orderBy": [{"field": "TITLE", "direction": "DESC"}],
        },
        as_=staff,
    )
    published = await graphql.data(NOTES_QUERY, {"filter": {"published": True}}, as_=staff)
    searched = await graphql.data(
        NOTES_QUERY, {"search": "catalogue", "orderBy": [{"field": "TITLE"}]}, as_=staff
    )

    # then
    assert titles(on_client) == ["Beta", "Alpha"]
    assert titles(published) == ["Beta"]
    assert titles(searched) == ["Alpha", "Gamma"]


async def test_nested_notes_are_null_for_a_bidder(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    client = await session.get(models.Client, bidder.client_id)
    assert client is not None
    await factories.create_note(session, on=client)

    # when
    data = await graphql.data(CLIENT_NOTES_QUERY, as_=bidder)

    # then
    assert data["clients"]["nodes"] == [{"databaseId": client.id, "notes": None}]


async def test_nested_notes_are_null_for_the_public(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session)
    await factories.create_note(session, on=item)

    # when
    data = await graphql.data(ITEM_NOTES_QUERY, {"items": 5})

    # then
    assert data["items"]["nodes"] == [{"databaseId": item.id, "notes": None}]


async def test_staff_sees_notes_on_sales_and_consignments(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    await factories.create_note(session, on=sale, title="Sale note")
    await factories.create_note(session, on=consignment, title="Consignment note")
    # same id, other entity type: must not leak into the sale's notes
    await factories.create_note(
        session, on=consignment, entity_id=sale.id, title="Consignment note with the sale's id"
    )

    # when
    data = await graphql.data(
        SALE_AND_CONSIGNMENT_NOTES_QUERY,
        {"sale": gid("Sale", sale.id), "consignment": gid("Consignment", consignment.id)},
        as_=staff,
    )

    # then
    assert data["sale"]["notes"]["nodes"] == [{"title": "Sale note"}]
    assert data["consignment"]["notes"]["nodes"] == [{"title": "Consignment note"}]


async def test_item_notes_cost_the_same_statements_for_2_and_20_items(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    for _ in range(20):
        item = await factories.create_item(session, sale=sale)
        for _ in range(3):
            await factories.create_note(session, on=item, author=staff)
    token = await graphql.token_for(staff)

    # when
    with count_queries.counting() as small:
        small_data = await graphql.data(ITEM_NOTES_QUERY, {"items": 2}, as_=token)
    with count_queries.counting() as large:
        large_data = await graphql.data(ITEM_NOTES_QUERY, {"items": 20}, as_=token)

    # then
    assert len(small_data["items"]["nodes"]) == 2
    items = large_data["items"]["nodes"]
    assert len(items) == 20
    assert all(i["notes"]["totalCount"] == 3 for i in items)
    assert all(len(i["notes"]["nodes"]) == 2 for i in items)
    assert small.count == large.count, (small.statements, large.statements)
    # token, items page, notes page, note counts, subjects (items), authors
    assert large.count == 6, large.statements
