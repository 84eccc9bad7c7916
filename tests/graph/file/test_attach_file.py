"""attachFile: a file moves to any entity (or is detached)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from db import models
from domain import audit
from tests import factories
from tests.graphql_client import GraphQLClient

ATTACH_FILE_MUTATION = """
mutation Attach($input: AttachFileInput!) {
  attachFile(input: $input) {
    file { databaseId entityType entityId subject { id } }
    errors { field code message }
  }
}
"""


def gid(type_name: str, pk: int | None) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


async def test_an_item_image_moved_to_a_consignment_leaves_the_item_images(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    image = await factories.create_file(session, item=item)
    consignment = await factories.create_consignment(session)

    # when
    data = await graphql.data(
        ATTACH_FILE_MUTATION,
        {
            "input": {
                "fileId": gid("File", image.id),
                "entityId": gid("Consignment", consignment.id),
            }
        },
        as_=staff,
    )

    # then
    assert data["attachFile"] == {
        "file": {
            "databaseId": image.id,
            "entityType": "CONSIGNMENT",
            "entityId": consignment.id,
            "subject": {"id": gid("Consignment", consignment.id)},
        },
        "errors": [],
    }
    assert (await session.execute(sa.select(models.ItemImage))).scalars().all() == []
    actions = (
        await session.execute(
            sa.select(models.Activity.action, models.Activity.changes).order_by(models.Activity.id)
        )
    ).all()
    assert actions == [
        ("set_images", {"images": {"before": [image.id], "after": []}}),
        (
            "update",
            audit.diff(
                {"entity_type": "item", "entity_id": item.id},
                {"entity_type": "consignment", "entity_id": consignment.id},
            ),
        ),
    ]


async def test_attaching_to_an_unknown_entity_changes_nothing(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    file = await factories.create_file(session)

    # when
    data = await graphql.data(
        ATTACH_FILE_MUTATION,
        {"input": {"fileId": gid("File", file.id), "entityId": gid("Order", 999_999)}},
        as_=staff,
    )

    # then
    assert data["attachFile"] == {
        "file": None,
        "errors": [
            {
                "field": "entityId",
                "code": "NOT_FOUND",
                "message": "No order with ID 999999 to attach to.",
            }
        ],
    }
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Activity)) == 0
