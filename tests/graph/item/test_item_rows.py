"""A lot's row fields through createItem / updateItem / bulkUpdateItems: dimensions and
additional charges, stored as invoicing reads them and read back typed."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.audit_rows import actions
from tests.graphql_client import GraphQLClient

ROWS = """
  dimensions { numberOnBox height width depth weight type packedDate }
  additionalCharges { term amount tax description attachedTo }
"""

CREATE_ITEM_MUTATION = f"""
mutation Create($input: CreateItemInput!) {{
  createItem(input: $input) {{
    item {{ databaseId {ROWS} }}
    errors {{ field code message }}
  }}
}}
"""

UPDATE_ITEM_MUTATION = f"""
mutation Update($input: UpdateItemInput!) {{
  updateItem(input: $input) {{
    item {{ {ROWS} }}
    errors {{ field code message }}
  }}
}}
"""

BULK_UPDATE_ITEMS_MUTATION = """
mutation Bulk($input: BulkUpdateItemsInput!) {
  bulkUpdateItems(input: $input) { count errors { field code message } }
}
"""

ITEM_QUERY = f"""
query Item($id: ID!) {{ node(id: $id) {{ ... on Item {{ {ROWS} }} }} }}
"""

DIMENSIONS = [
    {
        "numberOnBox": "1/2",
        "height": "30.5",
        "width": "15",
        "depth": "15",
        "weight": "2.25",
        "type": "framed",
        "packedDate": "2026-11-02",
    },
    {"height": "12"},
]
CHARGES = [
    {"term": "Shipping", "amount": "25", "tax": "4.75", "description": "Courier"},
    {"term": "Insurance", "amount": "10.00", "attachedTo": "item"},
]


async def test_rows_set_on_update_are_stored_as_invoicing_reads_them_and_read_back(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    bidder = await factories.create_bidder(session)

    # when
    data = await graphql.data(
        UPDATE_ITEM_MUTATION,
        {
            "input": {
                "id": to_base64("Item", item.id),
                "dimensions": DIMENSIONS,
                "additionalCharges": CHARGES,
            }
        },
        as_=staff,
    )
    public = await graphql.data(ITEM_QUERY, {"id": to_base64("Item", item.id)}, as_=bidder)

    # then
    expected = {
        "dimensions": [
            {
                "numberOnBox": "1/2",
                "height": "30.50",
                "width": "15.00",
                "depth": "15.00",
                "weight": "2.25",
                "type": "framed",
                "packedDate": "2026-11-02",
            },
            {
                "numberOnBox": "",
                "height": "12.00",
                "width": None,
                "depth": None,
                "weight": None,
                "type": "",
                "packedDate": None,
            },
        ],
        "additionalCharges": [
            {
                "term": "Shipping",
                "amount": "25.00",
                "tax": "4.75",
                "description": "Courier",
                "attachedTo": None,
            },
            {
                "term": "Insurance",
                "amount": "10.00",
                "tax": "0.00",
                "description": "",
                "attachedTo": "item",
            },
        ],
    }
    assert data["updateItem"] == {"item": expected, "errors": []}
    assert public["node"] == expected
    stored = await session.get_one(models.Item, item.id, populate_existing=True)
    assert stored.additional_charges[0] == {
        "term": "Shipping",
        "amount": "25.00",
        "tax": "4.75",
        "description": "Courier",
        "attached_to": None,
    }
    assert stored.dimensions[1]["height"] == "12.00"
    assert await actions(session, models.EntityType.ITEM, item.id) == ["update"]


async def test_a_new_lot_takes_its_rows_and_null_clears_them(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)

    # when
    created = await graphql.data(
        CREATE_ITEM_MUTATION,
        {
            "input": {
                "saleId": to_base64("Sale", sale.id),
                "consignmentId": to_base64("Consignment", consignment.id),
                "title": "A clock",
                "dimensions": [{"height": "40"}],
                "additionalCharges": [{"term": "Crate", "amount": "80"}],
            }
        },
        as_=staff,
    )
    item_id = created["createItem"]["item"]["databaseId"]
    cleared = await graphql.data(
        UPDATE_ITEM_MUTATION,
        {"input": {"id": to_base64("Item", item_id), "dimensions": None, "additionalCharges": []}},
        as_=staff,
    )

    # then
    assert created["createItem"]["errors"] == []
    assert [row["height"] for row in created["createItem"]["item"]["dimensions"]] == ["40.00"]
    assert [row["amount"] for row in created["createItem"]["item"]["additionalCharges"]] == [
        "80.00"
    ]
    assert cleared["updateItem"] == {
        "item": {"dimensions": [], "additionalCharges": []},
        "errors": [],
    }
    assert await actions(session, models.EntityType.ITEM, item_id) == ["create", "update"]


async def test_every_invalid_row_is_reported_with_its_path_and_nothing_changes(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    charge = {"term": "Old", "amount": "5.00", "tax": "0.00", "description": ""}
    item = await factories.create_item(session, additional_charges=[charge], dimensions=[])

    # when
    data = await graphql.data(
        UPDATE_ITEM_MUTATION,
        {
            "input": {
                "id": to_base64("Item", item.id),
                "title": "A new title",
                "dimensions": [{"height": "10"}, {"width": "0", "numberOnBox": "2"}, {}],
                "additionalCharges": [
                    {"term": "Shipping", "amount": "10"},
                    {"term": " ", "amount": "-1", "tax": "-0.50", "attachedTo": "sale"},
                ],
            }
        },
        as_=staff,
    )

    # then
    assert data["updateItem"] == {
        "item": None,
        "errors": [
            {
                "field": "dimensions[1].width",
                "code": "INVALID",
                "message": "The width must be more than 0, with at most two decimals.",
            },
            {
                "field": "dimensions[2]",
                "code": "REQUIRED",
                "message": "A dimension row needs a height, width, depth or weight.",
            },
            {
                "field": "additionalCharges[1].term",
                "code": "REQUIRED",
                "message": "The charge needs a term.",
            },
            {
                "field": "additionalCharges[1].amount",
                "code": "INVALID_AMOUNT",
                "message": "The amount must be zero or more, with at most two decimals.",
            },
            {
                "field": "additionalCharges[1].tax",
                "code": "INVALID_AMOUNT",
                "message": "The tax must be zero or more, with at most two decimals.",
            },
            {
                "field": "additionalCharges[1].attachedTo",
                "code": "INVALID",
                "message": "This charge can only be attached to item.",
            },
        ],
    }
    stored = await session.get_one(models.Item, item.id, populate_existing=True)
    assert stored.additional_charges == [charge]
    assert stored.dimensions == []
    assert stored.title != "A new title"
    assert await actions(session, models.EntityType.ITEM, item.id) == []


async def test_a_bulk_row_error_names_the_row_and_the_charge(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    first = await factories.create_item(session, sale=sale)
    second = await factories.create_item(session, sale=sale)

    # when
    data = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {
            "input": {
                "errorPolicy": "IGNORE_FAILED",
                "items": [
                    {
                        "id": to_base64("Item", first.id),
                        "additionalCharges": [{"term": "Shipping", "amount": "12.5"}],
                    },
                    {
                        "id": to_base64("Item", second.id),
                        "title": "Kept",
                        "additionalCharges": [{"term": "Shipping", "amount": "-3"}],
                    },
                ],
            }
        },
        as_=staff,
    )

    # then: IGNORE_FAILED writes the second row's valid title, not its charges
    assert data["bulkUpdateItems"] == {
        "count": 2,
        "errors": [
            {
                "field": "items.1.additionalCharges[0].amount",
                "code": "INVALID_AMOUNT",
                "message": "The amount must be zero or more, with at most two decimals.",
            }
        ],
    }
    stored_first = await session.get_one(models.Item, first.id, populate_existing=True)
    stored_second = await session.get_one(models.Item, second.id, populate_existing=True)
    assert [row["amount"] for row in stored_first.additional_charges] == ["12.50"]
    assert stored_second.title == "Kept"
    assert stored_second.additional_charges == []
