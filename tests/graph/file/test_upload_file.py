"""uploadFile over the GraphQL multipart request spec, and deleteFile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from db import models
from server.app import create_app
from server.settings import Settings
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 100

UPLOAD_FILE_MUTATION = """
mutation Upload($input: UploadFileInput!) {
  uploadFile(input: $input) {
    file { databaseId filename mimeType size isPrivate url }
    errors { field code message }
  }
}
"""

DELETE_FILE_MUTATION = """
mutation Delete($input: DeleteFileInput!) {
  deleteFile(input: $input) { deletedFileId errors { code } }
}
"""

ITEM_IMAGES_QUERY = """
query Item($id: ID!) { node(id: $id) { ... on Item { images { databaseId } } } }
"""


def gid(type_name: str, pk: int | None) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


async def upload(
    graphql: GraphQLClient,
    content: bytes,
    *,
    filename: str = "photo.png",
    content_type: str = "image/png",
    variables: dict[str, Any] | None = None,
    as_: models.User | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """A multipart request: ``operations``, ``map`` and the file as part ``0``."""
    operations = {
        "query": UPLOAD_FILE_MUTATION,
        "variables": {"input": {"file": None, **(variables or {})}},
    }
    all_headers = dict(headers or {})
    if as_ is not None:
        all_headers["Authorization"] = f"Bearer {await graphql.token_for(as_)}"
    graphql.session.expunge_all()
    return await graphql.http.post(
        "/graphql",
        data={
            "operations": orjson.dumps(operations).decode(),
            "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
        },
        files={"0": (filename, content, content_type)},
        headers=all_headers,
    )


def stored(settings: Settings) -> list[Path]:
    root = settings.files_dir
    return sorted(root.iterdir()) if root.exists() else []


async def test_staff_upload_a_file_and_download_it(
    graphql: GraphQLClient, session: AsyncSession, settings: Settings
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    response = await upload(graphql, PNG, filename="../../front.png", as_=staff)

    # then
    payload = response.json()["data"]["uploadFile"]
    assert payload["errors"] == []
    file = payload["file"]
    assert file["filename"] == "front.png"
    assert file["mimeType"] == "image/png"
    assert file["size"] == len(PNG)
    assert file["isPrivate"] is False
    assert file["url"] == f"/files/{file['databaseId']}/content"
    content = await graphql.http.get(file["url"])
    assert content.status_code == 200
    assert content.content == PNG
    assert content.headers["content-type"] == "image/png"
    assert content.headers["x-content-type-options"] == "nosniff"
    activity = (await session.execute(sa.select(models.Activity))).scalars().one()
    assert (activity.action, activity.entity_id) == ("create", file["databaseId"])


async def test_a_private_upload_attached_to_an_item_gets_a_signed_url(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)

    # when
    response = await upload(
        graphql,
        b"%PDF-1.7\ncontract",
        filename="contract.pdf",
        content_type="application/pdf",
        variables={"private": True, "entityId": gid("Client", client.id)},
        as_=staff,
    )

    # then
    file = response.json()["data"]["uploadFile"]["file"]
    assert file["isPrivate"] is True
    assert "signature=" in file["url"]
    anonymous = await graphql.http.get(file["url"])
    assert anonymous.status_code == 200
    assert anonymous.content == b"%PDF-1.7\ncontract"
    row = await session.get(models.File, file["databaseId"])
    assert row is not None
    assert (row.entity_type, row.entity_id) == (models.EntityType.CLIENT, client.id)


async def test_a_disallowed_type_is_a_payload_error_and_stores_nothing(
    graphql: GraphQLClient, session: AsyncSession, settings: Settings
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    response = await upload(
        graphql, b"<svg onload=alert(1)>", filename="x.svg", content_type="image/png", as_=staff
    )

    # then
    payload = response.json()["data"]["uploadFile"]
    assert payload["file"] is None
    assert len(payload["errors"]) == 1
    assert payload["errors"][0]["code"] == "FILE_TYPE_NOT_ALLOWED"
    assert payload["errors"][0]["field"] == "file"
    assert stored(settings) == []
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.File)) == 0
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Activity)) == 0


async def test_bidders_may_not_upload(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    bidder = await factories.create_bidder(session)

    # when
    response = await upload(graphql, PNG, as_=bidder)

    # then
    assert_graphql_error(response.json(), code="FORBIDDEN")


async def test_a_multipart_request_without_a_preflight_header_is_refused(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # when
    response = await upload(graphql, PNG)

    # then
    assert response.status_code == 400
    assert "GraphQL-Require-Preflight" in response.text


async def test_deleting_a_file_removes_it_from_the_item_and_the_disk(
    graphql: GraphQLClient, session: AsyncSession, settings: Settings
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    response = await upload(graphql, PNG, variables={"entityId": gid("Item", item.id)}, as_=staff)
    file_id = response.json()["data"]["uploadFile"]["file"]["databaseId"]
    assert len(stored(settings)) == 1

    # when
    data = await graphql.data(
        DELETE_FILE_MUTATION, {"input": {"fileId": gid("File", file_id)}}, as_=staff
    )

    # then
    assert data["deleteFile"] == {"deletedFileId": gid("File", file_id), "errors": []}
    assert stored(settings) == []
    images = await graphql.data(ITEM_IMAGES_QUERY, {"id": gid("Item", item.id)}, as_=staff)
    assert images["node"]["images"] == []
    actions = (
        await session.execute(
            sa.select(models.Activity.action, models.Activity.entity_type).order_by(
                models.Activity.id
            )
        )
    ).all()
    assert actions == [
        ("create", models.EntityType.FILE),
        ("set_images", models.EntityType.ITEM),
        ("set_images", models.EntityType.ITEM),
        ("delete", models.EntityType.FILE),
    ]


async def test_deleting_an_unknown_file_is_not_found(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    body = await graphql(DELETE_FILE_MUTATION, {"input": {"fileId": gid("File", 999)}}, as_=staff)

    # then
    assert_graphql_error(body, code="NOT_FOUND")
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Activity)) == 0


async def test_a_file_over_the_limit_is_a_payload_error_and_leaves_nothing(
    session: AsyncSession, settings: Settings, sessionmaker: Any
) -> None:
    # given
    small = settings.model_copy(update={"upload_max_bytes": 100})
    app = create_app(small, database_url="", sessionmaker=sessionmaker, listen=False, closer=False)
    staff = await factories.create_staff(session)

    # when
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        graphql = GraphQLClient(http, session)
        within_slack = await upload(graphql, PNG * 3, as_=staff)
        far_over = await upload(graphql, PNG * 1000, as_=staff)

    # then
    payload = within_slack.json()["data"]["uploadFile"]
    assert payload == {
        "file": None,
        "errors": [
            {
                "field": "file",
                "code": "FILE_TOO_LARGE",
                "message": "The file is larger than the maximum of 100 bytes.",
            }
        ],
    }
    assert far_over.status_code == 413
    assert stored(settings) == []
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.File)) == 0
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Activity)) == 0
