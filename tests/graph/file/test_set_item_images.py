"""setItemImages: an item's images and their order."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

SET_ITEM_IMAGES_MUTATION = """
mutation SetImages($input: SetItemImagesInput!) {
  setItemImages(input: $input) {
    item { databaseId images { databaseId } }
    errors { field code message }
  }
}
"""


def gid(type_name: str, pk: int | None) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


async def test_images_are_shown_in_the_order_given(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    first = await factories.create_file(session, item=item, position=0)
    second = await factories.create_file(session, item=item, position=1)
    loose = await factories.create_file(session)

    # when
    data = await graphql.data(
        SET_ITEM_IMAGES_MUTATION,
        {
            "input": {
                "itemId": gid("Item", item.id),
                "fileIds": [gid("File", loose.id), gid("File", second.id), gid("File", first.id)],
            }
        },
        as_=staff,
    )

    # then
    payload = data["setItemImages"]
    assert payload["errors"] == []
    assert [image["databaseId"] for image in payload["item"]["images"]] == [
        loose.id,
        second.id,
        first.id,
    ]
    attached = await session.get(models.File, loose.id)
    assert attached is not None
    assert (attached.entity_type, attached.entity_id) == (models.EntityType.ITEM, item.id)
    activity = (
        await session.execute(
            sa.select(models.Activity).where(models.Activity.action == "set_images")
        )
    ).scalar_one()
    assert activity.changes == {
        "images": {"before": [first.id, second.id], "after": [loose.id, second.id, first.id]}
    }


async def test_a_private_file_is_refused_and_nothing_changes(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    shown = await factories.create_file(session, item=item)
    private = await factories.create_file(session, is_private=True)

    # when
    data = await graphql.data(
        SET_ITEM_IMAGES_MUTATION,
        {"input": {"itemId": gid("Item", item.id), "fileIds": [gid("File", private.id)]}},
        as_=staff,
    )

    # then
    assert data["setItemImages"] == {
        "item": None,
        "errors": [
            {
                "field": "fileIds",
                "code": "INVALID",
                "message": f"File {private.id} is private; images are public.",
            }
        ],
    }
    images = (await session.execute(sa.select(models.ItemImage.file_id))).scalars().all()
    assert images == [shown.id]
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Activity)) == 0


async def test_bidders_may_not_set_images(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    bidder = await factories.create_bidder(session)
    item = await factories.create_item(session)

    # when
    body = await graphql(
        SET_ITEM_IMAGES_MUTATION,
        {"input": {"itemId": gid("Item", item.id), "fileIds": []}},
        as_=bidder,
    )

    # then
    assert_graphql_error(body, code="FORBIDDEN")
