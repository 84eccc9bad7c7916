"""createItem, updateItem and deleteItem through GraphQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.audit_rows import actions
from tests.graphql_client import GraphQLClient, assert_graphql_error

CREATE_ITEM_MUTATION = """
mutation Create($input: CreateItemInput!) {
  createItem(input: $input) {
    item { databaseId lot lotNumber title status estimateLow consignment { databaseId } }
    errors { field code message }
  }
}
"""

UPDATE_ITEM_MUTATION = """
mutation Update($input: UpdateItemInput!) {
  updateItem(input: $input) {
    item { lot title description startingPrice reservePrice estimateLow estimateHigh }
    errors { field code message }
  }
}
"""

DELETE_ITEM_MUTATION = """
mutation Delete($input: DeleteItemInput!) {
  deleteItem(input: $input) { deletedId errors { field code message } }
}
"""


async def _sale_with_consignment(
    session: AsyncSession, **overrides: object
) -> tuple[models.Sale, models.Consignment]:
    sale = await factories.create_sale(session, **overrides)
    return sale, await factories.create_consignment(session, sale=sale)


def _create_input(sale: models.Sale, consignment: models.Consignment, **fields: object) -> dict:
    return {
        "input": {
            "saleId": to_base64("Sale", sale.id),
            "consignmentId": to_base64("Consignment", consignment.id),
            "title": "A vase",
            **fields,
        }
    }


async def test_a_new_lot_gets_the_next_free_number(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale, consignment = await _sale_with_consignment(session)
    await factories.create_item(session, sale=sale, lot_number=41, lot_letter="A")
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        CREATE_ITEM_MUTATION, _create_input(sale, consignment, estimateLow="100.00"), as_=staff
    )

    # then
    payload = data["createItem"]
    assert payload["errors"] == []
    assert payload["item"]["lot"] == "42"
    assert payload["item"]["status"] == "AVAILABLE"
    assert payload["item"]["consignment"] == {"databaseId": consignment.id}
    assert await actions(session, models.EntityType.ITEM, payload["item"]["databaseId"]) == [
        "create"
    ]


async def test_the_first_lot_of_a_sale_starts_where_asked(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale, consignment = await _sale_with_consignment(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        CREATE_ITEM_MUTATION,
        _create_input(sale, consignment, startLotNumberingAt=100),
        as_=staff,
    )

    # then
    assert data["createItem"]["item"]["lotNumber"] == 100


async def test_a_locked_sale_refuses_an_explicit_number_but_takes_unnumbered_lots(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale, consignment = await _sale_with_consignment(session, lots_locked=True)
    staff = await factories.create_staff(session)

    # when
    refused = await graphql.data(
        CREATE_ITEM_MUTATION, _create_input(sale, consignment, lotNumber=7), as_=staff
    )
    created = await graphql.data(CREATE_ITEM_MUTATION, _create_input(sale, consignment), as_=staff)

    # then
    assert refused["createItem"] == {
        "item": None,
        "errors": [
            {
                "field": "lotNumber",
                "code": "LOTS_LOCKED",
                "message": "Lots are locked for this sale.",
            }
        ],
    }
    assert created["createItem"]["errors"] == []
    assert created["createItem"]["item"]["lot"] is None


async def test_a_taken_lot_and_a_foreign_consignment_are_refused_together(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale, _consignment = await _sale_with_consignment(session)
    await factories.create_item(session, sale=sale, lot_number=5)
    foreign = await factories.create_consignment(session, sale=await factories.create_sale(session))
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        CREATE_ITEM_MUTATION,
        _create_input(sale, foreign, lotNumber=5, estimateLow="300.00", estimateHigh="200.00"),
        as_=staff,
    )

    # then
    assert data["createItem"] == {
        "item": None,
        "errors": [
            {
                "field": "estimateHigh",
                "code": "INVALID",
                "message": "`estimateHigh` must not be below `estimateLow`.",
            },
            {
                "field": "consignmentId",
                "code": "INVALID",
                "message": "The consignment does not belong to the lot's sale.",
            },
        ],
    }
    assert await actions(session, models.EntityType.ITEM) == []


async def test_a_lot_number_used_in_the_sale_is_refused(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale, _consignment = await _sale_with_consignment(session)
    await factories.create_item(session, sale=sale, lot_number=5)
    item = await factories.create_item(session, sale=sale, lot_number=6)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_ITEM_MUTATION,
        {"input": {"id": to_base64("Item", item.id), "lotNumber": 5}},
        as_=staff,
    )

    # then
    assert data["updateItem"]["errors"] == [
        {"field": "lotNumber", "code": "UNIQUE", "message": "Lot number already used in this sale."}
    ]
    refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
    assert refreshed.lot_number == 6


async def test_an_update_changes_only_the_fields_sent(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, description="Blue glaze")
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_ITEM_MUTATION,
        {"input": {"id": to_base64("Item", item.id), "title": "Ming vase", "lotLetter": "B"}},
        as_=staff,
    )

    # then
    payload = data["updateItem"]
    assert payload["errors"] == []
    assert payload["item"]["title"] == "Ming vase"
    assert payload["item"]["lot"] == f"{item.lot_number}B"
    assert payload["item"]["description"] == "Blue glaze"
    assert payload["item"]["startingPrice"] == "50.00"
    assert await actions(session, models.EntityType.ITEM, item.id) == ["update"]


async def test_a_lot_with_bids_keeps_its_starting_price_and_reserve_only_goes_down(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, reserve_price=Decimal("500.00"))
    bidder = await factories.create_client(session)
    await factories.create_bid(session, item=item, bidder=bidder, amount=Decimal("60"))
    staff = await factories.create_staff(session)
    item_id = to_base64("Item", item.id)

    # when
    refused = await graphql.data(
        UPDATE_ITEM_MUTATION,
        {"input": {"id": item_id, "startingPrice": "10.00", "reservePrice": "600.00"}},
        as_=staff,
    )
    lowered = await graphql.data(
        UPDATE_ITEM_MUTATION, {"input": {"id": item_id, "reservePrice": "400.00"}}, as_=staff
    )

    # then
    assert refused["updateItem"]["errors"] == [
        {
            "field": "startingPrice",
            "code": "HAS_BIDS",
            "message": "The starting price cannot change once the lot has bids.",
        },
        {
            "field": "reservePrice",
            "code": "HAS_BIDS",
            "message": "`reservePrice` can only be lowered once the lot has bids.",
        },
    ]
    assert lowered["updateItem"]["errors"] == []
    assert lowered["updateItem"]["item"]["reservePrice"] == "400.00"
    refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
    assert refreshed.current_bid == Decimal("60.00")
    assert refreshed.bid_count == 1
    assert await actions(session, models.EntityType.ITEM, item.id) == ["update"]


async def test_a_closed_lot_keeps_its_prices(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    item = await factories.create_item(session, status=models.ItemStatus.UNSOLD)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_ITEM_MUTATION,
        {"input": {"id": to_base64("Item", item.id), "startingPrice": "1.00"}},
        as_=staff,
    )

    # then
    assert data["updateItem"]["errors"] == [
        {
            "field": "startingPrice",
            "code": "ITEM_CLOSED",
            "message": "The prices of a closed lot are frozen.",
        }
    ]


async def test_invalid_money_is_reported_per_field(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_ITEM_MUTATION,
        {
            "input": {
                "id": to_base64("Item", item.id),
                "estimateLow": "-1.00",
                "buyNowPrice": "-5.00",
                "title": None,
            }
        },
        as_=staff,
    )

    # then
    assert data["updateItem"]["errors"] == [
        {"field": "title", "code": "REQUIRED", "message": "`title` cannot be null."},
        {
            "field": "estimateLow",
            "code": "INVALID_AMOUNT",
            "message": "`estimateLow` must not be negative.",
        },
        {
            "field": "buyNowPrice",
            "code": "INVALID_AMOUNT",
            "message": "`buyNowPrice` must not be negative.",
        },
    ]
    assert await actions(session, models.EntityType.ITEM) == []


async def test_a_lot_without_history_is_deleted(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        DELETE_ITEM_MUTATION, {"input": {"id": to_base64("Item", item.id)}}, as_=staff
    )

    # then
    assert data["deleteItem"] == {"deletedId": to_base64("Item", item.id), "errors": []}
    assert await session.get(models.Item, item.id) is None
    assert await actions(session, models.EntityType.ITEM, item.id) == ["delete"]


async def test_sold_lots_lots_on_orders_and_lots_with_bids_are_kept(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    client = await factories.create_client(session)
    sold = await factories.create_item(session, status=models.ItemStatus.SOLD)
    ordered = await factories.create_item(session, status=models.ItemStatus.UNSOLD)
    await factories.create_order(session, client=client, lines=[{"item": ordered}])
    bid_on = await factories.create_item(session)
    await factories.create_bid(session, item=bid_on, bidder=client, amount=Decimal("60"))
    staff = await factories.create_staff(session)

    # when
    results = [
        await graphql.data(
            DELETE_ITEM_MUTATION, {"input": {"id": to_base64("Item", item.id)}}, as_=staff
        )
        for item in (sold, ordered, bid_on)
    ]

    # then
    assert [result["deleteItem"]["errors"] for result in results] == [
        [{"field": "itemId", "code": "ITEM_SOLD", "message": "The lot is sold."}],
        [{"field": "itemId", "code": "HAS_ORDERS", "message": "The lot is on an order."}],
        [{"field": "itemId", "code": "HAS_BIDS", "message": "The lot has bids."}],
    ]
    for item in (sold, ordered, bid_on):
        assert await session.get(models.Item, item.id) is not None
    assert await actions(session, models.EntityType.ITEM) == []


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_edit_items(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    # given
    sale, consignment = await _sale_with_consignment(session)
    item = await factories.create_item(session, sale=sale, title="Kept")
    bidder = await factories.create_bidder(session)
    as_ = bidder if caller else None
    item_id = to_base64("Item", item.id)

    # when
    created = await graphql(CREATE_ITEM_MUTATION, _create_input(sale, consignment), as_=as_)
    updated = await graphql(UPDATE_ITEM_MUTATION, {"input": {"id": item_id, "title": "X"}}, as_=as_)
    deleted = await graphql(DELETE_ITEM_MUTATION, {"input": {"id": item_id}}, as_=as_)

    # then
    for body in (created, updated, deleted):
        assert_graphql_error(body, code=code)
    refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
    assert refreshed.title == "Kept"
    assert await actions(session, models.EntityType.ITEM) == []


DELETE_ITEMS_MUTATION = """
mutation DeleteMany($input: DeleteItemsInput!) {
  deleteItems(input: $input) { count deletedIds errors { field code message } }
}
"""


@pytest.mark.parametrize(
    ("policy", "deleted"), [("REJECT_EVERYTHING", False), ("REJECT_FAILED_ROWS", True)]
)
async def test_bulk_delete_follows_the_error_policy(
    graphql: GraphQLClient, session: AsyncSession, policy: str, deleted: bool
) -> None:
    # given
    free = await factories.create_item(session)
    sold = await factories.create_item(session, status=models.ItemStatus.SOLD)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        DELETE_ITEMS_MUTATION,
        {
            "input": {
                "itemIds": [to_base64("Item", free.id), to_base64("Item", sold.id)],
                "errorPolicy": policy,
            }
        },
        as_=staff,
    )

    # then
    assert data["deleteItems"] == {
        "count": 1 if deleted else 0,
        "deletedIds": [to_base64("Item", free.id)] if deleted else [],
        "errors": [{"field": "itemIds.1", "code": "ITEM_SOLD", "message": "The lot is sold."}],
    }
    assert (await session.get(models.Item, free.id) is None) is deleted
    assert await session.get(models.Item, sold.id) is not None
    assert await actions(session, models.EntityType.ITEM) == (["delete"] if deleted else [])


async def test_only_staff_delete_items_in_bulk(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session)
    bidder = await factories.create_bidder(session)

    # when
    body = await graphql(
        DELETE_ITEMS_MUTATION, {"input": {"itemIds": [to_base64("Item", item.id)]}}, as_=bidder
    )

    # then
    assert_graphql_error(body, code="FORBIDDEN")
    assert await session.get(models.Item, item.id) is not None
