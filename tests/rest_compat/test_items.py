"""REST B5 items: list (filters, sorts), get; shapes compared field by field with B5.0."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from rest_compat.circuit.items import FIELDS, NOT_STORED_LISTS, NOT_STORED_NULL, TERM_LISTS, Item
from rest_compat.shapes import ListEnvelope, SingleEnvelope
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

URL = "/api/v1.0/datatable-items"


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


CATALOGUE_UNSET: dict[str, Any] = {
    **dict.fromkeys(
        (
            "position_of_consignment",
            "footer",
            "caption",
            "literature",
            "essay",
            "provenance",
            "ex",
            "type",
            "item_type",
            "grade",
            "year",
            "consignor_reference_number",
            "estimate_internal",
            "retail_price",
            "buy_now_setting",
            "reserve_type",
            "video_url",
            "pdf_url",
            "certificate_link",
            "reference_link",
            "product_tax_code",
            "harmonized_code",
            "signed_locations",
            "art_work_type",
            "shipping_id",
            "public_message",
            "dont_pay_consignor_note",
            "printing_options",
            "consignor_price",
            "under_extension_status",
            "bidder_alias",
            "user_agent",
        )
    ),
    "post_sale": False,
    "hide_sold_information": False,
    "catalogs": [],
}
"""The stored descriptive fields of a lot that sets none of them (history-fed ones too)."""


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ids(body: dict[str, Any]) -> list[str]:
    return [row["id"] for row in body["data"]]


async def test_get_item_shape(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session, title="Summer Auction 2025")
    consignor = await factories.create_client(session, first_name="Ada", last_name="Byron")
    winner = await factories.create_client(
        session, first_name="John", last_name="Doe", bidder_number="12345"
    )
    consignment = await factories.create_consignment(
        session, consignor=consignor, sale=sale, number="CON-2025-001", symbol="A", sub_symbol="1"
    )
    category = models.Category(name="Vases")
    session.add(category)
    await session.flush()
    before = await factories.create_item(session, sale=sale, lot_number=149)
    item = await factories.create_item(
        session,
        sale=sale,
        consignment=consignment,
        category_id=category.id,
        lot_number=150,
        lot_letter="A",
        title="Ming vase",
        description="<p>Blue</p>",
        status=models.ItemStatus.SOLD,
        hammer_price=Decimal("1200"),
        current_bid=Decimal("1100"),
        reserve_price=Decimal("900"),
        minimum_price=Decimal("800"),
        winner_id=winner.id,
        auctioneer_notes="fragile",
        dimensions=[{"height": "30.00", "width": "15.00", "depth": None, "weight": "2.50"}],
        additional_charges=[
            {
                "term": "Shipping",
                "amount": "12.00",
                "tax": "0",
                "description": "",
                "attached_to": "item",
            }
        ],
    )
    after = await factories.create_item(session, sale=sale, lot_number=151)
    image = await factories.create_file(session, item=item)

    # when
    response = await http.get(f"{URL}/{item.id}", headers=await auth(graphql, staff))

    # then
    assert response.status_code == 200, response.json()
    (row,) = response.json()["data"]
    assert list(row) == list(FIELDS)
    url = f"http://test/files/{image.id}"
    expected: dict[str, Any] = {
        **{name: None for name in NOT_STORED_NULL},
        **{name: [] for name in NOT_STORED_LISTS},
        **{name: [] for name in TERM_LISTS},
        "collectible_type": None,
        "country": None,
        "current_order": None,  # not invoiced (tests/rest_compat/test_item_field_selection.py)
        "current_consignment_statement": None,
        "itemWebsiteLink": None,  # no GAVEL_PUBLIC_URL here (tests/rest_compat/test_sale_fields.py)
        **CATALOGUE_UNSET,
        "dont_pay_consignor": False,
        "responsible_user": [],
        "id": str(item.id),
        "uuid": str(item.uuid),
        "label": "Item #150A",
        "display_id": "150A",
        "lot": "150A",
        "lot_number": 150,
        "lot_letter": "A",
        "subtitle": "Ming vase",
        "description": "<p>Blue</p>",
        "published": True,
        "sale": {"id": str(sale.id), "label": "Summer Auction 2025"},
        "sale_title": "Summer Auction 2025",
        "consignment": {
            "id": str(consignment.id),
            "label": "CON-2025-001",
            "symbol": "A",
            "sub_symbol": "1",
        },
        "consignment_id": "CON-2025-001",
        "consignor_name": "Ada Byron",
        "consignment_owner_id": str(consignor.id),
        "category": {"id": str(category.id), "label": "Vases"},
        "categories": [{"id": str(category.id), "label": "Vases"}],
        "main_category_tid": str(category.id),
        "opening_price": "50.00",
        "minimum_price": "800.00",
        "buy_now_price": None,
        "estimate_low": "100.00",
        "estimate_high": "200.00",
        "reserve_price": "900.00",
        "current_price": "1100.00",
        "hammer_price": "1200.00",
        "sold_for": "1200.00",
        "status": {"id": "sold", "value": "sold", "label": "Sold"},
        "sold_status": "sold",
        "withdrawn": False,
        "winner": {"id": str(winner.id), "label": "John Doe", "bidder_number": "12345"},
        "winner_bidder": str(winner.id),
        "bidder_number": "12345",
        "images": [
            {
                "id": str(image.id),
                "url": row["images"][0]["url"],
                "thumbnail": row["images"][0]["url"],
            }
        ],
        "dimensions": {"height": "30.00cm", "width": "15.00cm", "weight": "2.50kg"},
        "dimension_rows": [{"height": "30.00", "width": "15.00", "depth": None, "weight": "2.50"}],
        "auctioneer_notes": "fragile",
        "additional_charges": [
            {
                "term": {"id": "Shipping", "label": "Shipping"},
                "amount": "12.00",
                "tax": "0.00",
                "description": "",
                "attached_to": "item",
            }
        ],
        "previous_lot": {"id": str(before.id), "label": "Item #149"},
        "next_lot": {"id": str(after.id), "label": "Item #151"},
        "created": iso(item.created_at),
        "updated": iso(item.updated_at),
    }
    assert row == {name: expected[name] for name in FIELDS}
    assert row["images"][0]["url"].startswith(url)


async def test_non_staff_do_not_see_staff_fields(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    winner = await factories.create_client(session)
    item = await factories.create_item(
        session, reserve_price=Decimal("5"), auctioneer_notes="x", winner_id=winner.id
    )
    hidden = await factories.create_item(session, published=False)

    # when
    response = await http.get(f"{URL}/{item.id}", headers=await auth(graphql, bidder))
    missing = await http.get(f"{URL}/{hidden.id}", headers=await auth(graphql, bidder))

    # then
    (row,) = response.json()["data"]
    assert row["reserve_price"] is None
    assert row["auctioneer_notes"] is None
    assert row["winner"] is None
    assert row["winner_bidder"] is None
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"Item with ID {hidden.id} does not exist"


async def test_filters(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    other_sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale, symbol="ABC")
    category = models.Category(name="Coins")
    session.add(category)
    await session.flush()
    a = await factories.create_item(
        session,
        sale=sale,
        consignment=consignment,
        lot_number=12,
        title="Gold coin",
        estimate_low=Decimal("50"),
        category_id=category.id,
    )
    b = await factories.create_item(
        session,
        sale=sale,
        lot_number=120,
        lot_letter="B",
        description="a blue vase",
        status=models.ItemStatus.SOLD,
        hammer_price=Decimal("300"),
    )
    c = await factories.create_item(
        session,
        sale=other_sale,
        lot_number=3,
        estimate_low=Decimal("500"),
        status=models.ItemStatus.WITHDRAWN,
    )
    headers = await auth(graphql, staff)
    cases = {
        f"filter[sale]={sale.id}": [a, b],
        f"sale_id={other_sale.id}": [c],
        f"filter[consignment]={consignment.id}": [a],
        f"filter[category]={category.id}": [a],
        "filter[status]=sold": [b],
        "filter[status][value][0]=sold&filter[status][value][1]=withdrawn": [b, c],
        "filter[lot]=12": [a, b],
        "filter[lot]=120B": [b],
        "filter[description]=vase|coin": [a, b],
        "filter[description]=^Gold": [a],
        "filter[estimate_low][value][from]=100": [b, c],
        "filter[estimate_low][value][to]=100": [a, b],
        "filter[estimate_high][value][from]=200": [a, b, c],
        "filter[hammer_price][value][from]=100": [b],
        "filter[consignor_symbol]=bc": [a],
    }

    for query, expected in cases.items():
        # when
        response = await http.get(f"{URL}?{query}&sort=id", headers=headers)

        # then
        assert response.status_code == 200, (query, response.json())
        assert ids(response.json()) == [str(x.id) for x in expected], query
        assert response.json()["count"] == len(expected)


async def test_filters_beyond_what_a_column_holds_are_answered(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    """Found by schemathesis-style probes: amounts wider than ``numeric(12,2)`` overflowed in
    PostgreSQL, and a LIKE pattern ending in ``\\`` failed on the first row (both 500)."""
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session, lot_number=7, estimate_low=Decimal("100"))
    headers = await auth(graphql, staff)
    answered = {
        "filter[estimate_low][value][to]=99999999999999999": [item],
        "filter[estimate_low][value][from]=99999999999999999": [],
        "filter[estimate_low][value][0]=100.001&filter[estimate_low][value][1]=100": [item],
        "filter[estimate_low][value]=0.004&filter[estimate_low][operator]=>": [item],
        "filter[lot][value]=%25%5C%5C&filter[lot][operator]=LIKE": [],
    }

    for query, expected in answered.items():
        # when
        response = await http.get(f"{URL}?{query}", headers=headers)

        # then
        assert response.status_code == 200, (query, response.json())
        assert ids(response.json()) == [str(x.id) for x in expected], query

    # when
    refused = await http.get(
        f"{URL}?filter[lot][value]=%25%5C&filter[lot][operator]=LIKE", headers=headers
    )

    # then
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "filter[lot][value]": ["A LIKE pattern must not end with an escaping backslash."]
    }


async def test_sorts(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    a = await factories.create_item(
        session,
        sale=sale,
        lot_number=2,
        lot_letter="B",
        starting_price=Decimal("30"),
        estimate_low=Decimal("3"),
        estimate_high=Decimal("30"),
        hammer_price=Decimal("1"),
        status=models.ItemStatus.SOLD,
        position_of_consignment=3,
    )
    b = await factories.create_item(
        session,
        sale=sale,
        lot_number=10,
        position_of_consignment=1,
        starting_price=Decimal("10"),
        estimate_low=Decimal("1"),
        estimate_high=Decimal("10"),
        hammer_price=Decimal("3"),
    )
    c = await factories.create_item(
        session,
        sale=sale,
        lot_number=2,
        lot_letter="A",
        starting_price=Decimal("20"),
        estimate_low=Decimal("2"),
        estimate_high=Decimal("20"),
        hammer_price=Decimal("2"),
        status=models.ItemStatus.PASSED,
    )
    headers = await auth(graphql, staff)
    cases = {
        "": [c, a, b],
        "lot": [c, a, b],
        "-lot": [b, a, c],
        "display_id": [c, a, b],
        "lot_number,-id": [c, a, b],
        "lot_letter,id": [b, c, a],
        "id": [a, b, c],
        "-id": [c, b, a],
        "opening_price": [b, c, a],
        "estimate_low": [b, c, a],
        "-estimate_high": [a, c, b],
        "hammer_price": [a, c, b],
        "position_of_consignment": [b, a, c],
        "-position_of_consignment": [c, a, b],
        "status,id": [b, c, a],
        "created,id": [a, b, c],
        "-updated,-id": [c, b, a],
    }

    for sort, expected in cases.items():
        # when
        response = await http.get(f"{URL}?sort={sort}" if sort else URL, headers=headers)

        # then
        assert response.status_code == 200, (sort, response.json())
        assert ids(response.json()) == [str(x.id) for x in expected], sort


async def test_list_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)

    # when
    bad_sort = await http.get(f"{URL}?sort=provenance", headers=headers)
    bad_filter = await http.get(f"{URL}?filter[winner]=1", headers=headers)
    bad_regex = await http.get(f"{URL}?filter[description]=(", headers=headers)
    bad_money = await http.get(f"{URL}?filter[hammer_price][value][from]=lots", headers=headers)
    bad_sale = await http.get(f"{URL}?sale_id=x", headers=headers)
    bad_fields = await http.get(f"{URL}?fields=lot,nope", headers=headers)

    # then
    for response in (bad_sort, bad_filter, bad_regex, bad_money, bad_sale, bad_fields):
        assert response.status_code == 400, response.json()
    assert bad_sort.json()["errors"] == {"sort": ["Unknown field: provenance"]}
    assert bad_filter.json()["title"] == "Invalid filter"
    assert bad_regex.json()["title"] == "Invalid regular expression"
    assert list(bad_money.json()["errors"]) == ["filter[hammer_price][value][from]"]
    assert list(bad_sale.json()["errors"]) == ["sale_id"]
    assert bad_fields.json()["errors"] == {"fields": ["Unknown field: nope"]}


async def test_pages_fields_and_search(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    items = [await factories.create_item(session, sale=sale, lot_number=n) for n in (1, 2, 3)]
    await factories.create_item(session, sale=sale, lot_number=4, title="Rare stamp")
    headers = await auth(graphql, staff)

    # when
    page = (await http.get(f"{URL}?range=2&page=1&fields=lot,status", headers=headers)).json()
    found = (await http.get(f"{URL}?global_search=rare&fields=lot", headers=headers)).json()

    # then
    assert page["count"] == 4
    assert page["data"][0] == {
        "id": str(items[2].id),
        "lot": "3",
        "status": {"id": "active", "value": "active", "label": "Active"},
    }
    assert "next" not in page
    assert [row["lot"] for row in found["data"]] == ["4"]


async def test_responses_match_their_declared_models(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    consignment = await factories.create_consignment(session)
    item = await factories.create_item(
        session, consignment=consignment, dimensions=[{"height": "3.00"}]
    )
    await factories.create_file(session, item=item)
    headers = await auth(graphql, staff)

    # when
    listed = await http.get(URL, headers=headers)
    got = await http.get(f"{URL}/{item.id}", headers=headers)

    # then
    ListEnvelope[Item].model_validate(listed.json(), strict=True)
    SingleEnvelope[Item].model_validate(got.json(), strict=True)


BULK = "/api/v1.0/items-bulk"
CLONE_OR_MOVE = "/api/v1.0/item-clone-or-move"


async def item_activities(session: AsyncSession) -> list[tuple[str, int]]:
    session.expunge_all()
    result = await session.execute(
        sa.select(models.Activity.action, models.Activity.entity_id)
        .where(models.Activity.entity_type == models.EntityType.ITEM)
        .order_by(models.Activity.id)
    )
    return [(a, i) for a, i in result.all()]


async def test_bulk_update_status(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    items = [await factories.create_item(session) for _ in range(3)]

    # when
    response = await http.post(
        BULK,
        json={
            "operation": "update_status",
            "items": [str(i.id) for i in items],
            "values": {"status": "withdrawn"},
        },
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "data": {"success": True, "operation": "update_status", "items_processed": 3}
    }
    for item in items:
        stored = await session.get(models.Item, item.id)
        assert stored is not None
        assert stored.status is models.ItemStatus.WITHDRAWN
    assert await item_activities(session) == [("update", i.id) for i in items]


async def test_bulk_update_field_and_delete(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    a = await factories.create_item(session)
    b = await factories.create_item(session)
    headers = await auth(graphql, staff)

    # when
    updated = await http.post(
        BULK,
        json={
            "operation": "update_field",
            "items": [a.id, b.id],
            "field": "estimate_low",
            "value": 12550,
        },
        headers=headers,
    )
    deleted = await http.post(BULK, json={"operation": "delete", "items": [b.id]}, headers=headers)

    # then
    assert updated.status_code == 200, updated.json()
    assert updated.json()["data"] == {
        "success": True,
        "operation": "update_field",
        "items_processed": 2,
    }
    assert deleted.status_code == 200, deleted.json()
    assert deleted.json()["data"]["items_processed"] == 1
    session.expunge_all()
    stored = await session.get(models.Item, a.id)
    assert stored is not None
    assert stored.estimate_low == Decimal("125.50")
    assert await session.get(models.Item, b.id) is None
    assert await item_activities(session) == [("update", a.id), ("update", b.id), ("delete", b.id)]


async def test_bulk_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    item = await factories.create_item(session)
    sold = await factories.create_item(session, status=models.ItemStatus.SOLD)
    headers = await auth(graphql, staff)

    # when
    no_operation = await http.post(BULK, json={"items": [item.id]}, headers=headers)
    unknown_operation = await http.post(
        BULK, json={"operation": "archive", "items": [item.id]}, headers=headers
    )
    no_items = await http.post(BULK, json={"operation": "delete"}, headers=headers)
    bad_status = await http.post(
        BULK,
        json={"operation": "update_status", "items": [item.id], "values": {"status": "active"}},
        headers=headers,
    )
    unknown_field = await http.post(
        BULK,
        json={"operation": "update_field", "items": [item.id], "field": "winner", "value": 1},
        headers=headers,
    )
    bad_value = await http.post(
        BULK,
        json={
            "operation": "update_field",
            "items": [item.id],
            "field": "estimate_low",
            "value": "x",
        },
        headers=headers,
    )
    unknown_item = await http.post(
        BULK, json={"operation": "delete", "items": [item.id, 999999]}, headers=headers
    )
    delete_sold = await http.post(
        BULK, json={"operation": "delete", "items": [item.id, sold.id]}, headers=headers
    )
    as_bidder = await http.post(
        BULK, json={"operation": "delete", "items": [item.id]}, headers=await auth(graphql, bidder)
    )

    # then
    assert no_operation.status_code == 400
    assert no_operation.json()["errors"] == {"operation": ["This field is required."]}
    assert unknown_operation.status_code == 422
    assert list(unknown_operation.json()["errors"]) == ["operation"]
    assert no_items.status_code == 400
    assert bad_status.status_code == 422
    assert list(bad_status.json()["errors"]) == ["values.status"]
    assert unknown_field.status_code == 422
    assert list(unknown_field.json()["errors"]) == ["field"]
    assert bad_value.status_code == 422
    assert list(bad_value.json()["errors"]) == ["estimate_low"]
    assert unknown_item.status_code == 422
    assert list(unknown_item.json()["errors"]) == ["items.1"]
    assert delete_sold.status_code == 422
    assert list(delete_sold.json()["errors"]) == ["items.1"]
    assert as_bidder.status_code == 403
    # all or nothing: nothing was written
    assert await session.get(models.Item, item.id) is not None
    assert await item_activities(session) == []


async def test_clone_items(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    source = await factories.create_item(session, lot_number=5, title="Vase")
    target = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=target)
    await factories.create_item(session, sale=target, lot_number=40)

    # when
    response = await http.post(
        CLONE_OR_MOVE,
        json={
            "items": [str(source.id)],
            "operation": "clone",
            "target_sale": str(target.id),
            "target_consignment": str(consignment.id),
        },
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    (new_id,) = data["new_item_ids"]
    assert data == {
        "success": True,
        "operation": "clone",
        "items_processed": 1,
        "new_item_ids": [new_id],
    }
    assert new_id != str(source.id)
    copy = await session.get(models.Item, int(new_id))
    assert copy is not None
    assert (copy.sale_id, copy.consignment_id, copy.lot_number, copy.title) == (
        target.id,
        consignment.id,
        41,
        "Vase",
    )
    assert await item_activities(session) == [("create", int(new_id))]


async def test_move_items(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session, lot_number=7)
    target = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=target)

    # when
    response = await http.post(
        CLONE_OR_MOVE,
        json={
            "items": [item.id],
            "operation": "move",
            "target_sale": target.id,
            "target_consignment": consignment.id,
        },
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 200, response.json()
    assert response.json()["data"] == {
        "success": True,
        "operation": "move",
        "items_processed": 1,
        "new_item_ids": [str(item.id)],
    }
    session.expunge_all()
    moved = await session.get(models.Item, item.id)
    assert moved is not None
    assert (moved.sale_id, moved.consignment_id, moved.lot_number) == (target.id, consignment.id, 7)
    assert await item_activities(session) == [("update", item.id)]


async def test_clone_or_move_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    sold = await factories.create_item(session, status=models.ItemStatus.SOLD)
    target = await factories.create_sale(session)
    locked = await factories.create_sale(session, lots_locked=True)
    elsewhere = await factories.create_consignment(session)
    consignment = await factories.create_consignment(session, sale=target)
    locked_consignment = await factories.create_consignment(session, sale=locked)
    headers = await auth(graphql, staff)

    def body(**overrides: Any) -> dict[str, Any]:
        return {
            "items": [item.id],
            "operation": "move",
            "target_sale": target.id,
            "target_consignment": consignment.id,
            **overrides,
        }

    # when
    missing = await http.post(CLONE_OR_MOVE, json={"operation": "move"}, headers=headers)
    bad_operation = await http.post(CLONE_OR_MOVE, json=body(operation="copy"), headers=headers)
    wrong_consignment = await http.post(
        CLONE_OR_MOVE, json=body(target_consignment=elsewhere.id), headers=headers
    )
    into_locked = await http.post(
        CLONE_OR_MOVE,
        json=body(
            operation="clone", target_sale=locked.id, target_consignment=locked_consignment.id
        ),
        headers=headers,
    )
    move_sold = await http.post(CLONE_OR_MOVE, json=body(items=[item.id, sold.id]), headers=headers)
    unknown_item = await http.post(CLONE_OR_MOVE, json=body(items=[999999]), headers=headers)

    # then
    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["items"]
    assert bad_operation.status_code == 422
    assert list(bad_operation.json()["errors"]) == ["operation"]
    assert wrong_consignment.status_code == 422
    assert list(wrong_consignment.json()["errors"]) == ["target_consignment"]
    assert into_locked.status_code == 422
    assert into_locked.json()["errors"] == {"target_sale": ["Lots are locked for this sale."]}
    assert move_sold.status_code == 422
    assert list(move_sold.json()["errors"]) == ["items.1"]
    assert unknown_item.status_code == 422
    assert list(unknown_item.json()["errors"]) == ["items.0"]
    session.expunge_all()
    unchanged = await session.get(models.Item, item.id)
    assert unchanged is not None
    assert unchanged.sale_id == item.sale_id
    assert await item_activities(session) == []


async def test_create_item(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale, symbol="A")
    await factories.create_item(session, sale=sale, lot_number=9)

    # when
    response = await http.post(
        f"{URL}?sale_id={sale.id}",
        json={
            "consignment": str(consignment.id),
            "subtitle": "Ming vase",
            "opening_price": 5000,
            "estimate_low": "10000",
            "published": "1",
            "dimensions": [{"height": 30, "width": 15, "packed_date": 1746057600000}],
            "field_withdrawn": True,
            "grade": "VF",
        },
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 201, response.json()
    (row,) = response.json()["data"]
    assert list(row) == list(FIELDS)
    assert response.headers["Location"] == f"http://test{URL}/{row['id']}"
    assert row["subtitle"] == "Ming vase"
    assert row["lot"] == "10"
    assert row["opening_price"] == "50.00"
    assert row["estimate_low"] == "100.00"
    assert row["consignment"]["id"] == str(consignment.id)
    assert row["dimensions"] == {"height": "30.00cm", "width": "15.00cm"}
    assert row["dimension_rows"][0]["packed_date"] == "2025-05-01"
    assert row["grade"] == "VF"
    assert row["status"]["id"] != "withdrawn"
    assert await item_activities(session) == [("create", int(row["id"]))]


async def test_create_item_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    sale = await factories.create_sale(session)
    other = await factories.create_consignment(session)
    consignment = await factories.create_consignment(session, sale=sale)
    await factories.create_item(session, sale=sale, lot_number=1)
    locked = await factories.create_sale(session, lots_locked=True)
    locked_consignment = await factories.create_consignment(session, sale=locked)
    headers = await auth(graphql, staff)
    url = f"{URL}?sale_id={sale.id}"

    # when
    no_sale = await http.post(URL, json={"consignment": consignment.id}, headers=headers)
    no_consignment = await http.post(url, json={"subtitle": "X"}, headers=headers)
    foreign = await http.post(url, json={"consignment": other.id, "subtitle": "X"}, headers=headers)
    taken_lot = await http.post(
        url, json={"consignment": consignment.id, "subtitle": "X", "lot_number": 1}, headers=headers
    )
    locked_lot = await http.post(
        f"{URL}?sale_id={locked.id}",
        json={"consignment": locked_consignment.id, "subtitle": "X", "lot_number": 5},
        headers=headers,
    )
    bad_money = await http.post(
        url, json={"consignment": consignment.id, "estimate_low": "1.5"}, headers=headers
    )
    as_bidder = await http.post(
        url, json={"consignment": consignment.id}, headers=await auth(graphql, bidder)
    )

    # then
    assert no_sale.status_code == 400
    assert list(no_sale.json()["errors"]) == ["sale_id"]
    assert no_consignment.status_code == 400
    assert no_consignment.json()["errors"] == {"consignment": ["This field is required."]}
    assert foreign.status_code == 422
    assert list(foreign.json()["errors"]) == ["consignment"]
    assert taken_lot.status_code == 422
    assert taken_lot.json()["title"] == "Lot number already used in this sale."
    assert locked_lot.status_code == 422
    assert locked_lot.json()["title"] == "Lots are locked for this sale."
    assert bad_money.status_code == 422
    assert list(bad_money.json()["errors"]) == ["estimate_low"]
    assert as_bidder.status_code == 403
    assert await item_activities(session) == []


async def test_update_item(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session, title="Old", description="Keep")
    headers = await auth(graphql, staff)

    # when
    response = await http.patch(
        f"{URL}/{item.id}", json={"subtitle": "New", "reserve_price": 12345}, headers=headers
    )
    missing = await http.patch(f"{URL}/999999", json={"subtitle": "X"}, headers=headers)
    empty = await http.patch(f"{URL}/{item.id}", json={"subtitle": ""}, headers=headers)

    # then
    assert response.status_code == 200, response.json()
    (row,) = response.json()["data"]
    assert row["subtitle"] == "New"
    assert row["description"] == "Keep"
    assert row["reserve_price"] == "123.45"
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Item with ID 999999 does not exist"
    assert empty.status_code == 422
    assert list(empty.json()["errors"]) == ["subtitle"]
    assert await item_activities(session) == [("update", item.id)]


async def test_items_bulk_edit_lots(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    a = await factories.create_item(session, sale=sale, lot_number=1)
    b = await factories.create_item(session, sale=sale, lot_number=2)
    headers = await auth(graphql, staff)

    # when
    swapped = await http.patch(
        "/api/v1.0/items-bulk-edit",
        json={"items": [{"id": str(a.id), "lot": "2"}, {"id": str(b.id), "lot": "1A"}]},
        headers=headers,
    )
    bad = await http.patch(
        "/api/v1.0/items-bulk-edit", json={"items": [{"id": a.id, "lot": "A1"}]}, headers=headers
    )
    missing = await http.patch("/api/v1.0/items-bulk-edit", json={}, headers=headers)

    # then
    assert swapped.status_code == 200, swapped.json()
    assert swapped.json() == {"data": {"success": True, "items_processed": 2}}
    session.expunge_all()
    moved_a = await session.get(models.Item, a.id)
    moved_b = await session.get(models.Item, b.id)
    assert moved_a is not None
    assert moved_b is not None
    assert (moved_a.lot_number, moved_a.lot_letter) == (2, "")
    assert (moved_b.lot_number, moved_b.lot_letter) == (1, "A")
    assert bad.status_code == 422
    assert missing.status_code == 400


async def test_items_list_simple(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    await factories.create_item(session, sale=sale, lot_number=1)
    await factories.create_item(session, sale=sale, lot_number=2, lot_letter="A")
    await factories.create_item(session, lot_number=3)
    headers = await auth(graphql, staff)

    # when
    default = await http.get(
        f"/api/v1.0/items-list?sale_id={sale.id}&sort=-lot&range=1", headers=headers
    )
    chosen = await http.get(
        f"/api/v1.0/items-list?sale_id={sale.id}&fields=subtitle", headers=headers
    )

    # then
    assert default.status_code == 200, default.json()
    body = default.json()
    assert body["count"] == 2
    assert body["data"] == [
        {
            "display_id": "2A",
            "lot": "2A",
            "status": {"id": "active", "value": "active", "label": "Active"},
        }
    ]
    assert body["next"]["href"] == (
        f"http://test/api/v1.0/items-list?sale_id={sale.id}"
        "&sort=-lot_number%2C-lot_letter&range=1&page=1"
    )
    assert set(chosen.json()["data"][0]) == {"id", "subtitle"}


async def test_list_statements_do_not_grow_with_rows(
    http: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    count_queries: StatementCounter,
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)
    sale = await factories.create_sale(session)

    async def lot(n: int) -> None:
        consignment = await factories.create_consignment(session, sale=sale)
        item = await factories.create_item(
            session,
            sale=sale,
            consignment=consignment,
            lot_number=n,
            provenance="Private collection",
            catalogs=[{"catalog_name": "Michel", "catalog_value": "10.00"}],
        )
        await factories.create_file(session, item=item)

    await lot(1)
    for n in range(2, 12):
        await lot(n)
    graphql.session.expunge_all()

    # when
    with count_queries.counting():
        response = await http.get(URL, headers=headers)
    many = count_queries.count

    # then
    assert response.json()["count"] == 11
    with count_queries.counting():
        await http.get(f"{URL}?range=1", headers=headers)
    assert count_queries.count == many
