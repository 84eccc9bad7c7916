"""Reading files: item images in order, private files for staff only, the files list."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

ITEM_IMAGES_QUERY = """
query ItemImages($items: Int!) {
  items(first: $items, orderBy: [{field: LOT}]) {
    nodes { databaseId images { databaseId filename mimeType size isPrivate url } }
  }
}
"""

FILES_QUERY = """
query Files($filter: FileFilter, $orderBy: [FileOrder!], $search: String) {
  files(first: 50, filter: $filter, orderBy: $orderBy, search: $search) {
    totalCount
    nodes { databaseId filename }
  }
}
"""

FILE_QUERY = """
query File($id: ID!) { node(id: $id) { ... on File { databaseId url createdAt } } }
"""


def gid(type_name: str, pk: int | None) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def image_ids(data: dict[str, Any]) -> list[int]:
    return [image["databaseId"] for image in data["items"]["nodes"][0]["images"]]


def file_ids(data: dict[str, Any]) -> list[int]:
    return [node["databaseId"] for node in data["files"]["nodes"]]


async def test_item_images_come_in_display_order(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session)
    second = await factories.create_file(session, item=item, position=2)
    first = await factories.create_file(session, item=item, position=1, filename="front.jpg")

    # when
    data = await graphql.data(ITEM_IMAGES_QUERY, {"items": 1})

    # then
    assert data["items"]["nodes"][0]["images"][0] == {
        "databaseId": first.id,
        "filename": "front.jpg",
        "mimeType": "image/jpeg",
        "size": first.size,
        "isPrivate": False,
        "url": f"/files/{first.id}/content",
    }
    assert image_ids(data) == [first.id, second.id]


async def test_private_images_are_for_staff_only(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    item = await factories.create_item(session)
    public = await factories.create_file(session, item=item, position=1)
    private = await factories.create_file(session, item=item, position=2, is_private=True)

    # when
    anonymous = await graphql.data(ITEM_IMAGES_QUERY, {"items": 1})
    as_bidder = await graphql.data(ITEM_IMAGES_QUERY, {"items": 1}, as_=bidder)
    as_staff = await graphql.data(ITEM_IMAGES_QUERY, {"items": 1}, as_=staff)
    private_by_id = await graphql.data(FILE_QUERY, {"id": gid("File", private.id)})

    # then
    assert image_ids(anonymous) == [public.id]
    assert image_ids(as_bidder) == [public.id]
    assert image_ids(as_staff) == [public.id, private.id]
    assert private_by_id == {"node": None}


async def test_files_list_filters_by_entity_and_mime_type(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    image = await factories.create_file(session, item=item)
    document = await factories.create_file(
        session,
        filename="contract.pdf",
        mime_type="application/pdf",
        entity_type=models.EntityType.CONSIGNMENT,
        entity_id=item.id,
    )
    hidden = await factories.create_file(
        session, is_private=True, filename="passport.pdf", mime_type="application/pdf"
    )

    # when
    of_item = await graphql.data(
        FILES_QUERY,
        {"filter": {"entityType": {"eq": "ITEM"}, "entityId": {"eq": item.id}}},
        as_=staff,
    )
    pdfs_for_staff = await graphql.data(
        FILES_QUERY,
        {"filter": {"mimeType": {"eq": "application/pdf"}}, "orderBy": [{"field": "FILENAME"}]},
        as_=staff,
    )
    pdfs_for_public = await graphql.data(FILES_QUERY, {"search": ".pdf"})

    # then
    assert file_ids(of_item) == [image.id]
    assert file_ids(pdfs_for_staff) == [document.id, hidden.id]
    assert file_ids(pdfs_for_public) == [document.id]


async def test_item_images_cost_the_same_statements_for_2_and_20_items(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    sale = await factories.create_sale(session)
    for _ in range(20):
        item = await factories.create_item(session, sale=sale)
        for position in range(3):
            await factories.create_file(session, item=item, position=position)

    # when
    with count_queries.counting() as small:
        small_data = await graphql.data(ITEM_IMAGES_QUERY, {"items": 2})
    with count_queries.counting() as large:
        large_data = await graphql.data(ITEM_IMAGES_QUERY, {"items": 20})

    # then
    assert len(small_data["items"]["nodes"]) == 2
    assert all(len(i["images"]) == 3 for i in large_data["items"]["nodes"])
    # items page, images
    assert small.count == large.count == 2, large.statements
