"""REST B5.0 descriptive item fields (provenance, year, catalogs, …): written on create, update,
items-bulk ``update_field`` and clone, read back in the spec's types; bad values are 422 with
every field named and nothing written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient

URL = "/api/v1.0/datatable-items"

SENT: dict[str, Any] = {
    "position_of_consignment": 4,
    "footer": "<p>Footer</p>",
    "caption": "Front view",
    "literature": "Smith 1990, p. 12",
    "essay": "<p>An essay</p>",
    "provenance": "Private collection, Paris",
    "ex": "Ex Rothschild",
    "type": "artwork",
    "grade": "VF",
    "year": "1850",
    "consignor_reference_number": "REF-7",
    "estimate_internal": 150000,
    "retail_price": "99950",
    "buy_now_setting": "enabled",
    "reserve_type": "fixed",
    "video_url": "https://example.test/v.mp4",
    "pdf_url": "/files/lot.pdf",
    "certificate_link": "https://example.test/cert",
    "reference_link": "example.test/ref",
    "product_tax_code": "PTC-1",
    "harmonized_code": "9701.10",
    "signed_locations": "lower right",
    "art_work_type": "painting",
    "shipping_id": 12,
    "post_sale": "1",
    "public_message": "Viewing by appointment",
    "dont_pay_consignor_note": "Awaiting provenance papers",
    "printing_options": "full page",
    "hide_sold_information": True,
    "catalogs": [
        {
            "catalog_number": "123a",
            "catalog_name": "Michel",
            "ordering_number": 1,
            "catalog_value": 25050,
        },
        {"catalog_name": "Scott"},
    ],
}
READ: dict[str, Any] = {
    **{name: value for name, value in SENT.items() if name != "catalogs"},
    "item_type": "artwork",
    "year": 1850,
    "estimate_internal": "1500.00",
    "retail_price": "999.50",
    "post_sale": True,
    "catalogs": [
        {
            "catalog_number": "123a",
            "catalog_name": "Michel",
            "ordering_number": 1,
            "catalog_value": "250.50",
        },
        {
            "catalog_number": "",
            "catalog_name": "Scott",
            "ordering_number": None,
            "catalog_value": None,
        },
    ],
}
"""What B5.0 reads back for ``SENT`` (the spec's read types)."""


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


async def item_count(session: AsyncSession) -> int:
    return (await session.execute(sa.select(sa.func.count()).select_from(models.Item))).scalar_one()


async def item_activities(session: AsyncSession) -> list[models.Activity]:
    result = await session.execute(
        sa.select(models.Activity)
        .where(col(models.Activity.entity_type) == models.EntityType.ITEM)
        .order_by(col(models.Activity.id))
    )
    return list(result.scalars())


async def test_every_field_round_trips_through_create_get_and_patch(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    headers = await auth(graphql, staff)

    # when
    created = await http.post(
        f"{URL}?sale_id={sale.id}",
        json={"consignment": consignment.id, "subtitle": "A view of Paris", **SENT},
        headers=headers,
    )
    item_id = created.json()["data"][0]["id"]
    fetched = await http.get(f"{URL}/{item_id}", headers=headers)
    patched = await http.patch(
        f"{URL}/{item_id}",
        json={
            "provenance": None,
            "year": -300,
            "post_sale": "false",
            "position_of_consignment": "0",
            "retail_price": None,
            "catalogs": [{"catalog_number": "9", "catalog_value": "100"}],
        },
        headers=headers,
    )
    refetched = await http.get(f"{URL}/{item_id}", headers=headers)

    # then
    assert created.status_code == 201, created.json()
    for response in (created, fetched):
        (row,) = response.json()["data"]
        assert {name: row[name] for name in READ} == READ
    assert patched.status_code == 200, patched.json()
    changed = {
        **READ,
        "provenance": None,
        "year": -300,
        "post_sale": False,
        "position_of_consignment": 0,
        "retail_price": None,
        "catalogs": [
            {
                "catalog_number": "9",
                "catalog_name": "",
                "ordering_number": None,
                "catalog_value": "1.00",
            }
        ],
    }
    for response in (patched, refetched):
        (row,) = response.json()["data"]
        assert {name: row[name] for name in changed} == changed
    create, update = await item_activities(session)
    assert create.changes["provenance"] == {"before": None, "after": "Private collection, Paris"}
    assert create.changes["catalogs"]["after"][0]["catalog_value"] == "250.50"
    assert update.changes["provenance"] == {"before": "Private collection, Paris", "after": None}
    assert update.changes["year"] == {"before": 1850, "after": -300}
    assert update.changes["retail_price"] == {"before": "999.50", "after": None}
    assert "essay" not in update.changes


async def test_bad_formats_are_422_for_every_field(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session, year=1900)
    headers = await auth(graphql, staff)

    # when
    response = await http.patch(
        f"{URL}/{item.id}",
        json={
            "year": "1850s",
            "post_sale": "maybe",
            "retail_price": 12.5,
            "catalogs": [{"catalog_name": "Michel", "catalog_value": "2.5"}],
        },
        headers=headers,
    )

    # then
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {
        "year",
        "post_sale",
        "retail_price",
        "catalogs[0].catalog_value",
    }
    stored = await session.get_one(models.Item, item.id, populate_existing=True)
    assert stored.year == 1900
    assert await item_activities(session) == []


async def test_values_out_of_bounds_are_422_together_and_nothing_is_written(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    item = await factories.create_item(
        session, sale=sale, consignment=consignment, provenance="Kept", year=1900
    )
    headers = await auth(graphql, staff)
    bad = {
        "year": 10000,
        "position_of_consignment": -1,
        "shipping_id": 2**31,
        "provenance": 12,
        "grade": "x" * 256,
        "video_url": "https://example.test/" + "v" * 2048,
        "post_sale": None,
        "estimate_internal": -100,
        "catalogs": [
            {"catalog_name": "Michel", "catalog_value": -5, "ordering_number": -1},
            {"catalog_value": 100},
            "Scott",
        ],
    }
    before = await item_count(session)

    # when
    created = await http.post(
        f"{URL}?sale_id={sale.id}",
        json={"consignment": consignment.id, "subtitle": "X", **bad},
        headers=headers,
    )
    patched = await http.patch(f"{URL}/{item.id}", json=bad, headers=headers)

    # then
    for response in (created, patched):
        assert response.status_code == 422, response.json()
        body = response.json()
        assert body["status"] == 422
        assert body["errors"] == {
            "year": ["`year` must be from -9999 to 9999."],
            "position_of_consignment": ["`positionOfConsignment` must be from 0 to 2147483647."],
            "shipping_id": ["`shippingId` must be from 0 to 2147483647."],
            "provenance": ["`provenance` must be text."],
            "grade": ["`grade` must be at most 255 characters."],
            "video_url": ["`videoUrl` must be at most 2048 characters."],
            "post_sale": ["`postSale` cannot be null."],
            "estimate_internal": ["`estimateInternal` must not be negative."],
            "catalogs[0].ordering_number": ["The ordering number must be a whole number >= 0."],
            "catalogs[0].catalog_value": [
                "The catalogue value must be zero or more, with at most two decimals."
            ],
            "catalogs[1]": ["A catalogue row needs a catalogue name or number."],
            "catalogs[2]": ["Must be an object."],
        }
    assert await item_count(session) == before
    stored = await session.get_one(models.Item, item.id, populate_existing=True)
    assert (stored.provenance, stored.year, stored.catalogs) == ("Kept", 1900, [])
    assert await item_activities(session) == []


async def test_staff_only_fields_are_null_for_a_bidder(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    item = await factories.create_item(
        session,
        consignor_reference_number="REF-7",
        estimate_internal=Decimal("1500"),
        dont_pay_consignor_note="Papers missing",
        provenance="Private collection",
        retail_price=Decimal("999.50"),
    )

    # when
    response = await http.get(f"{URL}/{item.id}", headers=await auth(graphql, bidder))

    # then
    (row,) = response.json()["data"]
    assert row["consignor_reference_number"] is None
    assert row["estimate_internal"] is None
    assert row["dont_pay_consignor_note"] is None
    assert row["provenance"] == "Private collection"
    assert row["retail_price"] == "999.50"


async def test_bulk_update_field_writes_a_descriptive_field(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    a = await factories.create_item(session)
    b = await factories.create_item(session)
    headers = await auth(graphql, staff)

    # when
    done = await http.post(
        "/api/v1.0/items-bulk",
        json={
            "operation": "update_field",
            "items": [a.id, b.id],
            "field": "provenance",
            "value": "Estate of A. Smith",
        },
        headers=headers,
    )
    refused = await http.post(
        "/api/v1.0/items-bulk",
        json={"operation": "update_field", "items": [a.id], "field": "year", "value": 123456},
        headers=headers,
    )

    # then
    assert done.status_code == 200, done.json()
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["items.0.year"]
    for item in (a, b):
        stored = await session.get_one(models.Item, item.id, populate_existing=True)
        assert stored.provenance == "Estate of A. Smith"
        assert stored.year is None


async def test_clone_copies_the_descriptive_fields(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    catalogs = [
        {
            "catalog_name": "Michel",
            "catalog_number": "1",
            "ordering_number": 1,
            "catalog_value": "10.00",
        }
    ]
    source = await factories.create_item(
        session,
        provenance="Private collection",
        year=1850,
        retail_price=Decimal("99.50"),
        post_sale=True,
        consignor_reference_number="REF-7",
        catalogs=catalogs,
    )
    headers = await auth(graphql, staff)

    # when
    response = await http.post(
        "/api/v1.0/item-clone-or-move",
        json={
            "items": [source.id],
            "operation": "clone",
            "target_sale": sale.id,
            "target_consignment": consignment.id,
        },
        headers=headers,
    )
    (copy_id,) = response.json()["data"]["new_item_ids"]
    copy = await http.get(f"{URL}/{copy_id}", headers=headers)

    # then
    (row,) = copy.json()["data"]
    assert {
        name: row[name]
        for name in (
            "provenance",
            "year",
            "retail_price",
            "post_sale",
            "consignor_reference_number",
            "catalogs",
        )
    } == {
        "provenance": "Private collection",
        "year": 1850,
        "retail_price": "99.50",
        "post_sale": True,
        "consignor_reference_number": "REF-7",
        "catalogs": catalogs,
    }
