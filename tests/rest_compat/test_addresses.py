"""REST B2 client addresses: list (filters, sorts), get, create, update, delete; B2.0 shapes."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from rest_compat.circuit.addresses import Address
from rest_compat.shapes import ListEnvelope, SingleEnvelope
from tests import factories
from tests.graphql_client import GraphQLClient

RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
UNPROCESSABLE = "https://tools.ietf.org/html/rfc4918#section-11.2"
URL = "/api/v1.0/client-address"


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def address_count(session: AsyncSession) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(models.Address)) or 0)


async def test_get_address_shape(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session, first_name="Ada", last_name="Lovelace")
    address = await factories.create_address(
        session,
        client=client,
        is_default=True,
        country="US",
        administrative_area="NY",
        locality="New York",
        postal_code="10001",
        thoroughfare="350 Fifth Avenue",
        premise="Suite 1",
        organisation_name="Engines Ltd",
        address_types=["billing"],
    )

    # when
    response = await http.get(f"{URL}/{address.id}", headers=await auth(graphql, staff))

    # then
    assert response.status_code == 200
    assert response.json() == {
        "data": [
            {
                "id": str(address.id),
                "label": "Default address - US - 10001",
                "client": str(client.id),
                "address": {
                    "country": "US",
                    "administrative_area": "NY",
                    "locality": "New York",
                    "postal_code": "10001",
                    "thoroughfare": "350 Fifth Avenue",
                    "premise": "Suite 1",
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "organisation_name": "Engines Ltd",
                    "name_line": "Ada Lovelace",
                },
                "address_types": [{"id": "billing", "label": "Billing"}],
                "default_address": True,
                "validated": False,
                "rendered": "Ada Lovelace\nEngines Ltd\n350 Fifth Avenue, Suite 1\n"
                "New York, NY 10001\nUnited States",
                "created": iso(address.created_at),
                "updated": iso(address.updated_at),
            }
        ]
    }


async def test_list_filters_and_sorts(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    c1 = await factories.create_client(session)
    c2 = await factories.create_client(session)
    a1 = await factories.create_address(
        session, client=c1, is_default=True, address_types=["billing", "shipping"]
    )
    a2 = await factories.create_address(session, client=c1, address_types=["shipping"])
    a3 = await factories.create_address(session, client=c2, is_default=True, address_types=[])
    headers = await auth(graphql, staff)
    cases = {
        "": [a1, a2, a3],
        f"filter[client]={c1.id}": [a1, a2],
        f"filter[client][value][0]={c2.id}&filter[client][operator]=IN": [a3],
        "filter[default_address]=1": [a1, a3],
        "filter[default_address]=false": [a2],
        "filter[address_types]=billing": [a1],
        "filter[address_types]=shipping": [a1, a2],
        "filter[address_types][value][0]=billing&filter[address_types][operator]=NOT IN": [
            a2,
            a3,
        ],
        "sort=-id": [a3, a2, a1],
        "sort=default_address,id": [a2, a1, a3],
        "sort=-created,-id": [a3, a2, a1],
        "sort=updated": [a1, a2, a3],
    }

    for query, expected in cases.items():
        # when
        response = await http.get(f"{URL}?{query}", headers=headers)

        # then
        assert response.status_code == 200, (query, response.json())
        body = response.json()
        assert [row["id"] for row in body["data"]] == [str(a.id) for a in expected], query
        assert body["count"] == len(expected)


async def test_list_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)

    # when
    bad_type = await http.get(f"{URL}?filter[address_types]=home", headers=headers)
    bad_sort = await http.get(f"{URL}?sort=country", headers=headers)
    unknown_filter = await http.get(f"{URL}?filter[country]=US", headers=headers)

    # then
    assert bad_type.status_code == 400
    assert list(bad_type.json()["errors"]) == ["filter[address_types]"]
    assert bad_sort.status_code == 400
    assert bad_sort.json()["title"] == "Invalid sort field"
    assert unknown_filter.status_code == 400


async def test_token_mode_reads_only_its_own_addresses(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    own_client = await session.get(models.Client, bidder.client_id)
    assert own_client is not None
    own = await factories.create_address(session, client=own_client, is_default=True)
    other = await factories.create_address(
        session, client=await factories.create_client(session), is_default=True
    )
    headers = await auth(graphql, bidder)

    # when
    listed = await http.get(URL, headers=headers)
    foreign = await http.get(f"{URL}/{other.id}", headers=headers)

    # then
    assert [row["id"] for row in listed.json()["data"]] == [str(own.id)]
    assert foreign.status_code == 404


async def test_create_address(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    first = await factories.create_address(session, client=client, is_default=True)
    headers = await auth(graphql, staff)

    # when
    response = await http.post(
        URL,
        json={
            "client": str(client.id),
            "address": {
                "country": "UK",
                "locality": "London",
                "postal_code": "N1",
                "first_name": "Ada",
                "last_name": "King",
                "name_line": "ignored",
            },
            "address_types": ["shipping"],
            "default_address": "1",
        },
        headers=headers,
    )

    # then
    assert response.status_code == 201, response.json()
    (row,) = response.json()["data"]
    assert response.headers["location"] == f"http://test{URL}/{row['id']}"
    assert row["label"] == "Default address - GB - N1"
    assert row["client"] == str(client.id)
    assert row["address"]["country"] == "GB"
    assert row["address"]["name_line"] == "Ada King"
    assert row["address_types"] == [{"id": "shipping", "label": "Shipping"}]
    assert row["default_address"] is True
    assert row["validated"] is False
    old = await session.get(models.Address, first.id)
    assert old is not None
    assert old.is_default is False


async def test_create_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    headers = await auth(graphql, staff)

    # when
    no_client = await http.post(URL, json={"address": {"country": "US"}}, headers=headers)
    no_address = await http.post(URL, json={"client": str(client.id)}, headers=headers)
    no_country = await http.post(
        URL, json={"client": str(client.id), "address": {"locality": "X"}}, headers=headers
    )
    unknown_client = await http.post(
        URL, json={"client": "999999", "address": {"country": "US"}}, headers=headers
    )
    bad = await http.post(
        URL,
        json={
            "client": client.id,
            "address": {"country": "XX"},
            "address_types": ["home"],
        },
        headers=headers,
    )

    # then
    assert no_client.status_code == 400
    assert no_client.json() == {
        "type": f"{RFC2616}#sec10.4.1",
        "title": "The field 'client' is required",
        "status": 400,
        "errors": {"client": ["This field is required."]},
    }
    assert no_address.status_code == 400
    assert no_country.status_code == 400
    assert no_country.json()["title"] == "The field 'address.country' is required"
    assert unknown_client.status_code == 422
    assert unknown_client.json()["type"] == UNPROCESSABLE
    assert list(unknown_client.json()["errors"]) == ["client"]
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"address.country", "address_types"}
    assert await address_count(session) == 0


async def test_update_address(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    default = await factories.create_address(session, client=client, is_default=True)
    other = await factories.create_address(session, client=client, locality="Old", postal_code="1")
    headers = await auth(graphql, staff)

    # when
    response = await http.patch(
        f"{URL}/{other.id}",
        json={
            "address": {"locality": "New"},
            "address_types": ["billing"],
            "default_address": True,
            "client": "999",
        },
        headers=headers,
    )

    # then
    assert response.status_code == 200, response.json()
    (row,) = response.json()["data"]
    assert row["address"]["locality"] == "New"
    assert row["address"]["postal_code"] == "1"
    assert row["address_types"] == [{"id": "billing", "label": "Billing"}]
    assert row["default_address"] is True
    assert row["client"] == str(client.id)
    previous = await session.get(models.Address, default.id)
    assert previous is not None
    assert previous.is_default is False


async def test_update_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    only = await factories.create_address(session, client=client, is_default=True)
    headers = await auth(graphql, staff)

    # when
    unknown = await http.patch(f"{URL}/999999", json={}, headers=headers)
    undefault = await http.patch(
        f"{URL}/{only.id}", json={"default_address": False}, headers=headers
    )

    # then
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Address with ID 999999 does not exist"
    assert undefault.status_code == 422
    assert list(undefault.json()["errors"]) == ["default_address"]


async def test_delete_address(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    default = await factories.create_address(session, client=client, is_default=True)
    other = await factories.create_address(session, client=client)
    headers = await auth(graphql, staff)

    # when
    response = await http.delete(f"{URL}/{default.id}", headers=headers)

    # then
    assert response.status_code == 204
    assert response.content == b""
    remaining = await session.get(models.Address, other.id)
    assert remaining is not None
    assert remaining.is_default is True
    assert await address_count(session) == 1


async def test_delete_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    client = await factories.create_client(session)
    only = await factories.create_address(session, client=client, is_default=True)
    headers = await auth(graphql, staff)

    # when
    unknown = await http.delete(f"{URL}/999999", headers=headers)
    last = await http.delete(f"{URL}/{only.id}", headers=headers)
    foreign = await http.delete(f"{URL}/{only.id}", headers=await auth(graphql, bidder))

    # then
    assert unknown.status_code == 404
    assert last.status_code == 422
    assert last.json()["title"] == "Cannot delete the only default address"
    assert foreign.status_code == 403
    assert await address_count(session) == 1


async def test_responses_match_their_declared_models(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    address = await factories.create_address(session, client=client, is_default=True)
    headers = await auth(graphql, staff)

    # when
    listed = await http.get(URL, headers=headers)
    got = await http.get(f"{URL}/{address.id}", headers=headers)

    # then
    ListEnvelope[Address].model_validate(listed.json(), strict=True)
    SingleEnvelope[Address].model_validate(got.json(), strict=True)
