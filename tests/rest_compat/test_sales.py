"""REST B6 sales: list (filters, sorts), get, create, update; shapes compared field by field
with B6.0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from rest_compat.circuit.sales import FIELDS, Sale
from rest_compat.shapes import ListEnvelope, SingleEnvelope
from tests import factories
from tests.graphql_client import GraphQLClient

UNPROCESSABLE = "https://tools.ietf.org/html/rfc4918#section-11.2"
URL = "/api/v1.0/datatable-sales"


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def ids(body: dict[str, Any]) -> list[str]:
    return [row["id"] for row in body["data"]]


async def activities(session: AsyncSession) -> list[tuple[str, int]]:
    session.expunge_all()
    result = await session.execute(
        sa.select(models.Activity.action, models.Activity.entity_id)
        .where(models.Activity.entity_type == models.EntityType.SALE)
        .order_by(models.Activity.id)
    )
    return [(a, i) for a, i in result.all()]


async def test_list_sales_shape(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    sale = await factories.create_sale(
        session,
        title="Summer Auction 2025",
        subtitle="Stamps",
        sale_number="SALE-2025-001",
        kind=models.SaleKind.LIVE,
        starts_at=start - timedelta(days=10),
        ends_at=start + timedelta(days=1),
        live_starts_at=start,
        live_ends_at=start + timedelta(hours=5),
        buyers_premium_rate=Decimal("0.2"),
        venue="Hall A",
        auctioneer_name="Mr Hammer",
        lots_locked=True,
    )
    await factories.create_item(session, sale=sale, hammer_price=Decimal("120.50"))
    await factories.create_item(session, sale=sale)
    await factories.create_consignment(session, sale=sale)

    # when
    response = await http.get(URL, headers=await auth(graphql, staff))

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (row,) = body["data"]
    assert list(row) == list(FIELDS)
    assert row == {
        "id": str(sale.id),
        "uuid": str(sale.uuid),
        "label": "Summer Auction 2025",
        "subtitle": "Stamps",
        "description": None,
        "published": True,
        "status": {"id": "upcoming", "value": "upcoming", "label": "Upcoming"},
        "sale_type": "live",
        "sale_number": "SALE-2025-001",
        "auctioneer_name": "Mr Hammer",
        "sale_date": iso(start),
        "mail_sale_date_from": iso(start - timedelta(days=10)),
        "mail_sale_date_to": iso(start + timedelta(days=1)),
        "live_sale_date_from": iso(start),
        "live_sale_date_to": iso(start + timedelta(hours=5)),
        "last_date_for_consignment": None,
        "auto_sync_image_end_date": None,
        "buyers_premium": "20%",
        "post_sale_discount": None,
        "initial_finder_fees_orders": None,
        "additional_charges": [],
        "bid_steps": None,
        "lots_locked": True,
        "next_consignment_notice": None,
        "date_and_location_string": None,
        "item_images_dir": None,
        "sync_active": False,
        "display_live_links": False,
        "hide_sold_information": False,
        "hide_sale": False,
        "pdf_link": None,
        "pdf_sale_result": None,
        "e_book_link": None,
        "departments": [],
        "external_ids": [],
        "catalog": None,
        "venue": "Hall A",
        "currency": "EUR",
        "item_count": 2,
        "consignment_count": 1,
        "total_estimates": "200.00",
        "total_hammer_price": "120.50",
        "logo": None,
        "image_stats": {"items_with_images": 0, "items_without_images": 2},
        "sale_url": None,
        "saleWebsiteLink": None,
        "migrate_item_info": None,
        "migrate_delcampe_info": None,
        "migrate_san_info": None,
        "created": iso(sale.created_at),
        "updated": iso(sale.updated_at),
    }


async def test_filters(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    now = datetime.now(UTC)
    draft = await factories.create_sale(session, published=False, starts_at=now)
    running = await factories.create_sale(session, starts_at=now - timedelta(days=40))
    closed = await factories.create_sale(
        session,
        kind=models.SaleKind.LIVE,
        starts_at=now - timedelta(days=90),
        ends_at=now - timedelta(days=89),
    )
    headers = await auth(graphql, staff)
    day = (now - timedelta(days=40)).date().isoformat()
    cases = {
        "filter[status]=draft": [draft],
        "filter[status][value][0]=draft&filter[status][value][1]=closed": [draft, closed],
        "filter[published]=0": [draft],
        "filter[published]=true": [running, closed],
        "filter[sale_type]=live": [closed],
        "filter[sale_type]=online": [draft, running],
        f"filter[sale_date][value][from]={day}&filter[sale_date][value][to]={day}": [running],
        f"filter[sale_date][value][to]={day}": [running, closed],
    }

    for query, expected in cases.items():
        # when
        response = await http.get(f"{URL}?{query}&sort=id", headers=headers)

        # then
        assert response.status_code == 200, (query, response.json())
        assert ids(response.json()) == [str(s.id) for s in expected], query
        assert response.json()["count"] == len(expected)


async def test_sorts(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    now = datetime.now(UTC)
    a = await factories.create_sale(
        session, title="Beta", sale_number="S-2", starts_at=now - timedelta(days=1)
    )
    b = await factories.create_sale(
        session, title="Alpha", sale_number="S-3", starts_at=now + timedelta(days=3)
    )
    c = await factories.create_sale(
        session,
        title="Gamma",
        sale_number="S-1",
        starts_at=now + timedelta(days=1),
        published=False,
    )
    headers = await auth(graphql, staff)
    cases = {
        "": [b, c, a],
        "id": [a, b, c],
        "-id": [c, b, a],
        "label": [b, a, c],
        "-label": [c, a, b],
        "sale_date": [a, c, b],
        "sale_number": [c, a, b],
        "status,id": [c, a, b],
        "created,id": [a, b, c],
        "-updated,-id": [c, b, a],
    }

    for sort, expected in cases.items():
        # when
        response = await http.get(f"{URL}?sort={sort}" if sort else URL, headers=headers)

        # then
        assert response.status_code == 200, (sort, response.json())
        assert ids(response.json()) == [str(x.id) for x in expected], sort


async def test_list_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)

    # when
    bad_sort = await http.get(f"{URL}?sort=title", headers=headers)
    bad_filter = await http.get(f"{URL}?filter[catalog_x]=1", headers=headers)
    bad_status = await http.get(f"{URL}?filter[status]=open", headers=headers)
    anonymous = await http.get(URL)

    # then
    assert bad_sort.status_code == 400
    assert bad_sort.json()["errors"] == {"sort": ["Unknown field: title"]}
    assert bad_filter.status_code == 400
    assert bad_filter.json()["title"] == "Invalid filter"
    assert bad_status.status_code == 400
    assert list(bad_status.json()["errors"]) == ["filter[status]"]
    assert anonymous.status_code == 401


async def test_get_sale_and_404(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    sale = await factories.create_sale(session, title="One")
    hidden = await factories.create_sale(session, published=False)
    headers = await auth(graphql, staff)

    # when
    got = await http.get(f"{URL}/{sale.id}?fields=label", headers=headers)
    missing = await http.get(f"{URL}/999999", headers=headers)
    draft_for_bidder = await http.get(f"{URL}/{hidden.id}", headers=await auth(graphql, bidder))

    # then
    assert got.status_code == 200
    assert got.json() == {"data": [{"id": str(sale.id), "label": "One"}]}
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Sale with ID 999999 does not exist"
    assert draft_for_bidder.status_code == 404


async def test_create_sale_with_circuit_formats(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    catalog = await factories.create_term(session, vocabulary="catalogs", name="Autumn catalogue")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)

    # when
    response = await http.post(
        URL,
        json={
            "label": "Autumn",
            "sale_type": "online",
            "sale_number": "A-1",
            "published": "1",
            "mail_sale_date_from": ms(start),
            "mail_sale_date_to": ms(start + timedelta(days=7)),
            "buyers_premium": "22.5%",
            "status": "closed",
            "hide_sale": True,
            "catalog": str(catalog.id),
        },
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 201, response.json()
    (row,) = response.json()["data"]
    assert response.headers["Location"] == f"http://test{URL}/{row['id']}"
    assert row["label"] == "Autumn"
    assert row["sale_type"] == "online"
    assert row["published"] is True
    assert row["status"]["id"] == "upcoming"
    assert row["mail_sale_date_from"] == iso(start)
    assert row["mail_sale_date_to"] == iso(start + timedelta(days=7))
    assert row["sale_date"] == iso(start)
    assert row["buyers_premium"] == "22.5%"
    assert row["hide_sale"] is True
    assert row["catalog"] == {"id": str(catalog.id), "label": "Autumn catalogue"}
    stored = await session.get(models.Sale, int(row["id"]))
    assert stored is not None
    assert stored.buyers_premium_rate == Decimal("0.225")
    assert stored.kind is models.SaleKind.TIMED
    assert await activities(session) == [("create", stored.id)]


async def test_create_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    taken = await factories.create_sale(session, sale_number="TAKEN")
    headers = await auth(graphql, staff)
    start = datetime(2026, 9, 1, tzinfo=UTC)

    # when
    reversed_dates = await http.post(
        URL,
        json={
            "label": "X",
            "mail_sale_date_from": ms(start),
            "mail_sale_date_to": ms(start - timedelta(days=1)),
            "live_sale_date_from": ms(start),
            "live_sale_date_to": ms(start - timedelta(days=1)),
        },
        headers=headers,
    )
    no_label = await http.post(URL, json={"subtitle": "X"}, headers=headers)
    duplicate = await http.post(URL, json={"label": "X", "sale_number": "TAKEN"}, headers=headers)
    bad_formats = await http.post(
        URL,
        json={"label": "X", "sale_type": "silent", "published": "maybe", "live_sale_date_to": "x"},
        headers=headers,
    )
    hybrid = await http.post(URL, json={"label": "X", "sale_type": "hybrid"}, headers=headers)
    as_bidder = await http.post(URL, json={"label": "X"}, headers=await auth(graphql, bidder))

    # then
    assert reversed_dates.status_code == 422
    assert reversed_dates.json()["type"] == UNPROCESSABLE
    assert set(reversed_dates.json()["errors"]) == {"mail_sale_date_to", "live_sale_date_to"}
    assert no_label.status_code == 422
    assert list(no_label.json()["errors"]) == ["label"]
    assert duplicate.status_code == 422
    assert list(duplicate.json()["errors"]) == ["sale_number"]
    assert bad_formats.status_code == 422
    assert set(bad_formats.json()["errors"]) == {"sale_type", "published", "live_sale_date_to"}
    assert hybrid.status_code == 422
    assert hybrid.json()["errors"] == {"sale_type": ["Hybrid sales are not supported."]}
    assert as_bidder.status_code == 403
    total = await session.scalar(sa.select(sa.func.count()).select_from(models.Sale))
    assert total == 1
    assert taken.id is not None
    assert await activities(session) == []


async def test_update_sale(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session, title="Old", venue="Keep")
    start = datetime(2026, 10, 1, 18, 0, tzinfo=UTC)

    # when
    response = await http.patch(
        f"{URL}/{sale.id}",
        json={"label": "New", "live_sale_date_from": ms(start), "lots_locked": 1},
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 200, response.json()
    (row,) = response.json()["data"]
    assert list(row) == list(FIELDS)
    assert row["label"] == "New"
    assert row["venue"] == "Keep"
    assert row["live_sale_date_from"] == iso(start)
    assert row["sale_date"] == iso(start)
    assert row["lots_locked"] is True
    assert await activities(session) == [("update", sale.id)]


async def test_update_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    sale = await factories.create_sale(session, title="Same")
    headers = await auth(graphql, staff)

    # when
    missing = await http.patch(f"{URL}/999999", json={"label": "X"}, headers=headers)
    empty_label = await http.patch(f"{URL}/{sale.id}", json={"label": ""}, headers=headers)
    as_bidder = await http.patch(
        f"{URL}/{sale.id}", json={"label": "X"}, headers=await auth(graphql, bidder)
    )

    # then
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Sale with ID 999999 does not exist"
    assert empty_label.status_code == 422
    assert list(empty_label.json()["errors"]) == ["label"]
    assert as_bidder.status_code == 403
    session.expunge_all()
    stored = await session.get(models.Sale, sale.id)
    assert stored is not None
    assert stored.title == "Same"
    assert await activities(session) == []


async def test_responses_match_their_declared_models(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    await factories.create_item(session, sale=sale)
    headers = await auth(graphql, staff)

    # when
    listed = await http.get(URL, headers=headers)
    got = await http.get(f"{URL}/{sale.id}", headers=headers)

    # then
    ListEnvelope[Sale].model_validate(listed.json(), strict=True)
    SingleEnvelope[Sale].model_validate(got.json(), strict=True)
