"""REST B4 orders: list (filters, sorts), get, create, update (status), split, credit note,
cancel and reissue; shapes compared field by field with B4.0."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from rest_compat.circuit.orders import Order
from rest_compat.shapes import ListEnvelope, SingleEnvelope
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
UNPROCESSABLE = "https://tools.ietf.org/html/rfc4918#section-11.2"
URL = "/api/v1.0/orders"


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ids(body: dict[str, Any]) -> list[str]:
    return [row["id"] for row in body["data"]]


async def sold_lot(
    session: AsyncSession, sale: models.Sale, winner: models.Client, hammer: str = "1000.00"
) -> models.Item:
    return await factories.create_item(
        session,
        sale=sale,
        status=models.ItemStatus.SOLD,
        hammer_price=D(hammer),
        winner_id=winner.id,
    )


async def order_with_lots(
    session: AsyncSession,
    count: int,
    status: models.OrderStatus = models.OrderStatus.NEW,
    **overrides: Any,
) -> tuple[models.Order, list[models.Item]]:
    """A bidder order of ``count`` lots of 1000.00 hammer + 250.00 premium."""
    client = overrides.pop("client", None) or await factories.create_client(session)
    sale = overrides.pop("sale", None) or await factories.create_sale(session)
    items = [await sold_lot(session, sale, client) for _ in range(count)]
    order = await factories.create_order(
        session,
        client=client,
        sale=sale,
        status=status,
        lines=[
            {"item": item, "hammer_price": D("1000.00"), "premium": D("250.00")} for item in items
        ],
        **overrides,
    )
    return order, items


async def test_get_order_shape(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(
        session,
        first_name="John",
        last_name="Doe",
        email="john@example.com",
        customer_number="C12345",
        bidder_number="77",
        tax_id="DE123",
    )
    address = await factories.create_address(
        session,
        client=client,
        is_default=True,
        country="US",
        administrative_area="NY",
        locality="New York",
        postal_code="10001",
        thoroughfare="1 Main Street",
    )
    sale = await factories.create_sale(session, title="Summer Auction")
    consignment = await factories.create_consignment(session, sale=sale, number="CON-7")
    item = await factories.create_item(
        session,
        sale=sale,
        consignment=consignment,
        status=models.ItemStatus.SOLD,
        hammer_price=D("1000.00"),
        winner_id=client.id,
    )
    order = await factories.create_order(
        session,
        client=client,
        sale=sale,
        number="12345",
        payment_type_letter="CC",
        shipping_weight=D("2.5"),
        lines=[
            {"item": item, "hammer_price": D("1000.00"), "premium": D("250.00")},
            {"amount": D("20.00"), "tax": D("0.00"), "description": "Shipping: by post"},
        ],
    )
    await factories.create_transaction(session, order=order, amount=D("100.00"))
    order = await session.get(models.Order, order.id)  # type: ignore[assignment]
    assert order is not None

    # when
    response = await http.get(f"{URL}/{order.id}", headers=await auth(graphql, staff))

    # then
    assert response.status_code == 200
    (row,) = response.json()["data"]
    charge_date = row["additional_charges"][0].pop("date")
    assert charge_date == datetime.now(UTC).date().isoformat()
    assert row == {
        "id": str(order.id),
        "label": "Order #12345",
        "order_id": "12345",
        "type": {"id": "bidder", "value": "bidder", "label": "Bidder Order"},
        "status": {"id": "new", "value": "new", "label": "New"},
        "sale": {"id": str(sale.id), "label": "Summer Auction"},
        "owner": {
            "id": str(client.id),
            "label": "John Doe - C12345",
            "email": "john@example.com",
        },
        "items": [str(item.id)],
        "item_count": 1,
        "grand_total": "1270.00",
        "payment_received": "100.00",
        "amount_due": "1170.00",
        "customer_number": "C12345",
        "bidder_ids": ["77"],
        "shipping_weight": 2.5,
        "payment_type_letter": "CC",
        "additional_charges": [
            {
                "term": {"id": "Shipping", "label": "Shipping"},
                "amount": "20.00",
                "tax": "0.00",
                "description": "by post",
            }
        ],
        "use_custom_address": False,
        "custom_address": None,
        "invoice_data": {
            "header_left": {
                "buyer_address": {
                    "country": "US",
                    "administrative_area": "NY",
                    "locality": "New York",
                    "postal_code": "10001",
                    "thoroughfare": "1 Main Street",
                    "premise": None,
                    "first_name": address.first_name,
                    "last_name": address.last_name,
                    "organisation_name": address.organisation_name,
                    "rendered": row["invoice_data"]["header_left"]["buyer_address"]["rendered"],
                },
                "shipping_address": row["invoice_data"]["header_left"]["buyer_address"],
            },
            "header_right": {
                "invoice_number": "12345",
                "customer_number": "C12345",
                "bidder_number": "77",
                "vat_number": "DE123",
            },
            "items": {
                "77": [
                    {
                        "nid": str(item.id),
                        "lot": str(item.lot_number),
                        "description": row["invoice_data"]["items"]["77"][0]["description"],
                        "hammer_price": "1000.00",
                        "commission": "250.00",
                        "tax_id": "0.0000",
                        "consignment_number": "CON-7",
                    }
                ]
            },
            "totals_for_display": [
                [
                    {"label": "Subtotal", "value": "$1,000.00"},
                    {"label": "Buyer's Premium", "value": "$250.00"},
                ],
                [
                    {"label": "Tax", "value": "$0.00"},
                    {"label": "Shipping", "value": "$20.00"},
                    {"label": "Grand Total", "value": "$1,270.00"},
                ],
            ],
        },
        "original_order": None,
        "created": iso(order.created_at),
        "changed": iso(order.updated_at),
        "updated": iso(order.updated_at),
    }
    assert "1 Main Street" in row["invoice_data"]["header_left"]["buyer_address"]["rendered"]
    SingleEnvelope[Order].model_validate(response.json(), strict=True)


async def test_list_orders_envelope_and_default_sort(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    old, _ = await order_with_lots(session, 1)
    new, _ = await order_with_lots(session, 1)
    await session.execute(
        sa.update(models.Order)
        .where(models.Order.id == old.id)
        .values(created_at=datetime(2020, 1, 1, tzinfo=UTC))
    )
    headers = await auth(graphql, staff)

    # when
    response = await http.get(URL, headers=headers)
    page = await http.get(f"{URL}?range=1&page=1&fields=order_id", headers=headers)

    # then
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["data", "count", "self"]
    assert ids(body) == [str(new.id), str(old.id)]
    assert body["count"] == 2
    ListEnvelope[Order].model_validate(body, strict=True)
    assert page.json()["data"] == [{"id": str(old.id), "order_id": old.number}]
    assert page.json()["count"] == 2


async def test_list_filters(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    summer = await factories.create_sale(session, title="Summer Stamps")
    winter = await factories.create_sale(session, title="Winter Coins")
    ann = await factories.create_client(session, customer_number="C1", bidder_number="501")
    ben = await factories.create_client(session, customer_number="C2", bidder_number="502")
    one, _ = await order_with_lots(
        session, 1, client=ann, sale=summer, payment_type_letter="CC", shipping_weight=D("0.5")
    )
    two, _ = await order_with_lots(
        session,
        2,
        status=models.OrderStatus.FINISHED,
        client=ben,
        sale=winter,
        shipping_weight=D("3"),
    )
    three = await factories.create_order(
        session, client=ann, sale=winter, type=models.OrderType.CONSIGNOR
    )
    await factories.create_transaction(session, order=two, amount=D("600.00"))
    headers = await auth(graphql, staff)
    cases = {
        "filter[type]=consignor": [three],
        "filter[type][value][0]=bidder&filter[type][operator]=IN": [one, two],
        "filter[status]=finished": [two],
        "filter[status][value][0]=new&filter[status][value][1]=finished": [one, two, three],
        f"filter[sale]={summer.id}": [one],
        f"filter[owner]={ann.id}": [one, three],
        f"filter[order_id]={two.number}": [two],
        "filter[customer_number]=C2": [two],
        "filter[total_invoice][value][from]=2000&filter[total_invoice][value][to]=3000": [two],
        "filter[payment_received][value][from]=1": [two],
        "filter[payment_received][value][to]=500": [one, three],
        "filter[bidder_ids]=501": [one, three],
        "filter[payment_type_letter]=CC": [one],
        "filter[sale_name]=winter": [two, three],
        "filter[shipping_weight][value][from]=1": [two],
    }

    for query, expected in cases.items():
        # when
        response = await http.get(f"{URL}?{query}&sort=id", headers=headers)

        # then
        assert response.status_code == 200, (query, response.json())
        body = response.json()
        assert ids(body) == [str(o.id) for o in expected], query
        assert body["count"] == len(expected), query


async def test_list_sorts(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    small, _ = await order_with_lots(session, 1, number="300", status=models.OrderStatus.FINISHED)
    big, _ = await order_with_lots(session, 3, number="100")
    mid, _ = await order_with_lots(session, 2, number="200", type=models.OrderType.CONSIGNOR)
    await factories.create_transaction(session, order=big, amount=D("3000.00"))
    await factories.create_transaction(session, order=mid, amount=D("100.00"))
    for order, year in ((small, 2021), (big, 2023), (mid, 2022)):
        moment = datetime(year, 1, 1, tzinfo=UTC)
        await session.execute(
            sa.update(models.Order)
            .where(models.Order.id == order.id)
            .values(created_at=moment, updated_at=moment)
        )
    headers = await auth(graphql, staff)
    cases = {
        "id": [small, big, mid],
        "-id": [mid, big, small],
        "order_id": [big, mid, small],
        "type": [small, big, mid],
        "-status": [big, mid, small],
        "grand_total": [small, mid, big],
        "-total_invoice": [big, mid, small],
        "amount_due": [big, small, mid],
        "-payment_received": [big, mid, small],
        "created": [small, mid, big],
        "-changed": [big, mid, small],
        "type,-grand_total": [big, small, mid],
    }

    for sort, expected in cases.items():
        # when
        response = await http.get(f"{URL}?sort={sort}", headers=headers)

        # then
        assert response.status_code == 200, (sort, response.json())
        assert ids(response.json()) == [str(o.id) for o in expected], sort


async def test_list_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    headers = await auth(graphql, await factories.create_staff(session))

    # when
    unknown_filter = await http.get(f"{URL}?filter[color]=red", headers=headers)
    bad_enum = await http.get(f"{URL}?filter[status]=open", headers=headers)
    unknown_sort = await http.get(f"{URL}?sort=-foo", headers=headers)

    # then
    assert unknown_filter.status_code == 400
    assert unknown_filter.json()["errors"] == {"filter[color]": ["Unknown filter field: color"]}
    assert bad_enum.status_code == 400
    assert unknown_sort.json()["errors"] == {"sort": ["Unknown field: foo"]}


async def test_token_mode_sees_only_its_own_orders(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    client = await session.get(models.Client, bidder.client_id)
    assert client is not None
    own, _ = await order_with_lots(session, 1, client=client)
    foreign, _ = await order_with_lots(session, 1)
    headers = await auth(graphql, bidder)

    # when
    listed = await http.get(URL, headers=headers)
    mine = await http.get(f"{URL}/{own.id}", headers=headers)
    theirs = await http.get(f"{URL}/{foreign.id}", headers=headers)
    update = await http.patch(f"{URL}/{own.id}", json={"status": "finished"}, headers=headers)

    # then
    assert ids(listed.json()) == [str(own.id)]
    assert listed.json()["count"] == 1
    assert mine.status_code == 200
    assert theirs.status_code == 403
    assert theirs.json() == {
        "type": f"{RFC2616}#sec10.4.4",
        "title": "Access denied",
        "status": 403,
        "detail": "You do not have permission to perform this action",
    }
    assert update.status_code == 403


async def test_get_unknown_order_is_404(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    headers = await auth(graphql, await factories.create_staff(session))

    # when
    response = await http.get(f"{URL}/999999", headers=headers)

    # then
    assert response.status_code == 404
    assert response.json() == {
        "type": f"{RFC2616}#sec10.4.5",
        "title": "Resource not found",
        "status": 404,
        "detail": "Order with ID 999999 does not exist",
    }


async def activity_count(session: AsyncSession) -> int:
    return int((await session.execute(sa.select(sa.func.count(models.Activity.id)))).scalar_one())


async def order_count(session: AsyncSession) -> int:
    return int((await session.execute(sa.select(sa.func.count(models.Order.id)))).scalar_one())


async def test_create_order(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    sale = await factories.create_sale(
        session, buyers_premium_rate=D("0.2000"), tax_rate=D("0.1000")
    )
    one = await sold_lot(session, sale, client, "1000.00")
    two = await sold_lot(session, sale, client, "500.00")
    headers = await auth(graphql, staff)
    before = await activity_count(session)

    # when
    response = await http.post(
        URL,
        json={
            "type": "bidder",
            "sale": str(sale.id),
            "owner": client.id,
            "status": "in_process",
            "items": [str(one.id), two.id],
            "additional_charges": [
                {"term": "Shipping", "amount": "20.00", "tax": "2.00", "description": "post"}
            ],
        },
        headers=headers,
    )

    # then
    assert response.status_code == 201
    (row,) = response.json()["data"]
    assert response.headers["location"] == f"http://test{URL}/{row['id']}"
    assert row["type"] == {"id": "bidder", "value": "bidder", "label": "Bidder Order"}
    assert row["status"] == {"id": "in_process", "value": "in_process", "label": "In Process"}
    assert row["sale"]["id"] == str(sale.id)
    assert row["owner"]["id"] == str(client.id)
    assert row["items"] == [str(one.id), str(two.id)]
    assert row["item_count"] == 2
    assert row["grand_total"] == "1852.00"  # 1500 + 300 premium + 30 tax on it + 22 charge
    assert row["payment_received"] == "0.00"
    assert row["amount_due"] == "1852.00"
    assert row["order_id"].isdigit()
    assert row["label"] == f"Order #{row['order_id']}"
    charge = row["additional_charges"][0]
    assert (charge["term"], charge["amount"], charge["tax"], charge["description"]) == (
        {"id": "Shipping", "label": "Shipping"},
        "20.00",
        "2.00",
        "post",
    )
    SingleEnvelope[Order].model_validate(response.json(), strict=True)
    assert await activity_count(session) > before


async def test_create_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    sale = await factories.create_sale(session)
    unsold = await factories.create_item(session, sale=sale)
    taken, (taken_item,) = await order_with_lots(session, 1, client=client, sale=sale)
    headers = await auth(graphql, staff)
    good = {"type": "bidder", "sale": str(sale.id), "owner": str(client.id)}
    before = (await activity_count(session), await order_count(session))

    # when
    missing = await http.post(URL, json={"type": "bidder", "owner": "1"}, headers=headers)
    bad_type = await http.post(URL, json={**good, "type": "gift"}, headers=headers)
    bad_status = await http.post(URL, json={**good, "status": "finished"}, headers=headers)
    credit = await http.post(URL, json={**good, "type": "credit_note"}, headers=headers)
    unknown_sale = await http.post(URL, json={**good, "sale": "999999"}, headers=headers)
    ineligible = await http.post(URL, json={**good, "items": [str(unsold.id)]}, headers=headers)
    invoiced = await http.post(URL, json={**good, "items": [str(taken_item.id)]}, headers=headers)
    bad_charge = await http.post(
        URL,
        json={**good, "additional_charges": [{"term": "Shipping", "amount": "-1.00"}]},
        headers=headers,
    )

    # then
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"sale": ["This field is required."]}
    assert bad_type.status_code == 422
    assert list(bad_type.json()["errors"]) == ["type"]
    assert bad_status.status_code == 422
    assert list(bad_status.json()["errors"]) == ["status"]
    assert credit.status_code == 422
    assert list(credit.json()["errors"]) == ["type"]
    assert unknown_sale.status_code == 422
    assert list(unknown_sale.json()["errors"]) == ["sale"]
    assert ineligible.status_code == 422
    assert list(ineligible.json()["errors"]) == ["items.0"]
    assert invoiced.status_code == 422
    assert invoiced.json()["errors"] == {
        "items.0": ["The item is already on another order of this type."]
    }
    assert bad_charge.status_code == 422
    assert list(bad_charge.json()["errors"]) == ["additional_charges.0.amount"]
    assert (await activity_count(session), await order_count(session)) == before
    assert taken.id


async def test_update_order_status_charges_and_address(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order, _ = await order_with_lots(session, 1)
    headers = await auth(graphql, staff)

    # when
    status = await http.patch(f"{URL}/{order.id}", json={"status": "in_process"}, headers=headers)
    charges = await http.patch(
        f"{URL}/{order.id}",
        json={
            "additional_charges": [{"term": {"id": "Handling"}, "amount": "10.00", "tax": "1.00"}],
            "use_custom_address": True,
            "custom_address": {"country": "FR", "locality": "Paris"},
        },
        headers=headers,
    )

    # then
    assert status.status_code == 200
    assert status.json()["data"][0]["status"]["id"] == "in_process"
    assert charges.status_code == 200
    (row,) = charges.json()["data"]
    assert row["status"]["id"] == "in_process"
    assert row["grand_total"] == "1261.00"
    assert [c["term"]["id"] for c in row["additional_charges"]] == ["Handling"]
    assert row["use_custom_address"] is True
    assert row["custom_address"]["country"] == "FR"
    assert row["custom_address"]["locality"] == "Paris"
    assert row["invoice_data"]["header_left"]["buyer_address"]["locality"] == "Paris"


async def test_update_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order, _ = await order_with_lots(session, 1)
    locked, _ = await order_with_lots(session, 1, status=models.OrderStatus.LOCKED)
    headers = await auth(graphql, staff)
    before = await activity_count(session)

    # when
    unknown = await http.patch(f"{URL}/999999", json={"status": "finished"}, headers=headers)
    transition = await http.patch(f"{URL}/{order.id}", json={"status": "locked"}, headers=headers)
    frozen = await http.patch(
        f"{URL}/{locked.id}", json={"use_custom_address": True}, headers=headers
    )
    bad_charge = await http.patch(
        f"{URL}/{order.id}", json={"additional_charges": [{"amount": "1.00"}]}, headers=headers
    )

    # then
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Order with ID 999999 does not exist"
    assert transition.status_code == 422
    assert transition.json() == {
        "type": UNPROCESSABLE,
        "title": "Invalid status transition",
        "status": 422,
        "detail": "Invalid status transition",
        "errors": {"status": ["Invalid status transition"]},
    }
    assert frozen.status_code == 422
    assert frozen.json()["title"] == "Order is locked"
    assert bad_charge.status_code == 422
    assert list(bad_charge.json()["errors"]) == ["additional_charges.0.term"]
    assert await activity_count(session) == before


SPLIT = "/api/v1.0/order-split"
CREDIT = "/api/v1.0/order-create-credit-note"
REISSUE = "/api/v1.0/order-cancel-and-reissue"


async def test_split_order(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order, items = await order_with_lots(session, 3)
    headers = await auth(graphql, staff)

    # when
    response = await http.patch(
        SPLIT, json={"order": str(order.id), "items": [str(items[1].id)]}, headers=headers
    )

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert data == {
        "new_order_id": data["new_order_id"],
        "original_order_id": str(order.id),
        "moved_items": [str(items[1].id)],
    }
    assert data["new_order_id"] != str(order.id)
    source = (await http.get(f"{URL}/{order.id}", headers=headers)).json()["data"][0]
    target = (await http.get(f"{URL}/{data['new_order_id']}", headers=headers)).json()["data"][0]
    assert source["items"] == [str(items[0].id), str(items[2].id)]
    assert source["grand_total"] == "2500.00"
    assert target["items"] == [str(items[1].id)]
    assert target["grand_total"] == "1250.00"
    assert target["status"]["id"] == "new"


async def test_split_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order, items = await order_with_lots(session, 2)
    finished, finished_items = await order_with_lots(session, 2, status=models.OrderStatus.FINISHED)
    stranger = await factories.create_item(session)
    headers = await auth(graphql, staff)
    before = (await activity_count(session), await order_count(session))

    # when
    missing = await http.patch(SPLIT, json={"order": str(order.id)}, headers=headers)
    empty = await http.patch(SPLIT, json={"order": str(order.id), "items": []}, headers=headers)
    unknown = await http.patch(
        SPLIT, json={"order": "999999", "items": [str(items[0].id)]}, headers=headers
    )
    not_on_order = await http.patch(
        SPLIT, json={"order": str(order.id), "items": [str(stranger.id)]}, headers=headers
    )
    everything = await http.patch(
        SPLIT, json={"order": str(order.id), "items": [str(i.id) for i in items]}, headers=headers
    )
    closed = await http.patch(
        SPLIT,
        json={"order": str(finished.id), "items": [str(finished_items[0].id)]},
        headers=headers,
    )

    # then
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"items": ["This field is required."]}
    assert empty.status_code == 400
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"order": ["Order not found."]}
    assert not_on_order.status_code == 422
    assert not_on_order.json()["errors"] == {"items.0": ["The item is not on the order."]}
    assert everything.status_code == 422
    assert everything.json()["errors"] == {"items": ["At least one item must stay on the order."]}
    assert closed.status_code == 422
    assert list(closed.json()["errors"]) == ["order"]
    assert (await activity_count(session), await order_count(session)) == before


async def test_create_credit_note(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order, items = await order_with_lots(session, 2, status=models.OrderStatus.FINISHED)
    headers = await auth(graphql, staff)

    # when
    response = await http.post(
        f"{CREDIT}/{order.id}", json={"items": [str(items[0].id)]}, headers=headers
    )

    # then
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["data"]
    assert list(body["data"]) == ["credit_note_order_nid"]
    note_id = body["data"]["credit_note_order_nid"]
    note = (await http.get(f"{URL}/{note_id}", headers=headers)).json()["data"][0]
    assert note["type"] == {"id": "credit_note", "value": "credit_note", "label": "Credit Note"}
    assert note["status"]["id"] == "finished"
    assert note["original_order"] == {"id": str(order.id), "label": f"Order #{order.number}"}
    assert note["items"] == [str(items[0].id)]
    assert note["grand_total"] == "-1250.00"


async def test_credit_note_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order, items = await order_with_lots(session, 1, status=models.OrderStatus.FINISHED)
    open_order, open_items = await order_with_lots(session, 1)
    headers = await auth(graphql, staff)
    first = await http.post(
        f"{CREDIT}/{order.id}", json={"items": [str(items[0].id)]}, headers=headers
    )
    assert first.status_code == 200
    before = (await activity_count(session), await order_count(session))

    # when
    unknown = await http.post(f"{CREDIT}/999999", json={"items": ["1"]}, headers=headers)
    missing = await http.post(f"{CREDIT}/{order.id}", json={}, headers=headers)
    empty = await http.post(f"{CREDIT}/{order.id}", json={"items": []}, headers=headers)
    too_many = await http.post(
        f"{CREDIT}/{order.id}", json={"items": [str(n) for n in range(1, 102)]}, headers=headers
    )
    wrong_status = await http.post(
        f"{CREDIT}/{open_order.id}", json={"items": [str(open_items[0].id)]}, headers=headers
    )
    again = await http.post(
        f"{CREDIT}/{order.id}", json={"items": [str(items[0].id)]}, headers=headers
    )

    # then
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Order with ID 999999 does not exist"
    assert missing.status_code == 400
    assert empty.status_code == 400
    assert too_many.status_code == 422
    assert too_many.json()["title"] == "Maximum 100 items per credit note"
    assert too_many.json()["errors"]["items"] == ["Maximum 100 items per credit note"]
    assert wrong_status.status_code == 422
    assert wrong_status.json()["title"] == "Order must be in 'finished' or 'locked' status"
    assert again.status_code == 422
    assert again.json()["errors"] == {"items.0": ["The item is already credited."]}
    assert (await activity_count(session), await order_count(session)) == before


async def test_cancel_and_reissue(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order, items = await order_with_lots(session, 2, status=models.OrderStatus.LOCKED)
    headers = await auth(graphql, staff)

    # when
    response = await http.post(f"{REISSUE}/{order.id}", headers=headers)

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert list(data) == ["new_order_nid", "credit_note_nid"]
    source = (await http.get(f"{URL}/{order.id}", headers=headers)).json()["data"][0]
    new = (await http.get(f"{URL}/{data['new_order_nid']}", headers=headers)).json()["data"][0]
    note = (await http.get(f"{URL}/{data['credit_note_nid']}", headers=headers)).json()["data"][0]
    assert source["status"]["id"] == "canceled"
    assert new["status"]["id"] == "new"
    assert new["type"]["id"] == "bidder"
    assert new["items"] == [str(i.id) for i in items]
    assert new["original_order"]["id"] == str(order.id)
    assert note["type"]["id"] == "credit_note"
    assert note["grand_total"] == "-2500.00"
    assert note["original_order"]["id"] == str(order.id)


async def test_cancel_and_reissue_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    order, _ = await order_with_lots(session, 1, status=models.OrderStatus.FINISHED)
    locked, _ = await order_with_lots(session, 1, status=models.OrderStatus.LOCKED)
    headers = await auth(graphql, staff)
    before = (await activity_count(session), await order_count(session))

    # when
    unknown = await http.post(f"{REISSUE}/999999", headers=headers)
    not_locked = await http.post(f"{REISSUE}/{order.id}", json={"x": 1}, headers=headers)
    token_mode = await http.post(f"{REISSUE}/{locked.id}", headers=await auth(graphql, bidder))

    # then
    assert unknown.status_code == 404
    assert not_locked.status_code == 422
    assert not_locked.json()["title"] == "Only locked orders can be canceled and reissued"
    assert token_mode.status_code == 403
    assert (await activity_count(session), await order_count(session)) == before


async def test_list_statements_do_not_grow_with_rows(
    http: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    count_queries: StatementCounter,
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)
    await order_with_lots(session, 1)
    with count_queries.counting():
        await http.get(URL, headers=headers)
    few = count_queries.count
    for _ in range(5):
        client = await factories.create_client(session)
        await factories.create_address(session, client=client, is_default=True)
        order, _ = await order_with_lots(session, 2, client=client)
        await factories.create_order(session, client=client, original_order_id=order.id)
    graphql.session.expunge_all()

    # when
    with count_queries.counting():
        response = await http.get(URL, headers=headers)

    # then
    assert response.json()["count"] == 11
    assert count_queries.count == few
