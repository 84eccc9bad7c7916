"""REST B9: POST /files, POST /private-files, GET /get-file/{fid}, and downloading content."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from domain import files
from server.app import create_app
from server.settings import Settings
from tests import factories
from tests.graphql_client import GraphQLClient

PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 100
PDF = b"%PDF-1.7\nprivate"
RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def stored(settings: Settings) -> list[Path]:
    root = settings.files_dir
    return sorted(root.iterdir()) if root.exists() else []


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


async def post_file(
    http: httpx.AsyncClient,
    path: str,
    headers: dict[str, str],
    content: bytes = PNG,
    filename: str = "photo.png",
    content_type: str = "image/png",
    data: dict[str, Any] | None = None,
) -> httpx.Response:
    return await http.post(
        path, files={"file": (filename, content, content_type)}, data=data, headers=headers
    )


def store_of(http: httpx.AsyncClient) -> files.FileStore:
    store: files.FileStore = http._transport.app.state.rest.file_store  # type: ignore[attr-defined]
    return store


async def test_upload_a_public_file(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    response = await post_file(http, "/api/v1.0/files", await auth(graphql, staff))

    # then
    assert response.status_code == 201
    body = response.json()
    row = body["data"][0]
    assert body == {
        "data": [
            {
                "id": row["id"],
                "fid": row["id"],
                "url": f"http://test/files/{row['id']}/content",
                "filename": "photo.png",
                "filesize": str(len(PNG)),
                "filemime": "image/png",
            }
        ]
    }
    assert response.headers["location"] == f"http://test/api/v1.0/get-file/{row['id']}"
    assert (await http.get(row["url"])).content == PNG


async def test_upload_a_private_file_with_its_own_name(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    response = await post_file(
        http,
        "/api/v1.0/private-files",
        await auth(graphql, staff),
        content=PDF,
        filename="scan.pdf",
        content_type="application/pdf",
        data={"filename": "..\\..\\document.pdf"},
    )

    # then
    assert response.status_code == 201
    data = response.json()["data"]
    assert data == {
        "id": data["id"],
        "filename": "document.pdf",
        "url": data["url"],
        "size": len(PDF),
    }
    assert data["url"].startswith(f"http://test/files/{data['id']}/content?expires=")
    assert (await http.get(data["url"])).content == PDF
    assert (await http.get(f"/files/{data['id']}/content")).status_code == 403


async def test_get_file_shapes(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    file = await factories.create_file(session, filename="image.jpg", size=125000)

    # when
    response = await http.get(f"/api/v1.0/get-file/{file.id}", headers=await auth(graphql, staff))

    # then
    assert response.status_code == 200
    assert response.json() == {
        "data": [
            {
                "id": str(file.id),
                "filename": "image.jpg",
                "url": f"http://test/files/{file.id}/content",
                "filesize": "125000",
                "size": 125000,
                "filemime": "image/jpeg",
                "mime": "image/jpeg",
                "created": file.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        ]
    }


async def test_get_file_of_an_unknown_id_is_404(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    response = await http.get("/api/v1.0/get-file/999999", headers=await auth(graphql, staff))

    # then
    assert response.status_code == 404
    assert response.json() == {
        "type": f"{RFC2616}#sec10.4.5",
        "title": "Resource not found",
        "status": 404,
        "detail": "File with ID 999999 does not exist",
    }


async def test_get_file_of_someone_elses_private_file_is_403(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    owner = await factories.create_bidder(session)
    other = await factories.create_bidder(session)
    file = await factories.create_file(
        session,
        is_private=True,
        entity_type=models.EntityType.CLIENT,
        entity_id=owner.client_id,
    )

    # when
    as_other = await http.get(f"/api/v1.0/get-file/{file.id}", headers=await auth(graphql, other))
    as_owner = await http.get(f"/api/v1.0/get-file/{file.id}", headers=await auth(graphql, owner))
    anonymous = await http.get(f"/api/v1.0/get-file/{file.id}")

    # then
    assert as_other.status_code == 403
    assert as_other.json() == {
        "type": f"{RFC2616}#sec10.4.4",
        "title": "Access denied",
        "status": 403,
        "detail": "You do not have permission to perform this action",
    }
    assert as_owner.status_code == 200
    assert "signature=" in as_owner.json()["data"][0]["url"]
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"] == "No authentication credentials provided."
    assert anonymous.headers["www-authenticate"] == "Bearer"


async def test_private_content_only_for_those_who_may_see_the_entity(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    owner = await factories.create_bidder(session)
    other = await factories.create_bidder(session)
    assert owner.client_id is not None
    client = await session.get(models.Client, owner.client_id)
    assert client is not None
    order = await factories.create_order(session, client=client)
    file = await factories.create_file(
        session,
        is_private=True,
        mime_type="application/pdf",
        entity_type=models.EntityType.ORDER,
        entity_id=order.id,
    )
    (store_of(http).root).mkdir(parents=True, exist_ok=True)
    (store_of(http).path_of(file)).write_bytes(PDF)
    url = f"/files/{file.id}/content"

    # when
    anonymous = await http.get(url)
    as_other = await http.get(url, headers=await auth(graphql, other))
    as_owner = await http.get(url, headers=await auth(graphql, owner))
    by_query_token = await http.get(f"{url}?access_token={await graphql.token_for(owner)}")
    as_staff = await http.get(url, headers=await auth(graphql, staff))
    unknown = await http.get("/files/999999/content", headers=await auth(graphql, staff))

    # then
    assert anonymous.status_code == 403
    assert anonymous.json()["title"] == "Access denied"
    assert as_other.status_code == 403
    assert as_owner.status_code == 200
    assert as_owner.content == PDF
    assert by_query_token.status_code == 200
    assert as_staff.status_code == 200
    assert unknown.status_code == 404


async def test_a_forged_or_expired_signature_opens_nothing(
    http: httpx.AsyncClient, session: AsyncSession
) -> None:
    # given
    file = await factories.create_file(session, is_private=True)
    store = store_of(http)
    store.root.mkdir(parents=True, exist_ok=True)
    store.path_of(file).write_bytes(PNG)
    past = datetime.now(UTC) - timedelta(hours=2)
    expired = files.file_url(store, file, past)
    valid = files.file_url(store, file, datetime.now(UTC))
    forged = valid[: -len("0000")] + "0000"

    # when
    responses = [await http.get(url) for url in (expired, forged, valid)]

    # then
    assert [r.status_code for r in responses] == [403, 403, 200]


async def test_a_file_over_the_limit_is_413_and_leaves_nothing(
    graphql: GraphQLClient, session: AsyncSession, settings: Settings, sessionmaker: Any
) -> None:
    # given
    small = settings.model_copy(update={"upload_max_bytes": 100})
    app = create_app(small, database_url="", sessionmaker=sessionmaker, listen=False, closer=False)
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)

    # when
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await post_file(http, "/api/v1.0/files", headers, content=PNG * 3)
        unread = await post_file(http, "/api/v1.0/files", headers, content=PNG * 1000)

    # then
    assert unread.status_code == 413
    assert unread.json()["detail"] == "The file is larger than the configured maximum."
    assert response.status_code == 413
    assert response.json() == {
        "type": f"{RFC2616}#sec10.4.14",
        "title": "The file is larger than the maximum of 100 bytes.",
        "status": 413,
        "detail": "The file is larger than the maximum of 100 bytes.",
        "errors": {"file": ["The file is larger than the maximum of 100 bytes."]},
    }
    assert stored(settings) == []
    assert await count(session, models.File) == 0
    assert await count(session, models.Activity) == 0


@pytest.mark.parametrize(
    ("content", "filename", "content_type", "status"),
    [
        (b"<html><script>alert(1)</script>", "page.html", "text/html", 415),
        (b"MZ\x90\x00", "tool.exe", "image/png", 415),
        (b"", "empty.png", "image/png", 422),
    ],
)
async def test_refused_uploads_store_nothing(
    http: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    settings: Settings,
    content: bytes,
    filename: str,
    content_type: str,
    status: int,
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    response = await post_file(
        http, "/api/v1.0/files", await auth(graphql, staff), content, filename, content_type
    )

    # then
    assert response.status_code == status
    assert response.json()["status"] == status
    assert stored(settings) == []
    assert await count(session, models.File) == 0


async def test_upload_request_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    headers = await auth(graphql, staff)

    # when
    no_file = await http.post(
        "/api/v1.0/files", files={"attachment": ("a.png", PNG, "image/png")}, headers=headers
    )
    as_json = await http.post("/api/v1.0/files", json={"file": "x"}, headers=headers)
    as_bidder = await post_file(http, "/api/v1.0/files", await auth(graphql, bidder))
    anonymous = await post_file(http, "/api/v1.0/private-files", {})

    # then
    assert no_file.status_code == 400
    assert no_file.json()["title"] == "The field 'file' is required"
    assert as_json.status_code == 415
    assert as_json.json()["type"] == f"{RFC2616}#sec10.4.16"
    assert as_bidder.status_code == 403
    assert anonymous.status_code == 401


async def test_uploads_disabled_is_501(
    graphql: GraphQLClient, session: AsyncSession, settings: Settings, sessionmaker: Any
) -> None:
    # given
    disabled = settings.model_copy(update={"uploads_enabled": False})
    app = create_app(
        disabled, database_url="", sessionmaker=sessionmaker, listen=False, closer=False
    )
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)

    # when
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await post_file(http, "/api/v1.0/private-files", headers)

    # then
    assert response.status_code == 501
    assert response.json()["type"] == f"{RFC2616}#sec10.5.2"
    assert await count(session, models.File) == 0
