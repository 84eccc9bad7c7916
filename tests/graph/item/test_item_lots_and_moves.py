"""updateItemStatuses, cloneItems, moveItems, renumberLots and updateItemLots through GraphQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.audit_rows import actions
from tests.graphql_client import GraphQLClient, assert_graphql_error

UPDATE_ITEM_STATUSES_MUTATION = """
mutation Statuses($input: UpdateItemStatusesInput!) {
  updateItemStatuses(input: $input) {
    count
    results { index item { status hammerPrice winner { databaseId } } errors { field code } }
    errors { field code message }
  }
}
"""

CLONE_ITEMS_MUTATION = """
mutation Clone($input: CloneItemsInput!) {
  cloneItems(input: $input) {
    items { databaseId lot title status bidCount sale { databaseId } consignment { databaseId } }
    errors { field code message }
  }
}
"""

MOVE_ITEMS_MUTATION = """
mutation Move($input: MoveItemsInput!) {
  moveItems(input: $input) {
    items { databaseId lot sale { databaseId } consignment { databaseId } }
    errors { field code message }
  }
}
"""

RENUMBER_LOTS_MUTATION = """
mutation Renumber($input: RenumberLotsInput!) {
  renumberLots(input: $input) {
    items { databaseId lot }
    errors { field code message }
  }
}
"""

UPDATE_ITEM_LOTS_MUTATION = """
mutation Lots($input: UpdateItemLotsInput!) {
  updateItemLots(input: $input) {
    items { databaseId lot }
    errors { field code message }
  }
}
"""


def _gid(row: models.Item | models.Sale | models.Consignment) -> str:
    return to_base64(type(row).__name__, row.id)


async def _target(
    session: AsyncSession, **overrides: object
) -> tuple[models.Sale, models.Consignment]:
    sale = await factories.create_sale(session, **overrides)
    return sale, await factories.create_consignment(session, sale=sale)


# -- updateItemStatuses --------------------------------------------------------------------


async def test_lots_are_withdrawn_in_bulk(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    sale = await factories.create_sale(session)
    first = await factories.create_item(session, sale=sale)
    second = await factories.create_item(session, sale=sale)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_ITEM_STATUSES_MUTATION,
        {"input": {"itemIds": [_gid(first), _gid(second)], "status": "WITHDRAWN"}},
        as_=staff,
    )

    # then
    payload = data["updateItemStatuses"]
    assert payload["errors"] == []
    assert payload["count"] == 2
    assert [row["item"]["status"] for row in payload["results"]] == ["WITHDRAWN", "WITHDRAWN"]
    closed = await session.get_one(models.Sale, sale.id, populate_existing=True)
    assert closed.closed_at is not None
    assert await actions(session, models.EntityType.ITEM) == ["update", "update"]


async def test_marking_sold_needs_a_bid_and_uses_the_leading_one(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bid_on = await factories.create_item(session, reserve_price=Decimal("900"))
    bidder = await factories.create_client(session)
    await factories.create_bid(session, item=bid_on, bidder=bidder, amount=Decimal("120"))
    untouched = await factories.create_item(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_ITEM_STATUSES_MUTATION,
        {
            "input": {
                "itemIds": [_gid(bid_on), _gid(untouched)],
                "status": "SOLD",
                "errorPolicy": "REJECT_FAILED_ROWS",
            }
        },
        as_=staff,
    )

    # then
    payload = data["updateItemStatuses"]
    assert payload["count"] == 1
    assert payload["results"][0]["item"] == {
        "status": "SOLD",
        "hammerPrice": "120.00",
        "winner": {"databaseId": bidder.id},
    }
    assert payload["errors"] == [
        {
            "field": "itemIds.1",
            "code": "INVALID",
            "message": "A lot without bids cannot be marked sold.",
        }
    ]
    refreshed = await session.get_one(models.Item, untouched.id, populate_existing=True)
    assert refreshed.status is models.ItemStatus.ACTIVE


async def test_a_lot_on_an_order_keeps_its_result_and_reject_everything_changes_nothing(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    client = await factories.create_client(session)
    sold = await factories.create_item(session, status=models.ItemStatus.SOLD)
    await factories.create_order(session, client=client, lines=[{"item": sold}])
    other = await factories.create_item(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_ITEM_STATUSES_MUTATION,
        {"input": {"itemIds": [_gid(other), _gid(sold)], "status": "UNSOLD"}},
        as_=staff,
    )

    # then
    payload = data["updateItemStatuses"]
    assert payload["count"] == 0
    assert payload["errors"] == [
        {"field": "itemIds.1", "code": "HAS_ORDERS", "message": "The lot is on an order."}
    ]
    for item, status in ((sold, models.ItemStatus.SOLD), (other, models.ItemStatus.ACTIVE)):
        refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
        assert refreshed.status is status
    assert await actions(session, models.EntityType.ITEM) == []


async def test_only_closing_statuses_are_accepted(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_ITEM_STATUSES_MUTATION,
        {"input": {"itemIds": [_gid(item)], "status": "AVAILABLE"}},
        as_=staff,
    )

    # then
    assert data["updateItemStatuses"] == {
        "count": 0,
        "results": [],
        "errors": [
            {
                "field": "status",
                "code": "INVALID",
                "message": "The status must be WITHDRAWN, SOLD, UNSOLD or PASSED.",
            }
        ],
    }


# -- cloneItems ------------------------------------------------------------------------------


async def test_clones_get_the_next_free_lots_and_no_history(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    source = await factories.create_item(session, title="Vase", status=models.ItemStatus.SOLD)
    bidder = await factories.create_client(session)
    await factories.create_bid(session, item=source, bidder=bidder, amount=Decimal("80"))
    sale, consignment = await _target(session)
    await factories.create_item(session, sale=sale, lot_number=10)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        CLONE_ITEMS_MUTATION,
        {
            "input": {
                "itemIds": [_gid(source), _gid(source)],
                "targetSaleId": _gid(sale),
                "targetConsignmentId": _gid(consignment),
            }
        },
        as_=staff,
    )

    # then
    payload = data["cloneItems"]
    assert payload["errors"] == []
    assert [
        (row["lot"], row["title"], row["status"], row["bidCount"]) for row in payload["items"]
    ] == [("11", "Vase", "AVAILABLE", 0), ("12", "Vase", "AVAILABLE", 0)]
    assert {row["sale"]["databaseId"] for row in payload["items"]} == {sale.id}
    assert {row["consignment"]["databaseId"] for row in payload["items"]} == {consignment.id}
    assert await actions(session, models.EntityType.ITEM) == ["create", "create"]


async def test_a_locked_target_and_a_foreign_consignment_refuse_clones(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    source = await factories.create_item(session)
    sale, _consignment = await _target(session, lots_locked=True)
    _other, foreign = await _target(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        CLONE_ITEMS_MUTATION,
        {
            "input": {
                "itemIds": [_gid(source)],
                "targetSaleId": _gid(sale),
                "targetConsignmentId": _gid(foreign),
            }
        },
        as_=staff,
    )

    # then
    assert data["cloneItems"] == {
        "items": [],
        "errors": [
            {
                "field": "targetSaleId",
                "code": "LOTS_LOCKED",
                "message": "Lots are locked for this sale.",
            },
            {
                "field": "targetConsignmentId",
                "code": "INVALID",
                "message": "The consignment does not belong to the target sale.",
            },
        ],
    }
    assert await actions(session, models.EntityType.ITEM) == []


# -- moveItems -------------------------------------------------------------------------------


async def test_moved_lots_keep_free_numbers_and_renumber_taken_ones(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    origin = await factories.create_sale(session)
    keeps = await factories.create_item(session, sale=origin, lot_number=3)
    clashes = await factories.create_item(session, sale=origin, lot_number=7)
    sale, consignment = await _target(session)
    await factories.create_item(session, sale=sale, lot_number=7)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        MOVE_ITEMS_MUTATION,
        {
            "input": {
                "itemIds": [_gid(keeps), _gid(clashes)],
                "targetSaleId": _gid(sale),
                "targetConsignmentId": _gid(consignment),
            }
        },
        as_=staff,
    )

    # then
    payload = data["moveItems"]
    assert payload["errors"] == []
    assert payload["items"] == [
        {
            "databaseId": keeps.id,
            "lot": "3",
            "sale": {"databaseId": sale.id},
            "consignment": {"databaseId": consignment.id},
        },
        {
            "databaseId": clashes.id,
            "lot": "8",
            "sale": {"databaseId": sale.id},
            "consignment": {"databaseId": consignment.id},
        },
    ]
    assert await actions(session, models.EntityType.ITEM) == ["update", "update"]


async def test_sold_lots_and_lots_with_bids_do_not_move(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sold = await factories.create_item(session, status=models.ItemStatus.SOLD)
    bid_on = await factories.create_item(session)
    bidder = await factories.create_client(session)
    await factories.create_bid(session, item=bid_on, bidder=bidder, amount=Decimal("80"))
    free = await factories.create_item(session)
    sale, consignment = await _target(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        MOVE_ITEMS_MUTATION,
        {
            "input": {
                "itemIds": [_gid(free), _gid(sold), _gid(bid_on)],
                "targetSaleId": _gid(sale),
                "targetConsignmentId": _gid(consignment),
            }
        },
        as_=staff,
    )

    # then
    assert data["moveItems"] == {
        "items": [],
        "errors": [
            {"field": "items.1", "code": "ITEM_SOLD", "message": "The lot is sold."},
            {"field": "items.2", "code": "HAS_BIDS", "message": "The lot has bids."},
        ],
    }
    refreshed = await session.get_one(models.Item, free.id, populate_existing=True)
    assert refreshed.sale_id == free.sale_id
    assert await actions(session, models.EntityType.ITEM) == []


# -- renumberLots and updateItemLots ---------------------------------------------------------


async def test_renumbering_follows_lot_order_and_clears_letters(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session)
    b = await factories.create_item(session, sale=sale, lot_number=5, lot_letter="A")
    a = await factories.create_item(session, sale=sale, lot_number=5)
    c = await factories.create_item(session, sale=sale, lot_number=None)
    d = await factories.create_item(session, sale=sale, lot_number=2)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        RENUMBER_LOTS_MUTATION, {"input": {"saleId": _gid(sale), "startAt": 1}}, as_=staff
    )

    # then
    payload = data["renumberLots"]
    assert payload["errors"] == []
    assert [(row["databaseId"], row["lot"]) for row in payload["items"]] == [
        (d.id, "1"),
        (a.id, "2"),
        (b.id, "3"),
        (c.id, "4"),
    ]
    assert len(await actions(session, models.EntityType.ITEM)) == 4


async def test_a_locked_sale_is_not_renumbered(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session, lots_locked=True)
    item = await factories.create_item(session, sale=sale, lot_number=9)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(RENUMBER_LOTS_MUTATION, {"input": {"saleId": _gid(sale)}}, as_=staff)

    # then
    assert data["renumberLots"]["errors"] == [
        {"field": "saleId", "code": "LOTS_LOCKED", "message": "Lots are locked for this sale."}
    ]
    refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
    assert refreshed.lot_number == 9
    assert await actions(session, models.EntityType.ITEM) == []


async def test_lots_swap_in_one_bulk_lot_edit(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session)
    first = await factories.create_item(session, sale=sale, lot_number=1)
    second = await factories.create_item(session, sale=sale, lot_number=2)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_ITEM_LOTS_MUTATION,
        {
            "input": {
                "items": [
                    {"itemId": _gid(first), "lot": "2"},
                    {"itemId": _gid(second), "lot": "1a"},
                ]
            }
        },
        as_=staff,
    )

    # then
    assert data["updateItemLots"] == {
        "items": [
            {"databaseId": first.id, "lot": "2"},
            {"databaseId": second.id, "lot": "1A"},
        ],
        "errors": [],
    }
    assert await actions(session, models.EntityType.ITEM) == ["update", "update"]


async def test_a_bad_or_taken_lot_refuses_the_whole_lot_edit(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session)
    first = await factories.create_item(session, sale=sale, lot_number=1)
    second = await factories.create_item(session, sale=sale, lot_number=2)
    await factories.create_item(session, sale=sale, lot_number=3)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        UPDATE_ITEM_LOTS_MUTATION,
        {
            "input": {
                "items": [
                    {"itemId": _gid(first), "lot": "3"},
                    {"itemId": _gid(second), "lot": "A12"},
                ]
            }
        },
        as_=staff,
    )

    # then
    assert data["updateItemLots"] == {
        "items": [],
        "errors": [
            {
                "field": "items.1.lot",
                "code": "INVALID",
                "message": "A lot is digits followed by up to three letters (150, 150A).",
            },
            {
                "field": "items.0.lot",
                "code": "UNIQUE",
                "message": "Lot number already used in this sale.",
            },
        ],
    }
    refreshed = await session.get_one(models.Item, first.id, populate_existing=True)
    assert refreshed.lot_number == 1
    assert await actions(session, models.EntityType.ITEM) == []


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_renumber_clone_move_and_close_lots(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    # given
    item = await factories.create_item(session, lot_number=4)
    sale, consignment = await _target(session)
    bidder = await factories.create_bidder(session)
    as_ = bidder if caller else None
    copy_input = {
        "itemIds": [_gid(item)],
        "targetSaleId": _gid(sale),
        "targetConsignmentId": _gid(consignment),
    }

    # when
    bodies = [
        await graphql(
            UPDATE_ITEM_STATUSES_MUTATION,
            {"input": {"itemIds": [_gid(item)], "status": "WITHDRAWN"}},
            as_=as_,
        ),
        await graphql(CLONE_ITEMS_MUTATION, {"input": copy_input}, as_=as_),
        await graphql(MOVE_ITEMS_MUTATION, {"input": copy_input}, as_=as_),
        await graphql(RENUMBER_LOTS_MUTATION, {"input": {"saleId": _gid(sale)}}, as_=as_),
        await graphql(
            UPDATE_ITEM_LOTS_MUTATION,
            {"input": {"items": [{"itemId": _gid(item), "lot": "5"}]}},
            as_=as_,
        ),
    ]

    # then
    for body in bodies:
        assert_graphql_error(body, code=code)
    refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
    assert (refreshed.status, refreshed.lot_number) == (models.ItemStatus.ACTIVE, 4)
    assert await actions(session, models.EntityType.ITEM) == []


async def test_lots_of_a_locked_sale_do_not_move_out(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    origin = await factories.create_sale(session, lots_locked=True)
    item = await factories.create_item(session, sale=origin, lot_number=3)
    sale, consignment = await _target(session)
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        MOVE_ITEMS_MUTATION,
        {
            "input": {
                "itemIds": [_gid(item)],
                "targetSaleId": _gid(sale),
                "targetConsignmentId": _gid(consignment),
            }
        },
        as_=staff,
    )

    # then
    assert data["moveItems"]["errors"] == [
        {"field": "items.0", "code": "LOTS_LOCKED", "message": "Lots are locked for this sale."}
    ]
    refreshed = await session.get_one(models.Item, item.id, populate_existing=True)
    assert (refreshed.sale_id, refreshed.lot_number) == (origin.id, 3)


async def test_moving_within_a_sale_only_changes_the_consignment(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale, consignment = await _target(session)
    item = await factories.create_item(session, sale=sale, lot_number=3, lot_letter="A")
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(
        MOVE_ITEMS_MUTATION,
        {
            "input": {
                "itemIds": [_gid(item)],
                "targetSaleId": _gid(sale),
                "targetConsignmentId": _gid(consignment),
            }
        },
        as_=staff,
    )

    # then
    assert data["moveItems"] == {
        "items": [
            {
                "databaseId": item.id,
                "lot": "3A",
                "sale": {"databaseId": sale.id},
                "consignment": {"databaseId": consignment.id},
            }
        ],
        "errors": [],
    }
    assert await actions(session, models.EntityType.ITEM, item.id) == ["update"]
