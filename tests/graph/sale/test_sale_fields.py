"""The sale fields stored since the ``morefields`` migration, through GraphQL: written by
createSale/updateSale, read back (internal ones staff-only), image counts and the public URL."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from server.settings import Settings
from tests import factories
from tests.graphql_client import GraphQLClient

FIELDS = """
  databaseId postSaleDiscount nextConsignmentNotice dateAndLocationString displayLiveLinks
  pdfLink pdfSaleResult eBookLink autoSyncImageEndDate initialFinderFeesOrders itemImagesDir
  syncActive externalIds { system externalId } itemsWithImages itemsWithoutImages publicUrl
"""
CREATE_SALE_MUTATION = f"""
mutation Create($input: CreateSaleInput!) {{
  createSale(input: $input) {{ sale {{ {FIELDS} }} errors {{ field code message }} }}
}}
"""
UPDATE_SALE_MUTATION = f"""
mutation Update($input: UpdateSaleInput!) {{
  updateSale(input: $input) {{ sale {{ {FIELDS} }} errors {{ field code message }} }}
}}
"""
SALE_QUERY = f"""
query Sale($id: ID!) {{ node(id: $id) {{ ... on Sale {{ {FIELDS} }} }} }}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings with a public site."""
    return settings.model_copy(update={"public_url": "https://auctions.example.com"})


async def test_staff_write_and_read_the_fields(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    created = await graphql.data(
        CREATE_SALE_MUTATION,
        {
            "input": {
                "title": "Autumn",
                "postSaleDiscount": "12.5",
                "nextConsignmentNotice": "Consign by 1 September",
                "displayLiveLinks": True,
                "pdfLink": "https://example.com/a.pdf",
                "eBookLink": "https://example.com/book",
                "autoSyncImageEndDate": "2026-10-01T18:30:00+00:00",
                "itemImagesDir": "/images/autumn",
                "syncActive": True,
                "externalIds": [{"system": "Delcampe", "externalId": "D-1"}],
            }
        },
        as_=staff,
    )
    sale = created["createSale"]["sale"]
    updated = await graphql.data(
        UPDATE_SALE_MUTATION,
        {
            "input": {
                "id": to_base64("Sale", sale["databaseId"]),
                "postSaleDiscount": None,
                "pdfSaleResult": "https://example.com/results.pdf",
                "externalIds": [],
            }
        },
        as_=staff,
    )

    # then
    assert created["createSale"]["errors"] == []
    assert sale == {
        "databaseId": sale["databaseId"],
        "postSaleDiscount": "12.50",
        "nextConsignmentNotice": "Consign by 1 September",
        "dateAndLocationString": None,
        "displayLiveLinks": True,
        "pdfLink": "https://example.com/a.pdf",
        "pdfSaleResult": None,
        "eBookLink": "https://example.com/book",
        "autoSyncImageEndDate": "2026-10-01T18:30:00+00:00",
        "initialFinderFeesOrders": None,
        "itemImagesDir": "/images/autumn",
        "syncActive": True,
        "externalIds": [{"system": "Delcampe", "externalId": "D-1"}],
        "itemsWithImages": 0,
        "itemsWithoutImages": 0,
        "publicUrl": f"https://auctions.example.com/sales/{sale['databaseId']}",
    }
    after = updated["updateSale"]["sale"]
    assert updated["updateSale"]["errors"] == []
    assert after["postSaleDiscount"] is None
    assert after["pdfSaleResult"] == "https://example.com/results.pdf"
    assert after["pdfLink"] == "https://example.com/a.pdf"
    assert after["externalIds"] == []


async def test_broken_rules_are_payload_errors_and_nothing_changes(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session, title="Same")

    # when
    data = await graphql.data(
        UPDATE_SALE_MUTATION,
        {
            "input": {
                "id": to_base64("Sale", sale.id),
                "title": "Changed",
                "postSaleDiscount": "100.5",
                "syncActive": None,
                "externalIds": [{"system": " ", "externalId": "X"}],
            }
        },
        as_=staff,
    )

    # then
    assert data["updateSale"]["sale"] is None
    assert {(e["field"], e["code"]) for e in data["updateSale"]["errors"]} == {
        ("postSaleDiscount", "INVALID"),
        ("syncActive", "REQUIRED"),
        ("externalIds[0].system", "REQUIRED"),
    }
    session.expunge_all()
    stored = await session.get(models.Sale, sale.id)
    assert stored is not None
    assert (stored.title, stored.post_sale_discount, stored.sync_active) == ("Same", None, False)
    activities = await session.scalar(sa.select(sa.func.count()).select_from(models.Activity))
    assert activities == 0


async def test_internal_fields_are_staff_only(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    sale = await factories.create_sale(
        session,
        post_sale_discount=Decimal("5"),
        item_images_dir="/srv/images",
        sync_active=True,
        initial_finder_fees_orders="FF",
        external_ids=[{"system": "Delcampe", "external_id": "D-1"}],
        pdf_link="https://example.com/a.pdf",
    )
    pictured = await factories.create_item(session, sale=sale)
    await factories.create_file(session, item=pictured)
    await factories.create_item(session, sale=sale)

    # when
    data = await graphql.data(SALE_QUERY, {"id": to_base64("Sale", sale.id)}, as_=bidder)

    # then
    seen = data["node"]
    assert seen["postSaleDiscount"] == "5.00"
    assert seen["pdfLink"] == "https://example.com/a.pdf"
    assert (seen["itemsWithImages"], seen["itemsWithoutImages"]) == (1, 1)
    assert seen["itemImagesDir"] is None
    assert seen["syncActive"] is None
    assert seen["initialFinderFeesOrders"] is None
    assert seen["autoSyncImageEndDate"] is None
    assert seen["externalIds"] == []
