"""REST B8 notes: list shape (Decision D6 types), filters, sorts and the documented errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from rest_compat.circuit.notes import Note
from rest_compat.shapes import ListEnvelope
from tests import factories
from tests.graphql_client import GraphQLClient

RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
URL = "/api/v1.0/notes"
BASE = "http://test"


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def ms(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() * 1000)


async def test_note_shape(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session, full_name="Jane Clerk", email="jane@example.com")
    client = await factories.create_client(session, first_name="Ada", last_name="Lovelace")
    note = await factories.create_note(
        session, on=client, author=staff, title=None, body="<p>Called <b>about</b> the lot</p>"
    )
    document = await factories.create_file(
        session,
        entity_type=models.EntityType.NOTE,
        entity_id=note.id,
        filename="letter.pdf",
        mime_type="application/pdf",
        size=2048,
    )

    # when
    response = await http.get(URL, headers=await auth(graphql, staff))

    # then
    assert response.status_code == 200
    body = response.json()
    ListEnvelope[Note].model_validate(body)
    assert body["count"] == 1
    assert body["data"] == [
        {
            "id": note.id,
            "label": "Called about the lot",
            "published": "0",
            "created": ms(note.created_at),
            "updated": ms(note.updated_at),
            "author": {
                "id": str(staff.id),
                "label": "Jane Clerk",
                "mail": "jane@example.com",
                "value": str(staff.id),
                "uuid": "",
            },
            "vid": "1",
            "reference": {
                "id": str(client.id),
                "uuid": str(client.uuid),
                "label": f"Ada Lovelace - {client.customer_number}",
                "type": "client",
                "url_api": f"{BASE}/api/v1.0/datatable-clients/{client.id}",
                "app_url": f"{BASE}/app#dashboard/clients/{client.id}/client",
            },
            "note": "<p>Called <b>about</b> the lot</p>",
            "documents": [
                {
                    "id": str(document.id),
                    "filename": "letter.pdf",
                    "filemime": "application/pdf",
                    "filesize": "2048",
                    "url": f"{BASE}/files/{document.id}/content",
                }
            ],
        }
    ]


async def test_note_without_documents_or_author(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session, title="Summer Auction")
    await factories.create_note(session, on=sale, title="Catalogue", published=True)

    # when
    response = await http.get(URL, headers=await auth(graphql, staff))

    # then
    (row,) = response.json()["data"]
    assert row["label"] == "Catalogue"
    assert row["published"] == "1"
    assert row["author"] is None
    assert row["documents"] is None
    assert row["reference"]["type"] == "sale"
    assert row["reference"]["label"] == "Summer Auction"
    assert row["reference"]["url_api"] == f"{BASE}/api/v1.0/datatable-sales/{sale.id}"


async def test_notes_default_sort_is_newest_first(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    now = datetime.now(UTC)
    old = await factories.create_note(session, on=client, created_at=now - timedelta(days=2))
    new = await factories.create_note(session, on=client, created_at=now)

    # when
    default = await http.get(URL, headers=await auth(graphql, staff))
    ascending = await http.get(URL, params={"sort": "created"}, headers=await auth(graphql, staff))

    # then
    assert [r["id"] for r in default.json()["data"]] == [new.id, old.id]
    assert [r["id"] for r in ascending.json()["data"]] == [old.id, new.id]


async def test_notes_filter_by_reference(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    sale = await factories.create_sale(session)
    on_client = await factories.create_note(session, on=client)
    await factories.create_note(session, on=sale)
    await factories.create_note(session, on=await factories.create_client(session))
    headers = await auth(graphql, staff)

    # when
    typed = await http.get(
        URL, params={"filter[reference]": f"client:{client.id}"}, headers=headers
    )
    by_type = await http.get(URL, params={"filter[reference_type]": "sale"}, headers=headers)

    # then
    assert [r["id"] for r in typed.json()["data"]] == [on_client.id]
    assert typed.json()["count"] == 1
    assert [r["reference"]["type"] for r in by_type.json()["data"]] == ["sale"]


async def test_notes_filter_by_published_and_created(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    published = await factories.create_note(
        session, on=client, published=True, created_at=datetime(2025, 3, 1, 12, tzinfo=UTC)
    )
    await factories.create_note(
        session, on=client, published=False, created_at=datetime(2025, 3, 1, 13, tzinfo=UTC)
    )
    await factories.create_note(
        session, on=client, published=True, created_at=datetime(2025, 5, 1, tzinfo=UTC)
    )
    params = {
        "filter[published]": "1",
        "filter[created][value][from]": "2025-03-01",
        "filter[created][value][to]": "2025-03-31",
    }

    # when
    response = await http.get(URL, params=params, headers=await auth(graphql, staff))

    # then
    assert [r["id"] for r in response.json()["data"]] == [published.id]


async def test_notes_fields_selection(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    note = await factories.create_note(session, on=await factories.create_client(session))

    # when
    response = await http.get(
        URL, params={"fields": "label,vid"}, headers=await auth(graphql, staff)
    )

    # then
    assert response.json()["data"] == [{"id": note.id, "label": note.title, "vid": "1"}]


async def test_notes_bad_filter_is_400(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)

    # when
    unknown = await http.get(URL, params={"filter[colour]": "red"}, headers=headers)
    bad_reference = await http.get(URL, params={"filter[reference]": "bid:4"}, headers=headers)
    bad_type = await http.get(URL, params={"filter[reference_type]": "bid"}, headers=headers)

    # then
    assert unknown.status_code == 400
    assert unknown.json() == {
        "type": f"{RFC2616}#sec10.4.1",
        "title": "Invalid filter",
        "status": 400,
        "detail": "Unknown filter field: colour",
        "errors": {"filter[colour]": ["Unknown filter field: colour"]},
    }
    assert bad_reference.status_code == 400
    assert list(bad_reference.json()["errors"]) == ["filter[reference]"]
    assert bad_type.status_code == 400
    assert list(bad_type.json()["errors"]) == ["filter[reference_type]"]


async def test_notes_are_staff_only(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)

    # when
    forbidden = await http.get(URL, headers=await auth(graphql, bidder))
    anonymous = await http.get(URL)

    # then
    assert forbidden.status_code == 403
    assert forbidden.json()["title"] == "Access denied"
    assert anonymous.status_code == 401
