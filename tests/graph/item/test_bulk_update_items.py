"""bulkUpdateItems through GraphQL: a result per row under each error policy."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.audit_rows import actions
from tests.graphql_client import GraphQLClient, assert_graphql_error

BULK_UPDATE_ITEMS_MUTATION = """
mutation Bulk($input: BulkUpdateItemsInput!) {
  bulkUpdateItems(input: $input) {
    count
    results { index item { databaseId lot title estimateLow estimateHigh } errors { field code } }
    errors { field code message }
  }
}
"""


def _row(item: models.Item, **fields: object) -> dict[str, object]:
    return {"id": to_base64("Item", item.id), **fields}


async def _three_lots(session: AsyncSession) -> list[models.Item]:
    sale = await factories.create_sale(session)
    return [
        await factories.create_item(session, sale=sale, lot_number=n, title=f"Lot {n}")
        for n in (1, 2, 3)
    ]


async def _titles(session: AsyncSession, items: list[models.Item]) -> list[str]:
    return [
        (await session.get_one(models.Item, item.id, populate_existing=True)).title
        for item in items
    ]


def _bad_rows(items: list[models.Item]) -> list[dict[str, object]]:
    """Row 0 is good; row 1 has a bad estimate range but a good title; row 2 is good."""
    return [
        _row(items[0], title="First"),
        _row(items[1], title="Second", estimateLow="900.00"),
        _row(items[2], title="Third"),
    ]


async def test_reject_everything_writes_nothing_when_one_row_fails(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    items = await _three_lots(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {"input": {"items": _bad_rows(items), "errorPolicy": "REJECT_EVERYTHING"}},
        as_=staff,
    )

    # then
    payload = data["bulkUpdateItems"]
    assert payload["count"] == 0
    assert [row["item"] for row in payload["results"]] == [None, None, None]
    assert payload["results"][1]["errors"] == [{"field": "items.1.estimateHigh", "code": "INVALID"}]
    assert payload["errors"] == [
        {
            "field": "items.1.estimateHigh",
            "code": "INVALID",
            "message": "`estimateHigh` must not be below `estimateLow`.",
        }
    ]
    assert await _titles(session, items) == ["Lot 1", "Lot 2", "Lot 3"]
    assert await actions(session, models.EntityType.ITEM) == []


async def test_reject_failed_rows_writes_the_good_rows(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    items = await _three_lots(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {"input": {"items": _bad_rows(items), "errorPolicy": "REJECT_FAILED_ROWS"}},
        as_=staff,
    )

    # then
    payload = data["bulkUpdateItems"]
    assert payload["count"] == 2
    assert [row["index"] for row in payload["results"]] == [0, 1, 2]
    assert payload["results"][0]["item"]["title"] == "First"
    assert payload["results"][1] == {
        "index": 1,
        "item": None,
        "errors": [{"field": "items.1.estimateHigh", "code": "INVALID"}],
    }
    assert payload["results"][2]["item"]["title"] == "Third"
    assert await _titles(session, items) == ["First", "Lot 2", "Third"]
    assert await actions(session, models.EntityType.ITEM) == ["update", "update"]


async def test_ignore_failed_saves_the_valid_part_of_a_failed_row(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    items = await _three_lots(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {
            "input": {
                "items": [
                    _row(items[0], title="First"),
                    _row(items[1], title="Second", estimateHigh="50.00"),
                    _row(items[2], title="Third"),
                ],
                "errorPolicy": "IGNORE_FAILED",
            }
        },
        as_=staff,
    )

    # then
    payload = data["bulkUpdateItems"]
    assert payload["count"] == 3
    assert payload["results"][1]["item"] == {
        "databaseId": items[1].id,
        "lot": "2",
        "title": "Second",
        "estimateLow": "100.00",
        "estimateHigh": "200.00",
    }
    assert payload["results"][1]["errors"] == [{"field": "items.1.estimateHigh", "code": "INVALID"}]
    assert await _titles(session, items) == ["First", "Second", "Third"]
    assert await actions(session, models.EntityType.ITEM) == ["update", "update", "update"]


async def test_lot_numbers_are_checked_on_the_final_state_so_swaps_work(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    items = await _three_lots(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {"input": {"items": [_row(items[0], lotNumber=2), _row(items[1], lotNumber=1)]}},
        as_=staff,
    )

    # then
    payload = data["bulkUpdateItems"]
    assert payload["errors"] == []
    assert [row["item"]["lot"] for row in payload["results"]] == ["2", "1"]


async def test_two_rows_claiming_one_lot_both_fail(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    items = await _three_lots(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {
            "input": {
                "items": [_row(items[0], lotNumber=9), _row(items[1], lotNumber=9)],
                "errorPolicy": "REJECT_FAILED_ROWS",
            }
        },
        as_=staff,
    )

    # then
    payload = data["bulkUpdateItems"]
    assert payload["count"] == 0
    assert payload["errors"] == [
        {
            "field": "items.0.lotNumber",
            "code": "UNIQUE",
            "message": "Lot number already used in this sale.",
        },
        {
            "field": "items.1.lotNumber",
            "code": "UNIQUE",
            "message": "Lot number already used in this sale.",
        },
    ]


async def test_a_locked_sale_refuses_lot_changes_in_bulk(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session, lots_locked=True)
    item = await factories.create_item(session, sale=sale, lot_number=1)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {"input": {"items": [_row(item, lotNumber=5, title="Renamed")]}},
        as_=staff,
    )

    # then
    assert data["bulkUpdateItems"]["errors"] == [
        {
            "field": "items.0.lotNumber",
            "code": "LOTS_LOCKED",
            "message": "Lots are locked for this sale.",
        }
    ]
    refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
    assert (refreshed.lot_number, refreshed.title) == (1, item.title)


async def test_bulk_edits_never_touch_the_bidding_state(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session)
    bidder = await factories.create_client(session)
    await factories.create_bid(session, item=item, bidder=bidder, amount=Decimal("75"))
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {"input": {"items": [_row(item, startingPrice="1.00")], "errorPolicy": "IGNORE_FAILED"}},
        as_=staff,
    )

    # then
    assert data["bulkUpdateItems"]["results"][0]["errors"] == [
        {"field": "items.0.startingPrice", "code": "HAS_BIDS"}
    ]
    refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
    assert (refreshed.starting_price, refreshed.current_bid, refreshed.bid_count) == (
        Decimal("50.00"),
        Decimal("75.00"),
        1,
    )


async def test_an_unknown_item_is_a_row_error(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    items = await _three_lots(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {
            "input": {
                "items": [
                    _row(items[0], title="First"),
                    {"id": to_base64("Item", 0), "title": "X"},
                ],
                "errorPolicy": "REJECT_FAILED_ROWS",
            }
        },
        as_=staff,
    )

    # then
    payload = data["bulkUpdateItems"]
    assert payload["count"] == 1
    assert payload["errors"] == [
        {"field": "items.1.itemId", "code": "NOT_FOUND", "message": "Item not found."}
    ]


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_bulk_update_items(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    # given
    items = await _three_lots(session)
    bidder = await factories.create_bidder(session)

    # when
    body = await graphql(
        BULK_UPDATE_ITEMS_MUTATION,
        {"input": {"items": [_row(items[0], title="X")]}},
        as_=bidder if caller else None,
    )

    # then
    assert_graphql_error(body, code=code)
    assert await _titles(session, items) == ["Lot 1", "Lot 2", "Lot 3"]


async def test_ignore_failed_skips_a_taken_lot_but_keeps_the_rest_of_the_row(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session)
    item = await factories.create_item(session, sale=sale, lot_number=1, title="Lot 1")
    await factories.create_item(session, sale=sale, lot_number=1, lot_letter="A")
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        BULK_UPDATE_ITEMS_MUTATION,
        {
            "input": {
                "items": [_row(item, lotLetter="A", title="Renamed")],
                "errorPolicy": "IGNORE_FAILED",
            }
        },
        as_=staff,
    )

    # then
    payload = data["bulkUpdateItems"]
    assert payload["count"] == 1
    assert payload["results"][0]["errors"] == [{"field": "items.0.lotNumber", "code": "UNIQUE"}]
    assert (payload["results"][0]["item"]["lot"], payload["results"][0]["item"]["title"]) == (
        "1",
        "Renamed",
    )
