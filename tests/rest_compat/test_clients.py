"""REST B1 clients: list (filters, sorts, pages, fields, search), get, create, update, connect,
merge; shapes compared field by field with B1.0."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db import models
from db.queries.client import MERGE_LOCKS
from rest_compat.circuit.clients import Client
from rest_compat.shapes import ListEnvelope, SingleEnvelope
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
UNPROCESSABLE = "https://tools.ietf.org/html/rfc4918#section-11.2"
URL = "/api/v1.0/datatable-clients"


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ids(body: dict[str, Any]) -> list[str]:
    return [row["id"] for row in body["data"]]


async def test_list_clients_shape(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session, full_name="Agent Smith")
    client = await factories.create_client(
        session,
        first_name="Adam",
        last_name="Smith",
        customer_number="C07246",
        birthdate=date(1970, 5, 17),
        tags=["VIP"],
        invoice_release_limit=Decimal("1500"),
        agent_user_id=staff.id,
        consignor_commissions=[{"step_from": "0.00", "consignor_commission": "15.00"}],
        default_payment_method="Cash",
        billing_instructions="internal",
    )
    address = await factories.create_address(
        session,
        client=client,
        is_default=True,
        country="US",
        administrative_area="NY",
        locality="New York",
        postal_code="10001",
        thoroughfare="1 Main Street",
    )
    await factories.create_order(session, client=client)
    client = await session.get(models.Client, client.id)  # type: ignore[assignment]
    assert client is not None

    # when
    response = await http.get(URL, headers=await auth(graphql, staff))

    # then
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["data", "count", "self"]
    assert body["count"] == 1
    assert body["self"] == {"title": "Self", "href": f"http://test{URL}"}
    (row,) = body["data"]
    balance = row.pop("balance")
    assert set(balance) == {"value", "formatted"}
    assert Decimal(balance["value"]) > 0
    assert balance["value"] == f"{Decimal(balance['value']):.2f}"
    assert row == {
        "id": str(client.id),
        "uuid": str(client.uuid),
        "label": "Adam Smith - C07246",
        "first_name": "Adam",
        "last_name": "Smith",
        "company": None,
        "position_company": None,
        "name_prefix": None,
        "override_salutation": None,
        "email": client.email,
        "secondary_email": None,
        "phone": None,
        "primary_phone": None,
        "office_phone": None,
        "mobile": None,
        "fax": None,
        "birthdate": "1970-05-17",
        "client_website": None,
        "website_language": None,
        "published": True,
        "status": {"id": "approved", "value": "approved", "label": "Approved"},
        "agent": {"id": str(staff.id), "label": "Agent Smith"},
        "responsible_user": [],
        "categories": [],
        "interested_in": [],
        "tags": [{"id": "VIP", "label": "VIP"}],
        "source": None,
        "bank_details": [],
        "default_payment_method": {"id": "Cash", "label": "Cash"},
        "invoice_release_limit": "1500.00",
        "consignor_commissions": [{"consignor_commission": "15.00", "step_from": "0.00"}],
        "additional_charges": [],
        "tax_type": None,
        "tax_id": None,
        "tax_state": None,
        "billing_instructions": "internal",
        "client_billing_instruction": None,
        "shipping_instructions": None,
        "shipping_instructions_client": None,
        "temp_shipping_instructions": None,
        "temp_si_dates_from": None,
        "temp_si_dates_to": None,
        "blocking_reason": None,
        "warning": None,
        "block_emails": False,
        "subscription_type": None,
        "expiration_date": None,
        "philaworksplace_id": "C07246",
        "external_ids": [],
        "customer_available_balance": None,
        "default_address_nid": str(address.id),
        "default_address_rendered": "Adam Smith\n1 Main Street\nNew York, NY 10001\nUnited States",
        "country": "US",
        "city": "New York",
        "state": "NY",
        "street": "1 Main Street",
        "postal_code": "10001",
        "last_name_company": "Smith",
        "bidder_number": client.bidder_number,
        "created": iso(client.created_at),
        "updated": iso(client.updated_at),
    }


async def test_pages_are_zero_indexed_and_count_is_before_pagination(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    clients = [await factories.create_client(session) for _ in range(5)]
    headers = await auth(graphql, staff)

    # when
    first = (await http.get(f"{URL}?range=2", headers=headers)).json()
    second = (await http.get(f"{URL}?range=2&page=1", headers=headers)).json()
    last = (await http.get(f"{URL}?range=2&page=2", headers=headers)).json()
    past = (await http.get(f"{URL}?range=2&page=9", headers=headers)).json()

    # then
    assert ids(first) == [str(c.id) for c in clients[:2]]
    assert ids(second) == [str(c.id) for c in clients[2:4]]
    assert ids(last) == [str(clients[4].id)]
    assert past == {"data": [], "count": 5, "self": past["self"]}
    assert first["count"] == second["count"] == last["count"] == 5
    assert first["next"] == {"title": "Next", "href": f"http://test{URL}?range=2&page=1"}
    assert second["next"]["href"] == f"http://test{URL}?range=2&page=2"
    assert "next" not in last


async def test_filters(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    ada = await factories.create_client(
        session,
        first_name="Ada",
        email="ada@example.com",
        phone="+1 555 0100",
        status=models.ClientStatus.APPROVED,
        default_payment_method="Cash",
    )
    bob = await factories.create_client(
        session,
        first_name="Bob",
        last_name=None,
        company="Bobco",
        email="bob@other.org",
        status=models.ClientStatus.PENDING,
        published=False,
    )
    cleo = await factories.create_client(
        session, first_name="Cleo", email="cleo@example.com", status=models.ClientStatus.NEW
    )
    await factories.create_address(
        session, client=ada, is_default=True, country="US", locality="Boston", postal_code="02101"
    )
    await factories.create_address(
        session, client=bob, is_default=True, country="GB", locality="London", postal_code="N1"
    )
    old = datetime(2020, 1, 1, tzinfo=UTC)
    await session.execute(
        sa.update(models.Client).where(models.Client.id == cleo.id).values(created_at=old)
    )
    headers = await auth(graphql, staff)
    cases = {
        "filter[status]=approved": [ada],
        "filter[status][value][0]=approved&filter[status][value][1]=new"
        "&filter[status][operator]=IN": [ada, cleo],
        "filter[status][value][0]=approved&filter[status][operator]=NOT IN": [bob, cleo],
        f"filter[uuid][value][0]={ada.uuid}&filter[uuid][value][1]={bob.uuid}"
        "&filter[uuid][operator]=IN": [ada, bob],
        f"filter[uuid]={cleo.uuid}": [cleo],
        "filter[country]=GB": [bob],
        "filter[country][value][0]=US&filter[country][value][1]=GB&filter[country][operator]=IN": [
            ada,
            bob,
        ],
        "filter[email]=@example\\.com$": [ada, cleo],
        "filter[email]=^BOB": [bob],
        "filter[first_name]=^(ada|cleo)$": [ada, cleo],
        "filter[phone]=555": [ada],
        "filter[city]=^lon": [bob],
        "filter[postal_code]=^021": [ada],
        f"filter[philaworksplace_id]={ada.customer_number}$": [ada],
        "filter[last_name_company]=^bobco$": [bob],
        "filter[default_payment_method]=Cash": [ada],
        "filter[published]=0": [bob],
        "filter[published]=true": [ada, cleo],
        "filter[created][value][to]=2020-01-01": [cleo],
        "filter[created][value][from]=2021-01-01": [ada, bob],
        "filter[updated][value][from]=2000-01-01T00:00:00Z": [ada, bob, cleo],
        "filter[email][value]=other&filter[email][operator]=LIKE": [bob],
        "filter[email][value]=%25.org&filter[email][operator]=like": [bob],
        "filter[first_name][value]=Bob&filter[first_name][operator]=!=": [ada, cleo],
        "filter[status]=approved&filter[country]=US": [ada],
        "global_search=bobco": [bob],
        "global_search=example ada": [ada],
        f"global_search={cleo.customer_number}": [cleo],
    }

    for query, expected in cases.items():
        # when
        response = await http.get(f"{URL}?{query}", headers=headers)

        # then
        assert response.status_code == 200, (query, response.json())
        body = response.json()
        assert ids(body) == [str(c.id) for c in expected], query
        assert body["count"] == len(expected), query


async def test_sorts(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    a = await factories.create_client(session, last_name="Zed", first_name="Al", email="c@x.io")
    b = await factories.create_client(
        session, last_name=None, company="Acme", first_name="Bo", email="a@x.io"
    )
    c = await factories.create_client(session, last_name="Moe", first_name="Cy", email="b@x.io")
    await factories.create_address(session, client=a, is_default=True, locality="Berlin")
    await factories.create_address(session, client=c, is_default=True, locality="Athens")
    headers = await auth(graphql, staff)
    cases = {
        "-id": [c, b, a],
        "last_name_company": [b, c, a],
        "-last_name_company": [a, c, b],
        "email": [b, c, a],
        "first_name": [a, b, c],
        "city": [c, a, b],
        "-city": [b, a, c],
        "status,-id": [c, b, a],
        "created,id": [a, b, c],
        "philaworksplace_id": [a, b, c],
    }

    for sort, expected in cases.items():
        # when
        response = await http.get(f"{URL}?sort={sort}", headers=headers)

        # then
        assert response.status_code == 200, (sort, response.json())
        assert ids(response.json()) == [str(x.id) for x in expected], sort


async def test_fields_selection(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session, first_name="Ada")
    headers = await auth(graphql, staff)

    # when
    listed = await http.get(f"{URL}?fields=status,first_name", headers=headers)
    got = await http.get(f"{URL}/{client.id}?fields=label", headers=headers)

    # then
    assert listed.json()["data"] == [
        {
            "id": str(client.id),
            "first_name": "Ada",
            "status": {"id": "approved", "value": "approved", "label": "Approved"},
        }
    ]
    label = f"Ada {client.last_name} - {client.customer_number}"
    assert got.json() == {"data": [{"id": str(client.id), "label": label}]}


async def test_list_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)

    # when
    bad_regex = await http.get(f"{URL}?filter[email]=(unclosed", headers=headers)
    bad_regexp_operator = await http.get(
        f"{URL}?filter[email][value]=a{{2,1}}&filter[email][operator]=REGEXP", headers=headers
    )
    unknown_filter = await http.get(f"{URL}?filter[nickname]=5", headers=headers)
    unknown_operator = await http.get(
        f"{URL}?filter[email][value]=x&filter[email][operator]=SOUNDEX", headers=headers
    )
    unknown_sort = await http.get(f"{URL}?sort=-foo", headers=headers)
    unknown_field = await http.get(f"{URL}?fields=id,x", headers=headers)
    bad_range = await http.get(f"{URL}?range=0", headers=headers)
    huge_range = await http.get(f"{URL}?range=100000", headers=headers)

    # then
    assert bad_regex.status_code == 400
    body = bad_regex.json()
    assert body["type"] == f"{RFC2616}#sec10.4.1"
    assert body["title"] == "Invalid regular expression"
    assert body["status"] == 400
    assert list(body["errors"]) == ["filter[email]"]
    assert bad_regexp_operator.status_code == 400
    assert unknown_filter.json() == {
        "type": f"{RFC2616}#sec10.4.1",
        "title": "Invalid filter",
        "status": 400,
        "detail": "Unknown filter field: nickname",
        "errors": {"filter[nickname]": ["Unknown filter field: nickname"]},
    }
    assert unknown_operator.status_code == 400
    assert unknown_operator.json()["errors"] == {
        "filter[email][operator]": ["Unsupported operator: SOUNDEX"]
    }
    assert unknown_sort.json() == {
        "type": f"{RFC2616}#sec10.4.1",
        "title": "Invalid sort field",
        "status": 400,
        "detail": "Unknown field: foo",
        "errors": {"sort": ["Unknown field: foo"]},
    }
    assert unknown_field.status_code == 400
    assert unknown_field.json()["errors"] == {"fields": ["Unknown field: x"]}
    assert bad_range.status_code == 400
    assert bad_range.json()["errors"] == {"range": ["`range` must be at least 1."]}
    assert huge_range.status_code == 200


async def test_token_mode_sees_only_its_own_client(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    other = await factories.create_client(session)
    headers = await auth(graphql, bidder)

    # when
    listed = await http.get(URL, headers=headers)
    own = await http.get(f"{URL}/{bidder.client_id}", headers=headers)
    foreign = await http.get(f"{URL}/{other.id}", headers=headers)

    # then
    assert ids(listed.json()) == [str(bidder.client_id)]
    assert listed.json()["count"] == 1
    assert own.status_code == 200
    assert own.json()["data"][0]["billing_instructions"] is None
    assert foreign.status_code == 403
    assert foreign.json() == {
        "type": f"{RFC2616}#sec10.4.4",
        "title": "Access denied",
        "status": 403,
        "detail": "You do not have permission to perform this action",
    }


async def test_get_unknown_client_is_404(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    response = await http.get(f"{URL}/999999", headers=await auth(graphql, staff))

    # then
    assert response.status_code == 404
    assert response.json() == {
        "type": f"{RFC2616}#sec10.4.5",
        "title": "Resource not found",
        "status": 404,
        "detail": "Client with ID 999999 does not exist",
    }


async def test_create_client_with_address_and_circuit_formats(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    stamps = await factories.create_category(session, name="Stamps")
    birth_ms = int(datetime(1980, 2, 3, tzinfo=UTC).timestamp() * 1000)
    body = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@example.com",
        "birthdate": birth_ms,
        "published": "0",
        "block_emails": 1,
        "status": "pending",
        "invoice_release_limit": 150050,
        "tags": ["VIP", "Navy"],
        "consignor_commissions": [{"step_from": 100000, "consignor_commission": "12.5%"}],
        "subscription_type": "both",
        "label": "ignored, read-only",
        "balance": 12,
        "categories": [stamps.id],
        "address": {
            "country": "uk",
            "locality": "London",
            "postal_code": "N1 9GU",
            "thoroughfare": "1 Upper Street",
        },
    }

    # when
    response = await http.post(URL, json=body, headers=await auth(graphql, staff))

    # then
    assert response.status_code == 201, response.json()
    (row,) = response.json()["data"]
    assert response.headers["location"] == f"http://test{URL}/{row['id']}"
    assert row["first_name"] == "Grace"
    assert row["birthdate"] == "1980-02-03"
    assert row["published"] is False
    assert row["block_emails"] is True
    assert row["status"] == {"id": "pending", "value": "pending", "label": "Pending"}
    assert row["invoice_release_limit"] == "1500.50"
    assert row["tags"] == [{"id": "VIP", "label": "VIP"}, {"id": "Navy", "label": "Navy"}]
    assert row["consignor_commissions"] == [
        {"consignor_commission": "12.50", "step_from": "1000.00"}
    ]
    assert row["categories"] == [{"id": str(stamps.id), "label": "Stamps"}]
    assert row["philaworksplace_id"].startswith("C")
    assert row["label"] == f"Grace Hopper - {row['philaworksplace_id']}"
    assert row["balance"] == {"value": "0.00", "formatted": "0.00"}
    assert row["country"] == "GB"
    assert row["city"] == "London"
    assert row["default_address_rendered"] == "1 Upper Street\nLondon, N1 9GU\nUnited Kingdom"
    address = await session.get(models.Address, int(row["default_address_nid"]))
    assert address is not None
    assert address.is_default
    assert sorted(address.address_types) == ["billing", "shipping"]
    activities = await session.scalar(
        sa.select(sa.func.count())
        .select_from(models.Activity)
        .where(models.Activity.entity_id == int(row["id"]))
    )
    assert activities


async def test_create_with_an_existing_uuid_updates_it(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session, first_name="Old", company="Keep")

    # when
    response = await http.post(
        URL,
        json={"uuid": str(client.uuid), "first_name": "New"},
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 200
    (row,) = response.json()["data"]
    assert (row["id"], row["first_name"], row["company"]) == (str(client.id), "New", "Keep")
    total = await session.scalar(sa.select(sa.func.count()).select_from(models.Client))
    assert total == 1


async def test_create_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    headers = await auth(graphql, staff)

    # when
    bad_email = await http.post(URL, json={"email": "nope"}, headers=headers)
    several = await http.post(
        URL,
        json={"email": "nope", "subscription_type": "fax", "status": "vip"},
        headers=headers,
    )
    bad_formats = await http.post(
        URL, json={"birthdate": "soon", "invoice_release_limit": "1.5"}, headers=headers
    )
    no_country = await http.post(URL, json={"address": {"locality": "Paris"}}, headers=headers)
    bad_country = await http.post(URL, json={"address": {"country": "XX"}}, headers=headers)
    not_json = await http.post(
        URL, content=b"{", headers={**headers, "Content-Type": "application/json"}
    )
    as_bidder = await http.post(URL, json={"first_name": "X"}, headers=await auth(graphql, bidder))

    # then
    assert bad_email.status_code == 422
    assert bad_email.json() == {
        "type": UNPROCESSABLE,
        "title": "Invalid email format",
        "status": 422,
        "detail": "Invalid email format",
        "errors": {"email": ["Invalid email format"]},
    }
    assert several.status_code == 422
    assert set(several.json()["errors"]) == {"email", "subscription_type", "status"}
    assert bad_formats.status_code == 422
    assert set(bad_formats.json()["errors"]) == {"birthdate", "invoice_release_limit"}
    assert no_country.status_code == 400
    assert no_country.json()["title"] == "The field 'address.country' is required"
    assert bad_country.status_code == 422
    assert list(bad_country.json()["errors"]) == ["address.country"]
    assert not_json.status_code == 400
    assert as_bidder.status_code == 403
    assert as_bidder.json()["title"] == "Access denied"
    # nothing was written by any of them
    total = await session.scalar(sa.select(sa.func.count()).select_from(models.Client))
    assert total == 1


async def test_update_client(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session, first_name="Ada", company="Keep")
    await factories.create_address(session, client=client, is_default=True, locality="Old")

    # when
    response = await http.patch(
        f"{URL}/{client.id}",
        json={
            "first_name": "Augusta",
            "phone": None,
            "status": "unapproved",
            "expiration_date": "2030-01-01",
            "address": {"locality": "New"},
            "id": "999",
            "created": "ignored",
        },
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 200, response.json()
    (row,) = response.json()["data"]
    assert row["id"] == str(client.id)
    assert row["first_name"] == "Augusta"
    assert row["company"] == "Keep"
    assert row["phone"] is None
    assert row["status"]["id"] == "unapproved"
    assert row["expiration_date"] == "2030-01-01"
    assert row["city"] == "New"


async def test_token_mode_update_rules(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    other = await factories.create_client(session)
    headers = await auth(graphql, bidder)
    own = f"{URL}/{bidder.client_id}"

    # when
    contact = await http.patch(
        own, json={"mobile": "+44 7700 900000", "balance": 5}, headers=headers
    )
    staff_field = await http.patch(own, json={"status": "approved"}, headers=headers)
    foreign = await http.patch(f"{URL}/{other.id}", json={"mobile": "1"}, headers=headers)

    # then
    assert contact.status_code == 200
    assert contact.json()["data"][0]["mobile"] == "+44 7700 900000"
    assert staff_field.status_code == 403
    assert staff_field.json()["title"] == "Access denied"
    assert foreign.status_code == 403


async def test_update_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    headers = await auth(graphql, staff)

    # when
    unknown = await http.patch(f"{URL}/999999", json={"first_name": "X"}, headers=headers)
    invalid = await http.patch(
        f"{URL}/{client.id}", json={"email": "bad", "first_name": "X"}, headers=headers
    )

    # then
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Client with ID 999999 does not exist"
    assert invalid.status_code == 422
    assert invalid.json()["errors"] == {"email": ["Invalid email format"]}
    client = await session.get(models.Client, client.id)  # type: ignore[assignment]
    assert client is not None
    assert client.first_name != "X"


async def test_connect_clients(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    a, b, c = [await factories.create_client(session) for _ in range(3)]
    headers = await auth(graphql, staff)
    body = {"clients": [str(a.id), b.id, str(c.id)], "primary_client": str(b.id)}

    # when
    first = await http.post("/api/v1.0/client-connect", json=body, headers=headers)
    again = await http.post("/api/v1.0/client-connect", json=body, headers=headers)

    # then
    assert first.status_code == 200
    assert first.json() == {
        "data": {"primary_client": str(b.id), "connected_clients": [str(a.id), str(c.id)]}
    }
    assert again.json() == first.json()


async def test_connect_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    a = await factories.create_client(session)
    b = await factories.create_client(session)
    headers = await auth(graphql, staff)
    url = "/api/v1.0/client-connect"

    # when
    one = await http.post(url, json={"clients": [str(a.id)]}, headers=headers)
    missing = await http.post(url, json={}, headers=headers)
    unknown = await http.post(url, json={"clients": [str(a.id), "999999"]}, headers=headers)
    outsider = await http.post(
        url, json={"clients": [str(a.id), str(b.id)], "primary_client": "999999"}, headers=headers
    )

    # then
    assert one.status_code == 400
    assert missing.status_code == 400
    assert missing.json()["title"] == "The field 'clients' is required"
    assert unknown.status_code == 422
    assert list(unknown.json()["errors"]) == ["clients"]
    assert outsider.status_code == 422
    assert "primary_client" in outsider.json()["errors"]


async def test_merge_clients(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    target = await factories.create_client(session)
    s1 = await factories.create_client(session)
    s2 = await factories.create_client(session)
    await factories.create_address(session, client=s1, is_default=True)

    # when
    response = await http.post(
        "/api/v1.0/client-merge",
        json={"source_clients": [str(s1.id), s2.id], "target_client": str(target.id)},
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "merged_client_id": str(target.id),
            "merged_count": 2,
            "deleted_clients": [str(s1.id), str(s2.id)],
        }
    }
    s1 = await session.get(models.Client, s1.id)  # type: ignore[assignment]
    assert s1 is not None
    assert s1.status is models.ClientStatus.DELETED
    assert s1.merged_into_id == target.id


async def test_merge_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    target = await factories.create_client(session)
    source = await factories.create_client(session)
    await factories.create_order(session, client=source)
    headers = await auth(graphql, staff)
    url = "/api/v1.0/client-merge"

    # when
    no_target = await http.post(url, json={"source_clients": [str(source.id)]}, headers=headers)
    itself = await http.post(
        url,
        json={"source_clients": [str(target.id)], "target_client": str(target.id)},
        headers=headers,
    )
    blocked = await http.post(
        url,
        json={
            "source_clients": [str(source.id)],
            "target_client": str(target.id),
            "merge_orders": "0",
        },
        headers=headers,
    )

    # then
    assert no_target.status_code == 400
    assert no_target.json()["title"] == "The field 'target_client' is required"
    assert itself.status_code == 422
    assert "target_client" in itself.json()["errors"]
    assert blocked.status_code == 422
    assert list(blocked.json()["errors"]) == ["merge_orders"]
    source = await session.get(models.Client, source.id)  # type: ignore[assignment]
    assert source is not None
    assert source.status is not models.ClientStatus.DELETED


async def test_merge_while_another_merge_holds_the_clients_is_409(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession, engine: AsyncEngine
) -> None:
    # given: another server process is merging the source (it holds its merge lock)
    staff = await factories.create_staff(session)
    target = await factories.create_client(session)
    source = await factories.create_client(session)
    headers = await auth(graphql, staff)
    body = {"source_clients": [str(source.id)], "target_client": str(target.id)}

    async with engine.connect() as other:
        await other.execute(sa.select(sa.func.pg_advisory_lock(MERGE_LOCKS, source.id)))

        # when
        response = await http.post("/api/v1.0/client-merge", json=body, headers=headers)
        await other.execute(sa.select(sa.func.pg_advisory_unlock(MERGE_LOCKS, source.id)))
    again = await http.post("/api/v1.0/client-merge", json=body, headers=headers)

    # then: refused with the A10 409 body and nothing merged; once it is done, a retry works
    assert response.status_code == 409
    message = "Another merge of these clients is running; try again when it has finished."
    assert response.json() == {
        "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.10",
        "title": message,
        "status": 409,
        "detail": message,
        "errors": {"_request": [message]},
    }
    assert again.status_code == 200
    assert again.json()["data"]["deleted_clients"] == [str(source.id)]


async def test_list_statements_do_not_grow_with_rows(
    http: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    count_queries: StatementCounter,
) -> None:
    # given
    staff = await factories.create_staff(session)
    agent = await factories.create_staff(session)
    headers = await auth(graphql, staff)
    one = await factories.create_client(session, agent_user_id=agent.id)
    await factories.create_address(session, client=one, is_default=True)
    with count_queries.counting():
        await http.get(URL, headers=headers)
    for _ in range(10):
        client = await factories.create_client(session, agent_user_id=agent.id)
        await factories.create_address(session, client=client, is_default=True)
    graphql.session.expunge_all()

    # when
    with count_queries.counting():
        response = await http.get(URL, headers=headers)
    many = count_queries.count

    # then
    assert response.json()["count"] == 11
    with count_queries.counting():
        await http.get(f"{URL}?range=1", headers=headers)
    assert count_queries.count == many


async def test_responses_match_their_declared_models(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session, agent_user_id=staff.id, tags=["VIP"])
    await factories.create_address(session, client=client, is_default=True)
    headers = await auth(graphql, staff)

    # when
    listed = await http.get(URL, headers=headers)
    got = await http.get(f"{URL}/{client.id}", headers=headers)

    # then
    ListEnvelope[Client].model_validate(listed.json(), strict=True)
    SingleEnvelope[Client].model_validate(got.json(), strict=True)


async def test_text_with_a_nul_character_is_422_and_writes_nothing(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)
    before = await session.scalar(sa.select(sa.func.count()).select_from(models.Client))
    body = {"first_name": "Ada\u0000", "last_name": "L", "address": {"city": "Lon\u0000don"}}

    # when
    response = await http.post(URL, json=body, headers=headers)

    # then
    assert response.status_code == 422
    message = "Text cannot contain NUL characters."
    assert response.json() == {
        "type": "https://tools.ietf.org/html/rfc4918#section-11.2",
        "title": message,
        "status": 422,
        "detail": message,
        "errors": {"first_name": [message], "address.city": [message]},
    }
    after = await session.scalar(sa.select(sa.func.count()).select_from(models.Client))
    assert after == before
