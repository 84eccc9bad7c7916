"""A consignment's row fields through createConsignment / updateConsignment: additional
charges, shipping methods and finder fees (staff only)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.audit_rows import actions
from tests.graphql_client import GraphQLClient

ROWS = """
  additionalCharges { term amount tax description attachedTo }
  shippingMethods {
    type methodType amount date shippingId taxCustomsNumber taxCustomsType
    customsTrackingNumber shippingNotes description
  }
  finderFees { finder { databaseId } item { databaseId } rate amount }
"""

CREATE_CONSIGNMENT_MUTATION = f"""
mutation Create($input: CreateConsignmentInput!) {{
  createConsignment(input: $input) {{
    consignment {{ databaseId {ROWS} }}
    errors {{ field code message }}
  }}
}}
"""

UPDATE_CONSIGNMENT_MUTATION = f"""
mutation Update($input: UpdateConsignmentInput!) {{
  updateConsignment(input: $input) {{
    consignment {{ {ROWS} }}
    errors {{ field code message }}
  }}
}}
"""

CONSIGNMENT_QUERY = f"""
query Consignment($id: ID!) {{ node(id: $id) {{ ... on Consignment {{ {ROWS} }} }} }}
"""

SHIPMENT = {
    "type": "INCOMING",
    "methodType": "FedEx",
    "amount": "45",
    "date": "2026-11-20",
    "shippingId": 17,
    "taxCustomsNumber": 4711,
    "taxCustomsType": "import",
    "customsTrackingNumber": "1Z999",
    "shippingNotes": "Call before delivery",
    "description": "Two crates",
}
SHIPMENT_READ = SHIPMENT | {"amount": "45.00"}


async def test_rows_round_trip_and_finder_fees_are_staff_only(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    owner = await factories.create_bidder(session)
    finder = await factories.create_client(session)
    sale = await factories.create_sale(session)
    consignor = await session.get_one(models.Client, owner.client_id)
    consignment = await factories.create_consignment(session, consignor=consignor, sale=sale)
    lot = await factories.create_item(session, sale=sale, consignment=consignment)
    gid = to_base64("Consignment", consignment.id)

    # when
    data = await graphql.data(
        UPDATE_CONSIGNMENT_MUTATION,
        {
            "input": {
                "id": gid,
                "additionalCharges": [
                    {"term": "Photography", "amount": "30", "tax": "5.70", "attachedTo": "item"}
                ],
                "shippingMethods": [SHIPMENT, {"type": "OUTGOING"}],
                "finderFees": [
                    {"finderId": to_base64("Client", finder.id), "rate": "0.05"},
                    {
                        "finderId": to_base64("Client", finder.id),
                        "itemId": to_base64("Item", lot.id),
                        "amount": "50",
                    },
                ],
            }
        },
        as_=staff,
    )
    as_owner = await graphql.data(CONSIGNMENT_QUERY, {"id": gid}, as_=owner)

    # then
    assert data["updateConsignment"]["errors"] == []
    consignment_read = data["updateConsignment"]["consignment"]
    assert consignment_read["additionalCharges"] == [
        {
            "term": "Photography",
            "amount": "30.00",
            "tax": "5.70",
            "description": "",
            "attachedTo": "item",
        }
    ]
    assert consignment_read["shippingMethods"] == [
        SHIPMENT_READ,
        {
            "type": "OUTGOING",
            "methodType": "",
            "amount": None,
            "date": None,
            "shippingId": None,
            "taxCustomsNumber": None,
            "taxCustomsType": "",
            "customsTrackingNumber": "",
            "shippingNotes": "",
            "description": "",
        },
    ]
    assert consignment_read["finderFees"] == [
        {"finder": {"databaseId": finder.id}, "item": None, "rate": "0.05", "amount": None},
        {
            "finder": {"databaseId": finder.id},
            "item": {"databaseId": lot.id},
            "rate": None,
            "amount": "50.00",
        },
    ]
    assert as_owner["node"]["finderFees"] == []
    assert as_owner["node"]["shippingMethods"][0]["shippingNotes"] is None
    assert as_owner["node"]["additionalCharges"] == consignment_read["additionalCharges"]
    stored = await session.get_one(models.Consignment, consignment.id, populate_existing=True)
    assert stored.finder_fees == [
        {"commission": "5%", "finder": finder.id, "item": None},
        {"commission": "50.00", "finder": finder.id, "item": lot.id},
    ]
    assert stored.shipping_methods[0]["date"] == "2026-11-20"
    assert stored.shipping_methods[0]["type"] == "incoming"
    assert await actions(session, models.EntityType.CONSIGNMENT, consignment.id) == ["update"]


async def test_a_new_consignment_takes_its_rows(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    consignor = await factories.create_client(session)

    # when
    data = await graphql.data(
        CREATE_CONSIGNMENT_MUTATION,
        {
            "input": {
                "title": "Estate silver",
                "consignorId": to_base64("Client", consignor.id),
                "additionalCharges": [{"term": "Insurance", "amount": "12.5"}],
                "shippingMethods": [SHIPMENT],
                "finderFees": [{"finderId": to_base64("Client", consignor.id), "rate": "0.1"}],
            }
        },
        as_=staff,
    )

    # then
    payload = data["createConsignment"]
    assert payload["errors"] == []
    assert [row["amount"] for row in payload["consignment"]["additionalCharges"]] == ["12.50"]
    assert payload["consignment"]["shippingMethods"] == [SHIPMENT_READ]
    assert payload["consignment"]["finderFees"] == [
        {"finder": {"databaseId": consignor.id}, "item": None, "rate": "0.1", "amount": None}
    ]
    consignment_id = payload["consignment"]["databaseId"]
    assert await actions(session, models.EntityType.CONSIGNMENT, consignment_id) == ["create"]


async def test_every_invalid_row_is_reported_with_its_path_and_nothing_changes(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale, title="Before")
    other = await factories.create_consignment(session, sale=sale)
    foreign_lot = await factories.create_item(session, sale=sale, consignment=other)
    finder = await factories.create_client(session)
    finder_gid = to_base64("Client", finder.id)

    # when
    data = await graphql.data(
        UPDATE_CONSIGNMENT_MUTATION,
        {
            "input": {
                "id": to_base64("Consignment", consignment.id),
                "title": "After",
                "additionalCharges": [{"term": "Photography", "amount": "30", "tax": "-1"}],
                "shippingMethods": [
                    SHIPMENT,
                    {"type": "OUTGOING", "amount": "-45", "shippingId": -1},
                ],
                "finderFees": [
                    {"finderId": finder_gid},
                    {"finderId": to_base64("Client", 999_999), "rate": "0.05"},
                    {
                        "finderId": finder_gid,
                        "itemId": to_base64("Item", foreign_lot.id),
                        "amount": "-5",
                    },
                ],
            }
        },
        as_=staff,
    )

    # then
    assert data["updateConsignment"] == {
        "consignment": None,
        "errors": [
            {
                "field": "additionalCharges[0].tax",
                "code": "INVALID_AMOUNT",
                "message": "The tax must be zero or more, with at most two decimals.",
            },
            {
                "field": "shippingMethods[1].amount",
                "code": "INVALID_AMOUNT",
                "message": "The amount must be zero or more, with at most two decimals.",
            },
            {
                "field": "shippingMethods[1].shippingId",
                "code": "INVALID",
                "message": "The id must be a whole number >= 0.",
            },
            {
                "field": "finderFees[0]",
                "code": "INVALID",
                "message": "A finder fee is either a `rate` or an `amount`.",
            },
            {
                "field": "finderFees[2].amount",
                "code": "INVALID_AMOUNT",
                "message": "The amount must be zero or more, with at most two decimals.",
            },
            {
                "field": "finderFees[1].finderId",
                "code": "NOT_FOUND",
                "message": "Client not found.",
            },
            {
                "field": "finderFees[2].itemId",
                "code": "INVALID",
                "message": "The lot does not belong to this consignment.",
            },
        ],
    }
    stored = await session.get_one(models.Consignment, consignment.id, populate_existing=True)
    assert stored.title == "Before"
    assert stored.additional_charges == []
    assert stored.shipping_methods == []
    assert stored.finder_fees == []
    assert await actions(session, models.EntityType.CONSIGNMENT, consignment.id) == []
