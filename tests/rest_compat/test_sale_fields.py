"""REST B6: the sale fields stored since the ``morefields`` migration (dates in ms read as ISO,
booleans, the post-sale discount percentage, external id rows replaced as a whole) and the
computed ``image_stats`` and ``sale_url``."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from server.settings import Settings
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

URL = "/api/v1.0/datatable-sales"
MOMENT = datetime(2026, 10, 1, 18, 30, tzinfo=UTC)
MS = int(MOMENT.timestamp() * 1000)

NEW_FIELDS = {
    "auto_sync_image_end_date": MS,
    "post_sale_discount": 12.5,
    "initial_finder_fees_orders": "FF-1",
    "next_consignment_notice": "Consign by 1 September",
    "date_and_location_string": "1 October 2026, Vienna",
    "item_images_dir": "/images/autumn",
    "sync_active": "1",
    "display_live_links": True,
    "pdf_link": "https://example.com/a.pdf",
    "pdf_sale_result": "https://example.com/results.pdf",
    "e_book_link": "https://example.com/book",
    "external_ids": [{"system": {"id": "7", "label": "Delcampe"}, "external_id": "D-1"}],
}
READ_BACK = {
    "auto_sync_image_end_date": "2026-10-01T18:30:00Z",
    "post_sale_discount": 12.5,
    "initial_finder_fees_orders": "FF-1",
    "next_consignment_notice": "Consign by 1 September",
    "date_and_location_string": "1 October 2026, Vienna",
    "item_images_dir": "/images/autumn",
    "sync_active": True,
    "display_live_links": True,
    "pdf_link": "https://example.com/a.pdf",
    "pdf_sale_result": "https://example.com/results.pdf",
    "e_book_link": "https://example.com/book",
    "external_ids": [{"system": {"id": "Delcampe", "label": "Delcampe"}, "external_id": "D-1"}],
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings with a public site."""
    return settings.model_copy(update={"public_url": "https://auctions.example.com/"})


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


async def sale_activities(session: AsyncSession) -> list[models.Activity]:
    session.expunge_all()
    result = await session.execute(
        sa.select(models.Activity)
        .where(models.Activity.entity_type == models.EntityType.SALE)
        .order_by(models.Activity.id)
    )
    return list(result.scalars())


async def test_create_get_and_patch_round_trip(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)

    # when
    created = await http.post(URL, json={"label": "Autumn", **NEW_FIELDS}, headers=headers)
    sale_id = created.json()["data"][0]["id"]
    got = await http.get(f"{URL}/{sale_id}", headers=headers)
    patched = await http.patch(
        f"{URL}/{sale_id}",
        json={
            "post_sale_discount": "10",
            "sync_active": 0,
            "pdf_link": None,
            "external_ids": [
                {"system": "Philasearch", "external_id": "P-9"},
                {"system": "7", "external_id": "D-2"},
            ],
        },
        headers=headers,
    )
    cleared = await http.patch(f"{URL}/{sale_id}", json={"external_ids": []}, headers=headers)

    # then
    assert created.status_code == 201, created.json()
    (row,) = created.json()["data"]
    assert {name: row[name] for name in READ_BACK} == READ_BACK
    assert got.json()["data"][0] == row
    assert patched.status_code == 200, patched.json()
    (after,) = patched.json()["data"]
    assert after["post_sale_discount"] == 10.0
    assert after["sync_active"] is False
    assert after["pdf_link"] is None
    assert after["pdf_sale_result"] == "https://example.com/results.pdf"
    assert after["external_ids"] == [
        {"system": {"id": "Philasearch", "label": "Philasearch"}, "external_id": "P-9"},
        {"system": {"id": "7", "label": "7"}, "external_id": "D-2"},
    ]
    assert cleared.json()["data"][0]["external_ids"] == []
    stored = await session.get(models.Sale, int(sale_id))
    assert stored is not None
    assert stored.post_sale_discount == Decimal("10.00")
    assert stored.auto_sync_image_end_date == MOMENT
    create, update, clear = await sale_activities(session)
    assert create.changes["post_sale_discount"] == {"before": None, "after": "12.50"}
    assert create.changes["auto_sync_image_end_date"]["after"] == MOMENT.isoformat()
    assert update.changes["sync_active"] == {"before": True, "after": False}
    assert update.changes["external_ids"]["after"][0] == {
        "system": "Philasearch",
        "external_id": "P-9",
    }
    assert clear.changes["external_ids"]["after"] == []


