"""createSale, updateSale and deleteSale through GraphQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.audit_rows import actions
from tests.graphql_client import GraphQLClient, assert_graphql_error

CREATE_SALE_MUTATION = """
mutation Create($input: CreateSaleInput!) {
  createSale(input: $input) {
    sale {
      databaseId title currency buyersPremiumRate published lotsLocked
      increments { from increment }
    }
    errors { field code message }
  }
}
"""

UPDATE_SALE_MUTATION = """
mutation Update($input: UpdateSaleInput!) {
  updateSale(input: $input) {
    sale { title subtitle currency endsAt }
    errors { field code message }
  }
}
"""

DELETE_SALE_MUTATION = """
mutation Delete($input: DeleteSaleInput!) {
  deleteSale(input: $input) { deletedId errors { field code message } }
}
"""


async def test_staff_create_a_sale_and_its_activity_is_recorded(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        CREATE_SALE_MUTATION,
        {
            "input": {
                "title": "Summer Auction",
                "currency": "USD",
                "buyersPremiumRate": "0.2",
                "increments": [{"from": "0", "increment": "5"}, {"from": "100", "increment": "10"}],
            }
        },
        as_=staff,
    )

    # then
    payload = data["createSale"]
    assert payload["errors"] == []
    sale = payload["sale"]
    assert sale["title"] == "Summer Auction"
    assert sale["currency"] == "USD"
    assert sale["buyersPremiumRate"] == "0.2"
    assert sale["published"] is False
    assert sale["increments"] == [
        {"from": "0.00", "increment": "5.00"},
        {"from": "100.00", "increment": "10.00"},
    ]
    assert await actions(session, models.EntityType.SALE, sale["databaseId"]) == ["create"]


async def test_every_invalid_field_is_reported_and_nothing_is_created(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        CREATE_SALE_MUTATION,
        {
            "input": {
                "title": " ",
                "currency": "EURO",
                "startsAt": "2026-06-02T10:00:00+00:00",
                "endsAt": "2026-06-01T10:00:00+00:00",
                "increments": [{"from": "10", "increment": "5"}],
            }
        },
        as_=staff,
    )

    # then
    payload = data["createSale"]
    assert payload["sale"] is None
    assert payload["errors"] == [
        {"field": "title", "code": "REQUIRED", "message": "`title` is required."},
        {
            "field": "currency",
            "code": "INVALID",
            "message": "`currency` must be an ISO 4217 code such as EUR.",
        },
        {
            "field": "increments",
            "code": "INVALID",
            "message": "The first band of `increments` starts at 0.",
        },
        {
            "field": "endsAt",
            "code": "INVALID",
            "message": "`endsAt` must not be before `startsAt`.",
        },
    ]
    assert await actions(session, models.EntityType.SALE) == []


async def test_an_update_changes_only_the_fields_sent(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session, subtitle="Old subtitle", title="Old title")
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_SALE_MUTATION,
        {"input": {"id": to_base64("Sale", sale.id), "title": "New title"}},
        as_=staff,
    )

    # then
    payload = data["updateSale"]
    assert payload["errors"] == []
    assert payload["sale"]["title"] == "New title"
    assert payload["sale"]["subtitle"] == "Old subtitle"
    assert await actions(session, models.EntityType.SALE, sale.id) == ["update"]


async def test_the_currency_is_frozen_once_a_lot_has_bids(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session)
    item = await factories.create_item(session, sale=sale)
    bidder = await factories.create_client(session)
    await factories.create_bid(session, item=item, bidder=bidder, amount=Decimal("60"))
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_SALE_MUTATION,
        {"input": {"id": to_base64("Sale", sale.id), "currency": "USD", "title": "Renamed"}},
        as_=staff,
    )

    # then
    assert data["updateSale"]["errors"] == [
        {
            "field": "currency",
            "code": "HAS_BIDS",
            "message": "`currency` cannot change once the sale's lots have bids.",
        }
    ]
    refreshed = await session.get_one(models.Sale, sale.id, populate_existing=True)
    assert (refreshed.currency, refreshed.title) == ("EUR", sale.title)
    assert await actions(session, models.EntityType.SALE, sale.id) == []


async def test_deleting_a_sale_deletes_its_lots_and_detaches_its_consignments(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    item = await factories.create_item(session, sale=sale, consignment=consignment)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        DELETE_SALE_MUTATION, {"input": {"id": to_base64("Sale", sale.id)}}, as_=staff
    )

    # then
    assert data["deleteSale"] == {"deletedId": to_base64("Sale", sale.id), "errors": []}
    assert await session.get(models.Sale, sale.id) is None
    assert await session.get(models.Item, item.id) is None
    kept = await session.get_one(models.Consignment, consignment.id, populate_existing=True)
    assert kept.sale_id is None
    assert await actions(session, models.EntityType.SALE, sale.id) == ["delete"]
    assert await actions(session, models.EntityType.ITEM, item.id) == ["delete"]
    assert await actions(session, models.EntityType.CONSIGNMENT, consignment.id) == ["update"]


async def test_a_sale_with_bids_or_orders_is_kept(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    with_bids = await factories.create_sale(session)
    item = await factories.create_item(session, sale=with_bids)
    bidder = await factories.create_client(session)
    await factories.create_bid(session, item=item, bidder=bidder, amount=Decimal("60"))
    with_orders = await factories.create_sale(session)
    await factories.create_order(session, sale=with_orders, client=bidder)
    staff = await factories.create_staff(session)

    # when
    refused_bids = await graphql.data(
        DELETE_SALE_MUTATION, {"input": {"id": to_base64("Sale", with_bids.id)}}, as_=staff
    )
    refused_orders = await graphql.data(
        DELETE_SALE_MUTATION, {"input": {"id": to_base64("Sale", with_orders.id)}}, as_=staff
    )

    # then
    assert refused_bids["deleteSale"] == {
        "deletedId": None,
        "errors": [
            {
                "field": "saleId",
                "code": "HAS_BIDS",
                "message": "A sale whose lots have bids cannot be deleted.",
            }
        ],
    }
    assert refused_orders["deleteSale"]["errors"] == [
        {
            "field": "saleId",
            "code": "HAS_ORDERS",
            "message": "A sale with orders cannot be deleted.",
        }
    ]
    assert await session.get(models.Sale, with_bids.id) is not None
    assert await session.get(models.Sale, with_orders.id) is not None
    assert await actions(session, models.EntityType.SALE) == []


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_edit_sales(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    # given
    sale = await factories.create_sale(session, title="Kept")
    bidder = await factories.create_bidder(session)
    as_ = bidder if caller else None

    # when
    created = await graphql(CREATE_SALE_MUTATION, {"input": {"title": "New"}}, as_=as_)
    updated = await graphql(
        UPDATE_SALE_MUTATION, {"input": {"id": to_base64("Sale", sale.id), "title": "X"}}, as_=as_
    )
    deleted = await graphql(
        DELETE_SALE_MUTATION, {"input": {"id": to_base64("Sale", sale.id)}}, as_=as_
    )

    # then
    for body in (created, updated, deleted):
        assert_graphql_error(body, code=code)
    refreshed = await session.get_one(models.Sale, sale.id, populate_existing=True)
    assert refreshed.title == "Kept"
    assert await actions(session, models.EntityType.SALE) == []


UPDATE_SALE_SETTINGS_MUTATION = """
mutation Update($input: UpdateSaleInput!) {
  updateSale(input: $input) {
    sale { saleNumber softCloseSeconds }
    errors { field code message }
  }
}
"""


async def test_a_taken_sale_number_and_a_negative_window_are_refused(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    taken = await factories.create_sale(session)
    sale = await factories.create_sale(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_SALE_SETTINGS_MUTATION,
        {
            "input": {
                "id": to_base64("Sale", sale.id),
                "saleNumber": taken.sale_number,
                "softCloseSeconds": -1,
                "kind": None,
            }
        },
        as_=staff,
    )

    # then
    assert data["updateSale"] == {
        "sale": None,
        "errors": [
            {"field": "kind", "code": "REQUIRED", "message": "`kind` cannot be null."},
            {
                "field": "softCloseSeconds",
                "code": "INVALID",
                "message": "`softCloseSeconds` must not be negative.",
            },
            {
                "field": "saleNumber",
                "code": "UNIQUE",
                "message": "Another sale already has this number.",
            },
        ],
    }
    refreshed = await session.get_one(models.Sale, sale.id, populate_existing=True)
    assert (refreshed.sale_number, refreshed.soft_close_seconds) == (sale.sale_number, 120)
    assert await actions(session, models.EntityType.SALE) == []
