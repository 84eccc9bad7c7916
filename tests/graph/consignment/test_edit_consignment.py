"""createConsignment, updateConsignment and deleteConsignment through GraphQL."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.audit_rows import actions
from tests.graphql_client import GraphQLClient, assert_graphql_error

CREATE_CONSIGNMENT_MUTATION = """
mutation Create($input: CreateConsignmentInput!) {
  createConsignment(input: $input) {
    consignment {
      databaseId number title underbid
      sale { databaseId }
      commissionSteps { from rate amount }
    }
    errors { field code message }
  }
}
"""

UPDATE_CONSIGNMENT_MUTATION = """
mutation Update($input: UpdateConsignmentInput!) {
  updateConsignment(input: $input) {
    consignment { number title symbol }
    errors { field code message }
  }
}
"""

DELETE_CONSIGNMENT_MUTATION = """
mutation Delete($input: DeleteConsignmentInput!) {
  deleteConsignment(input: $input) { deletedId errors { field code message } }
}
"""


async def test_a_new_consignment_gets_a_generated_number(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    consignor = await factories.create_client(session)
    sale = await factories.create_sale(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        CREATE_CONSIGNMENT_MUTATION,
        {
            "input": {
                "title": "Estate Jewelry",
                "consignorId": to_base64("Client", consignor.id),
                "saleId": to_base64("Sale", sale.id),
                "underbid": "0.8",
                "commissionSteps": [
                    {"from": "0", "rate": "0.15"},
                    {"from": "1000", "amount": "100"},
                ],
            }
        },
        as_=staff,
    )

    # then
    payload = data["createConsignment"]
    assert payload["errors"] == []
    consignment = payload["consignment"]
    assert consignment["number"].startswith("CON-")
    assert consignment["sale"] == {"databaseId": sale.id}
    assert consignment["underbid"] == "0.8"
    assert consignment["commissionSteps"] == [
        {"from": "0.00", "rate": "0.15", "amount": None},
        {"from": "1000.00", "rate": None, "amount": "100.00"},
    ]
    assert await actions(session, models.EntityType.CONSIGNMENT, consignment["databaseId"]) == [
        "create"
    ]


async def test_a_taken_number_and_bad_amounts_are_refused_together(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    existing = await factories.create_consignment(session)
    consignor = await factories.create_client(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        CREATE_CONSIGNMENT_MUTATION,
        {
            "input": {
                "title": "Stamps",
                "number": existing.number,
                "consignorId": to_base64("Client", consignor.id),
                "estimated": "-1.00",
                "commissionStepType": "sliding",
            }
        },
        as_=staff,
    )

    # then
    assert data["createConsignment"] == {
        "consignment": None,
        "errors": [
            {
                "field": "estimated",
                "code": "INVALID_AMOUNT",
                "message": "`estimated` must not be negative.",
            },
            {
                "field": "commissionStepType",
                "code": "INVALID",
                "message": "`commissionStepType` must be percentage, fixed or tiered.",
            },
            {
                "field": "number",
                "code": "UNIQUE",
                "message": "Another consignment has this number.",
            },
        ],
    }
    assert await actions(session, models.EntityType.CONSIGNMENT) == []


async def test_an_update_changes_only_the_fields_sent(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    consignment = await factories.create_consignment(session, symbol="A")
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_CONSIGNMENT_MUTATION,
        {"input": {"id": to_base64("Consignment", consignment.id), "title": "Renamed"}},
        as_=staff,
    )

    # then
    assert data["updateConsignment"] == {
        "consignment": {"number": consignment.number, "title": "Renamed", "symbol": "A"},
        "errors": [],
    }
    assert await actions(session, models.EntityType.CONSIGNMENT, consignment.id) == ["update"]


async def test_a_consignment_with_lots_keeps_its_sale_and_is_not_deleted(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session)
    other = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    await factories.create_item(session, sale=sale, consignment=consignment)
    staff = await factories.create_staff(session)
    consignment_id = to_base64("Consignment", consignment.id)

    # when
    moved = await graphql.data(
        UPDATE_CONSIGNMENT_MUTATION,
        {"input": {"id": consignment_id, "saleId": to_base64("Sale", other.id)}},
        as_=staff,
    )
    deleted = await graphql.data(
        DELETE_CONSIGNMENT_MUTATION, {"input": {"id": consignment_id}}, as_=staff
    )

    # then
    assert moved["updateConsignment"]["errors"] == [
        {
            "field": "saleId",
            "code": "HAS_ITEMS",
            "message": "A consignment with lots cannot change sale: move its lots instead.",
        }
    ]
    assert deleted["deleteConsignment"] == {
        "deletedId": None,
        "errors": [
            {
                "field": "consignmentId",
                "code": "HAS_ITEMS",
                "message": "A consignment with lots cannot be deleted.",
            }
        ],
    }
    kept = await session.get_one(models.Consignment, consignment.id, populate_existing=True)
    assert kept.sale_id == sale.id
    assert await actions(session, models.EntityType.CONSIGNMENT) == []


async def test_an_empty_consignment_is_deleted(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    consignment = await factories.create_consignment(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        DELETE_CONSIGNMENT_MUTATION,
        {"input": {"id": to_base64("Consignment", consignment.id)}},
        as_=staff,
    )

    # then
    assert data["deleteConsignment"]["errors"] == []
    assert await session.get(models.Consignment, consignment.id) is None
    assert await actions(session, models.EntityType.CONSIGNMENT, consignment.id) == ["delete"]


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_edit_consignments(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    # given
    consignment = await factories.create_consignment(session, title="Kept")
    bidder = await factories.create_bidder(session)
    as_ = bidder if caller else None
    consignment_id = to_base64("Consignment", consignment.id)

    # when
    created = await graphql(
        CREATE_CONSIGNMENT_MUTATION,
        {"input": {"title": "New", "consignorId": to_base64("Client", consignment.consignor_id)}},
        as_=as_,
    )
    updated = await graphql(
        UPDATE_CONSIGNMENT_MUTATION, {"input": {"id": consignment_id, "title": "X"}}, as_=as_
    )
    deleted = await graphql(DELETE_CONSIGNMENT_MUTATION, {"input": {"id": consignment_id}}, as_=as_)

    # then
    for body in (created, updated, deleted):
        assert_graphql_error(body, code=code)
    refreshed = await session.get_one(models.Consignment, consignment.id, populate_existing=True)
    assert refreshed.title == "Kept"
    assert await actions(session, models.EntityType.CONSIGNMENT) == []