async def test_bad_values_are_422_and_nothing_is_written(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session, title="Same")
    headers = await auth(graphql, staff)

    # when
    formats = await http.patch(
        f"{URL}/{sale.id}",
        json={
            "label": "Changed",
            "post_sale_discount": "a lot",
            "sync_active": "maybe",
            "auto_sync_image_end_date": "soon",
        },
        headers=headers,
    )
    rules = await http.patch(
        f"{URL}/{sale.id}",
        json={
            "label": "Changed",
            "post_sale_discount": 150,
            "external_ids": [{"system": "Delcampe", "external_id": ""}, "D-3"],
        },
        headers=headers,
    )
    on_create = await http.post(
        URL, json={"label": "New", "post_sale_discount": -1}, headers=headers
    )

    # then
    assert formats.status_code == 422
    assert set(formats.json()["errors"]) == {
        "post_sale_discount",
        "sync_active",
        "auto_sync_image_end_date",
    }
    assert rules.status_code == 422
    assert rules.json()["errors"] == {
        "post_sale_discount": ["`postSaleDiscount` must be between 0 and 100."],
        "external_ids[0].external_id": ["The external id is required."],
        "external_ids[1]": ["Must be an object."],
    }
    assert on_create.status_code == 422
    assert list(on_create.json()["errors"]) == ["post_sale_discount"]
    session.expunge_all()
    stored = await session.get(models.Sale, sale.id)
    assert stored is not None
    assert (stored.title, stored.post_sale_discount, stored.external_ids) == ("Same", None, [])
    total = await session.scalar(sa.select(sa.func.count()).select_from(models.Sale))
    assert total == 1
    assert await sale_activities(session) == []


async def test_image_stats_and_sale_url(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    pictured = await factories.create_item(session, sale=sale)
    await factories.create_file(session, item=pictured, position=0)
    await factories.create_file(session, item=pictured, position=1)
    await factories.create_item(session, sale=sale)
    await factories.create_item(session, sale=sale)
    empty = await factories.create_sale(session)

    # when
    response = await http.get(
        f"{URL}?fields=id,image_stats,sale_url,saleWebsiteLink&sort=id",
        headers=await auth(graphql, staff),
    )

    # then
    assert response.json()["data"] == [
        {
            "id": str(sale.id),
            "image_stats": {"items_with_images": 1, "items_without_images": 2},
            "sale_url": f"https://auctions.example.com/sales/{sale.id}",
            "saleWebsiteLink": f"https://auctions.example.com/sales/{sale.id}",
        },
        {
            "id": str(empty.id),
            "image_stats": {"items_with_images": 0, "items_without_images": 0},
            "sale_url": f"https://auctions.example.com/sales/{empty.id}",
            "saleWebsiteLink": f"https://auctions.example.com/sales/{empty.id}",
        },
    ]


async def test_lots_link_to_their_public_page(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    lot = await factories.create_item(session)

    # when
    response = await http.get(
        f"/api/v1.0/datatable-items/{lot.id}?fields=itemWebsiteLink",
        headers=await auth(graphql, staff),
    )
    graph = await graphql.data(
        "query($id: ID!) { node(id: $id) { ... on Item { publicUrl } } }",
        {"id": to_base64("Item", lot.id)},
    )

    # then
    link = f"https://auctions.example.com/lots/{lot.id}"
    assert response.json()["data"] == [{"id": str(lot.id), "itemWebsiteLink": link}]
    assert graph == {"node": {"publicUrl": link}}


async def test_list_statement_count_does_not_grow_with_rows(
    http: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    count_queries: StatementCounter,
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)
    first = await factories.create_sale(session)
    await factories.create_file(session, item=await factories.create_item(session, sale=first))
    with count_queries.counting():
        await http.get(URL, headers=headers)
    one = count_queries.count
    for _ in range(5):
        sale = await factories.create_sale(session)
        item = await factories.create_item(session, sale=sale)
        await factories.create_file(session, item=item)
    graphql.session.expunge_all()

    # when
    with count_queries.counting():
        response = await http.get(URL, headers=headers)

    # then
    assert response.json()["count"] == 6
    assert count_queries.count == one


async def test_back_office_settings_are_hidden_from_bidders(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    sale = await factories.create_sale(
        session,
        item_images_dir="/srv/images",
        sync_active=True,
        initial_finder_fees_orders="FF",
        auto_sync_image_end_date=MOMENT,
        external_ids=[{"system": "Delcampe", "external_id": "D-1"}],
        pdf_link="https://example.com/a.pdf",
        post_sale_discount=Decimal("5"),
    )

    # when
    response = await http.get(f"{URL}/{sale.id}", headers=await auth(graphql, bidder))

    # then
    (row,) = response.json()["data"]
    assert row["pdf_link"] == "https://example.com/a.pdf"
    assert row["post_sale_discount"] == 5.0
    assert row["item_images_dir"] is None
    assert row["sync_active"] is None
    assert row["initial_finder_fees_orders"] is None
    assert row["auto_sync_image_end_date"] is None
    assert row["external_ids"] == []
