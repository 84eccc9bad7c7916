"""REST B5 item history: the write-only ``field_*`` inputs append history records whose newest
values feed the B5.0 read fields; the bidding engine's result stays authoritative."""

from __future__ import annotations

from decimal import Decimal

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient

URL = "/api/v1.0/datatable-items"
READ = (
    "consignor_price",
    "dont_pay_consignor",
    "user_agent",
    "bidder_alias",
    "sold_status",
    "under_extension_status",
    "withdrawn",
    "hammer_price",
    "status",
)


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


async def records(session: AsyncSession, item_id: int) -> list[models.ItemHistory]:
    session.expunge_all()
    result = await session.execute(
        sa.select(models.ItemHistory)
        .where(col(models.ItemHistory.item_id) == item_id)
        .order_by(col(models.ItemHistory.id))
    )
    return list(result.scalars())


async def test_history_inputs_append_records_read_back_next_to_the_engine_result(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    agent = await factories.create_staff(session)
    winner = await factories.create_client(session)
    item = await factories.create_item(
        session,
        status=models.ItemStatus.SOLD,
        hammer_price=Decimal("1200"),
        current_bid=Decimal("1200"),
        winner_id=winner.id,
        bid_count=3,
    )
    headers = await auth(graphql, staff)

    # when
    first = await http.patch(
        f"{URL}/{item.id}",
        json={
            "field_consignor_price": 100000,
            "field_dont_pay_consignor": "1",
            "field_sold_agent": str(agent.id),
            "field_sold_for_amount": 99900,
            "field_sold_to_bidder_id": 12345,
            "field_bidder_alias": "Paddle 12",
            "field_sold_status": "unsold",
            "field_under_extension_status": "extended",
            "field_winner_bidder": winner.id,
            "field_withdrawn": False,
        },
        headers=headers,
    )
    second = await http.patch(
        f"{URL}/{item.id}",
        json={"field_bidder_alias": "Paddle 13", "field_dont_pay_consignor": None},
        headers=headers,
    )
    fetched = await http.get(f"{URL}/{item.id}", headers=headers)

    # then
    assert first.status_code == 200, first.json()
    (row,) = first.json()["data"]
    assert {name: row[name] for name in READ} == {
        "consignor_price": "1000.00",
        "dont_pay_consignor": True,
        "user_agent": {"id": str(agent.id), "label": agent.full_name or agent.email},
        "bidder_alias": "Paddle 12",
        "sold_status": "sold",
        "under_extension_status": "extended",
        "withdrawn": False,
        "hammer_price": "1200.00",
        "status": {"id": "sold", "value": "sold", "label": "Sold"},
    }
    assert second.status_code == 200, second.json()
    (row,) = fetched.json()["data"]
    assert (row["bidder_alias"], row["dont_pay_consignor"], row["consignor_price"]) == (
        "Paddle 13",
        False,
        "1000.00",
    )
    one, two = await records(session, item.id)
    assert (one.sold_for_amount, one.winner_client_id, one.sold_to_bidder_number) == (
        Decimal("999.00"),
        winner.id,
        12345,
    )
    assert (one.sold_status, one.user_id) == ("unsold", staff.id)
    assert (two.bidder_alias, two.dont_pay_consignor, two.sold_for_amount) == (
        "Paddle 13",
        None,
        Decimal("999.00"),
    )
    stored = await session.get_one(models.Item, item.id)
    assert (stored.hammer_price, stored.winner_id) == (Decimal("1200.00"), winner.id)


async def test_an_open_lot_reads_its_result_facts_from_history(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    headers = await auth(graphql, staff)

    # when
    created = await http.post(
        f"{URL}?sale_id={sale.id}",
        json={
            "consignment": consignment.id,
            "subtitle": "A vase",
            "field_withdrawn": "true",
            "field_sold_status": "Passed",
        },
        headers=headers,
    )

    # then
    assert created.status_code == 201, created.json()
    (row,) = created.json()["data"]
    assert (row["withdrawn"], row["sold_status"], row["status"]["id"]) == (
        True,
        "passed",
        "available",
    )
    assert len(await records(session, int(row["id"]))) == 1


async def test_bad_history_values_are_422_with_the_item_errors_and_nothing_is_written(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session, year=1900)
    headers = await auth(graphql, staff)

    # when
    bad_format = await http.patch(
        f"{URL}/{item.id}",
        json={"field_consignor_price": "12.5", "field_withdrawn": "maybe", "field_sold_agent": "x"},
        headers=headers,
    )
    bad_value = await http.patch(
        f"{URL}/{item.id}",
        json={
            "year": 99999,
            "field_consignor_price": -500,
            "field_sold_status": "gone",
            "field_sold_agent": 999999,
            "field_winner_bidder": 999999,
            "field_bidder_alias": "x" * 256,
        },
        headers=headers,
    )

    # then
    assert bad_format.status_code == 422
    assert set(bad_format.json()["errors"]) == {
        "field_consignor_price",
        "field_withdrawn",
        "field_sold_agent",
    }
    assert bad_value.status_code == 422
    assert bad_value.json()["errors"] == {
        "year": ["`year` must be from -9999 to 9999."],
        "field_consignor_price": ["`consignorPrice` must not be negative."],
        "field_bidder_alias": ["`bidderAlias` must be at most 255 characters."],
        "field_sold_status": ["Must be sold, unsold or passed."],
        "field_sold_agent": ["User not found."],
        "field_winner_bidder": ["Client not found."],
    }
    assert await records(session, item.id) == []
    stored = await session.get_one(models.Item, item.id)
    assert stored.year == 1900


async def test_closing_a_lot_by_hand_records_it_in_history(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    headers = await auth(graphql, staff)
    await http.patch(f"{URL}/{item.id}", json={"field_consignor_price": 5000}, headers=headers)

    # when
    response = await http.post(
        "/api/v1.0/items-bulk",
        json={"operation": "update_status", "items": [item.id], "values": {"status": "withdrawn"}},
        headers=headers,
    )
    fetched = await http.get(f"{URL}/{item.id}", headers=headers)

    # then
    assert response.status_code == 200, response.json()
    (row,) = fetched.json()["data"]
    assert (row["withdrawn"], row["consignor_price"]) == (True, "50.00")
    _first, second = await records(session, item.id)
    assert (second.withdrawn, second.consignor_price) == (True, Decimal("50.00"))


async def test_history_is_staff_only_and_not_cloned(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    item = await factories.create_item(session, sale=sale)
    headers = await auth(graphql, staff)
    await http.patch(
        f"{URL}/{item.id}",
        json={
            "field_consignor_price": 5000,
            "field_dont_pay_consignor": True,
            "field_sold_agent": staff.id,
            "field_bidder_alias": "Paddle 12",
            "field_under_extension_status": "extended",
        },
        headers=headers,
    )

    # when
    as_bidder = await http.get(f"{URL}/{item.id}", headers=await auth(graphql, bidder))
    cloned = await http.post(
        "/api/v1.0/item-clone-or-move",
        json={
            "items": [item.id],
            "operation": "clone",
            "target_sale": sale.id,
            "target_consignment": consignment.id,
        },
        headers=headers,
    )

    # then
    (row,) = as_bidder.json()["data"]
    assert {
        name: row[name]
        for name in (
            "consignor_price",
            "dont_pay_consignor",
            "user_agent",
            "bidder_alias",
            "under_extension_status",
        )
    } == {
        "consignor_price": None,
        "dont_pay_consignor": None,
        "user_agent": None,
        "bidder_alias": None,
        "under_extension_status": "extended",
    }
    (copy_id,) = cloned.json()["data"]["new_item_ids"]
    assert await records(session, int(copy_id)) == []
