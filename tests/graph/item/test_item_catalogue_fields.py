"""A lot's descriptive fields (provenance, year, catalogs, …) through createItem, updateItem,
bulkUpdateItems and cloneItems, and who reads the internal ones."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.audit_rows import actions
from tests.graphql_client import GraphQLClient

FIELDS = """
  positionOfConsignment footer caption literature essay provenance ex itemType grade year
  consignorReferenceNumber estimateInternal retailPrice buyNowSetting reserveType videoUrl
  pdfUrl certificateLink referenceLink productTaxCode harmonizedCode signedLocations
  artWorkType shippingId postSale publicMessage dontPayConsignorNote printingOptions
  hideSoldInformation catalogs { catalogName catalogNumber orderingNumber catalogValue }
"""

UPDATE_ITEM_MUTATION = f"""
mutation Update($input: UpdateItemInput!) {{
  updateItem(input: $input) {{
    item {{ {FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""

CREATE_ITEM_MUTATION = f"""
mutation Create($input: CreateItemInput!) {{
  createItem(input: $input) {{
    item {{ {FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""

BULK_UPDATE_ITEMS_MUTATION = """
mutation Bulk($input: BulkUpdateItemsInput!) {
  bulkUpdateItems(input: $input) { count errors { field code message } }
}
"""

CLONE_ITEMS_MUTATION = f"""
mutation Clone($input: CloneItemsInput!) {{
  cloneItems(input: $input) {{ items {{ databaseId {FIELDS} }} errors {{ field code }} }}
}}
"""

ITEM_QUERY = f"""
query Item($id: ID!) {{ node(id: $id) {{ ... on Item {{ {FIELDS} }} }} }}
"""

VALUES: dict[str, Any] = {
    "positionOfConsignment": 3,
    "footer": "<p>Footer</p>",
    "caption": "Front view",
    "literature": "Smith 1990, p. 12",
    "essay": "<p>An essay</p>",
    "provenance": "Private collection, Paris",
    "ex": "Ex Rothschild",
    "itemType": "artwork",
    "grade": "VF",
    "year": 1850,
    "consignorReferenceNumber": "REF-7",
    "estimateInternal": "1500.00",
    "retailPrice": "999.50",
    "buyNowSetting": "enabled",
    "reserveType": "fixed",
    "videoUrl": "https://example.test/v.mp4",
    "pdfUrl": "/files/lot.pdf",
    "certificateLink": "https://example.test/cert",
    "referenceLink": "example.test/ref",
    "productTaxCode": "PTC-1",
    "harmonizedCode": "9701.10",
    "signedLocations": "lower right",
    "artWorkType": "painting",
    "shippingId": 12,
    "postSale": True,
    "publicMessage": "Viewing by appointment",
    "dontPayConsignorNote": "Awaiting papers",
    "printingOptions": "full page",
    "hideSoldInformation": True,
    "catalogs": [
        {
            "catalogName": "Michel",
            "catalogNumber": "123a",
            "orderingNumber": 1,
            "catalogValue": "250.50",
        },
        {"catalogName": "Scott", "catalogNumber": "", "orderingNumber": None, "catalogValue": None},
    ],
}
STAFF_ONLY = ("consignorReferenceNumber", "estimateInternal", "dontPayConsignorNote")


async def test_every_field_is_written_and_read_back(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    sent = {**VALUES, "catalogs": [VALUES["catalogs"][0], {"catalogName": "Scott"}]}

    # when
    data = await graphql.data(
        UPDATE_ITEM_MUTATION, {"input": {"id": to_base64("Item", item.id), **sent}}, as_=staff
    )
    read = await graphql.data(ITEM_QUERY, {"id": to_base64("Item", item.id)}, as_=staff)

    # then
    assert data["updateItem"] == {"item": VALUES, "errors": []}
    assert read["node"] == VALUES
    stored = await session.get_one(models.Item, item.id, populate_existing=True)
    assert stored.retail_price == Decimal("999.50")
    assert stored.catalogs[0]["catalog_value"] == "250.50"
    assert await actions(session, models.EntityType.ITEM, item.id) == ["update"]


async def test_a_new_lot_takes_the_fields_and_defaults_the_flags(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)

    # when
    data = await graphql.data(
        CREATE_ITEM_MUTATION,
        {
            "input": {
                "saleId": to_base64("Sale", sale.id),
                "consignmentId": to_base64("Consignment", consignment.id),
                "title": "A vase",
                "provenance": "Estate of A. Smith",
                "year": -300,
            }
        },
        as_=staff,
    )

    # then
    item = data["createItem"]["item"]
    assert data["createItem"]["errors"] == []
    assert (item["provenance"], item["year"]) == ("Estate of A. Smith", -300)
    assert (item["postSale"], item["hideSoldInformation"], item["catalogs"]) == (False, False, [])
    assert item["grade"] is None


async def test_invalid_values_are_reported_per_field_and_nothing_changes(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session, provenance="Kept", year=1900)

    # when
    data = await graphql.data(
        UPDATE_ITEM_MUTATION,
        {
            "input": {
                "id": to_base64("Item", item.id),
                "provenance": "Changed",
                "year": 12000,
                "positionOfConsignment": -1,
                "grade": "x" * 256,
                "postSale": None,
                "retailPrice": "-1",
                "catalogs": [{"catalogName": "Michel", "catalogValue": "-2"}, {}],
            }
        },
        as_=staff,
    )

    # then
    assert data["updateItem"] == {
        "item": None,
        "errors": [
            {
                "field": "catalogs[0].catalogValue",
                "code": "INVALID_AMOUNT",
                "message": "The catalogue value must be zero or more, with at most two decimals.",
            },
            {
                "field": "catalogs[1]",
                "code": "REQUIRED",
                "message": "A catalogue row needs a catalogue name or number.",
            },
            {"field": "postSale", "code": "REQUIRED", "message": "`postSale` cannot be null."},
            {
                "field": "grade",
                "code": "INVALID",
                "message": "`grade` must be at most 255 characters.",
            },
            {
                "field": "positionOfConsignment",
                "code": "INVALID",
                "message": "`positionOfConsignment` must be from 0 to 2147483647.",
            },
            {"field": "year", "code": "INVALID", "message": "`year` must be from -9999 to 9999."},
            {
                "field": "retailPrice",
                "code": "INVALID_AMOUNT",
                "message": "`retailPrice` must not be negative.",
            },
        ],
    }
    stored = await session.get_one(models.Item, item.id, populate_existing=True)
    assert (stored.provenance, stored.year, stored.catalogs) == ("Kept", 1900, [])
    assert await actions(session, models.EntityType.ITEM, item.id) == []


async def test_a_bulk_row_error_names_its_row(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    a = await factories.create_item(session)
    b = await factories.create_item(session)

    # when
    data = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {
            "input": {
                "items": [
                    {"id": to_base64("Item", a.id), "provenance": "Estate"},
                    {"id": to_base64("Item", b.id), "year": 99999},
                ],
                "errorPolicy": "REJECT_FAILED_ROWS",
            }
        },
        as_=staff,
    )

    # then
    assert data["bulkUpdateItems"] == {
        "count": 1,
        "errors": [
            {
                "field": "items.1.year",
                "code": "INVALID",
                "message": "`year` must be from -9999 to 9999.",
            }
        ],
    }
    stored = await session.get_one(models.Item, a.id, populate_existing=True)
    assert stored.provenance == "Estate"


async def test_internal_fields_are_null_for_a_bidder_and_the_public(
    graphql: GraphQLClient, session: AsyncSession
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

    for viewer in (bidder, None):
        # when
        data = await graphql.data(ITEM_QUERY, {"id": to_base64("Item", item.id)}, as_=viewer)

        # then
        node = data["node"]
        assert {name: node[name] for name in STAFF_ONLY} == dict.fromkeys(STAFF_ONLY)
        assert (node["provenance"], node["retailPrice"]) == ("Private collection", "999.50")


async def test_clones_copy_the_fields(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    source = await factories.create_item(session)
    await graphql.data(
        UPDATE_ITEM_MUTATION, {"input": {"id": to_base64("Item", source.id), **VALUES}}, as_=staff
    )

    # when
    data = await graphql.data(
        CLONE_ITEMS_MUTATION,
        {
            "input": {
                "itemIds": [to_base64("Item", source.id)],
                "targetSaleId": to_base64("Sale", sale.id),
                "targetConsignmentId": to_base64("Consignment", consignment.id),
            }
        },
        as_=staff,
    )

    # then
    (copy,) = data["cloneItems"]["items"]
    assert copy.pop("databaseId") != source.id
    assert copy == VALUES
