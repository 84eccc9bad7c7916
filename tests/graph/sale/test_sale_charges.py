"""A sale's additional charges through createSale / updateSale."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.audit_rows import actions
from tests.graphql_client import GraphQLClient

CREATE_SALE_MUTATION = """
mutation Create($input: CreateSaleInput!) {
  createSale(input: $input) {
    sale { databaseId additionalCharges { term amount tax description attachedTo } }
    errors { field code message }
  }
}
"""

UPDATE_SALE_MUTATION = """
mutation Update($input: UpdateSaleInput!) {
  updateSale(input: $input) {
    sale { additionalCharges { term amount tax description attachedTo } }
    errors { field code message }
  }
}
"""


async def test_a_sale_takes_its_charges_on_create_and_update(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    created = await graphql.data(
        CREATE_SALE_MUTATION,
        {
            "input": {
                "title": "Autumn sale",
                "additionalCharges": [{"term": "Handling", "amount": "7.5", "tax": "1.43"}],
            }
        },
        as_=staff,
    )
    sale_id = created["createSale"]["sale"]["databaseId"]
    updated = await graphql.data(
        UPDATE_SALE_MUTATION,
        {
            "input": {
                "id": to_base64("Sale", sale_id),
                "additionalCharges": [
                    {"term": "Catalogue", "amount": "12", "attachedTo": "sale"},
                    {"term": "Handling", "amount": "7.50", "tax": "1.43"},
                ],
            }
        },
        as_=staff,
    )

    # then
    assert created["createSale"]["errors"] == []
    assert created["createSale"]["sale"]["additionalCharges"] == [
        {
            "term": "Handling",
            "amount": "7.50",
            "tax": "1.43",
            "description": "",
            "attachedTo": None,
        }
    ]
    assert updated["updateSale"]["errors"] == []
    assert updated["updateSale"]["sale"]["additionalCharges"][0] == {
        "term": "Catalogue",
        "amount": "12.00",
        "tax": "0.00",
        "description": "",
        "attachedTo": "sale",
    }
    stored = await session.get_one(models.Sale, sale_id, populate_existing=True)
    assert stored.additional_charges[1] == {
        "term": "Handling",
        "amount": "7.50",
        "tax": "1.43",
        "description": "",
        "attached_to": None,
    }
    assert await actions(session, models.EntityType.SALE, sale_id) == ["create", "update"]


async def test_an_invalid_charge_is_reported_with_its_path_and_nothing_changes(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session, title="Before")

    # when
    data = await graphql.data(
        UPDATE_SALE_MUTATION,
        {
            "input": {
                "id": to_base64("Sale", sale.id),
                "title": "After",
                "additionalCharges": [
                    {"term": "Handling", "amount": "7.50"},
                    {"term": "Catalogue", "amount": "-12", "attachedTo": "item"},
                ],
            }
        },
        as_=staff,
    )

    # then
    assert data["updateSale"] == {
        "sale": None,
        "errors": [
            {
                "field": "additionalCharges[1].amount",
                "code": "INVALID_AMOUNT",
                "message": "The amount must be zero or more, with at most two decimals.",
            },
            {
                "field": "additionalCharges[1].attachedTo",
                "code": "INVALID",
                "message": "This charge can only be attached to sale.",
            },
        ],
    }
    stored = await session.get_one(models.Sale, sale.id, populate_existing=True)
    assert stored.title == "Before"
    assert stored.additional_charges == []
    assert await actions(session, models.EntityType.SALE, sale.id) == []
