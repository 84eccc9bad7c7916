"""createOrder: staff create an order priced by the server (REST B4.3 eligibility)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from db.session import OperationDB
from tests import factories
from tests.graph.order.priced import activities, bidder_order, count, gid, sold_lots
from tests.graphql_client import GraphQLClient, assert_graphql_error

D = Decimal

CREATE_ORDER_MUTATION = """
mutation Create($input: CreateOrderInput!) {
  createOrder(input: $input) {
    order {
      databaseId type status number
      subtotal buyersPremium tax charges grandTotal amountDue
      lines { kind description hammerPrice premium commission tax amount total }
    }
    errors { field code message }
  }
}
"""


async def test_a_bidder_order_is_priced_from_its_lots_and_charges(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    buyer = await factories.create_client(session)
    sale = await factories.create_sale(session, buyers_premium_rate=D("0.15"), tax_rate=D("0.21"))
    [lot] = await sold_lots(session, sale, buyer, ("10.30",))

    # when
    data = await graphql.data(
        CREATE_ORDER_MUTATION,
        {
            "input": {
                "type": "BIDDER",
                "saleId": gid("Sale", sale),
                "ownerId": gid("Client", buyer),
                "status": "IN_PROCESS",
                "itemIds": [gid("Item", lot)],
                "additionalCharges": [
                    {"term": "Shipping", "amount": "12.35", "tax": "2.47", "description": "DHL"}
                ],
            }
        },
        as_=staff,
    )

    # then: premium 1.545 → 1.55, tax 0.3255 → 0.33
    payload = data["createOrder"]
    assert payload["errors"] == []
    order = payload["order"]
    assert (order["type"], order["status"]) == ("BIDDER", "IN_PROCESS")
    assert [
        (
            line["kind"],
            line["description"],
            line["premium"],
            line["tax"],
            line["amount"],
            line["total"],
        )
        for line in order["lines"]
    ] == [
        ("ITEM", f"Lot {lot.lot_number}: {lot.title}", "1.55", "0.33", "0.00", "12.18"),
        ("CHARGE", "Shipping: DHL", "0.00", "2.47", "12.35", "14.82"),
    ]
    assert (order["subtotal"], order["buyersPremium"], order["tax"], order["charges"]) == (
        "10.30",
        "1.55",
        "2.80",
        "12.35",
    )
    assert order["grandTotal"] == order["amountDue"] == "27.00"
    assert await activities(session) == [("order", "create", order["databaseId"])]


async def test_a_consignor_order_deducts_the_commission_and_its_charges(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    consignor = await factories.create_client(
        session, consignor_commissions=[{"step_from": "0.00", "consignor_commission": "15.00"}]
    )
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, consignor=consignor, sale=sale)
    buyer = await factories.create_client(session)
    lot = await factories.create_item(
        session,
        sale=sale,
        consignment=consignment,
        status=models.ItemStatus.SOLD,
        hammer_price=D("2000.00"),
        winner_id=buyer.id,
    )

    # when
    data = await graphql.data(
        CREATE_ORDER_MUTATION,
        {
            "input": {
                "type": "CONSIGNOR",
                "saleId": gid("Sale", sale),
                "ownerId": gid("Client", consignor),
                "itemIds": [gid("Item", lot)],
                "additionalCharges": [{"term": "Photography", "amount": "40.00"}],
            }
        },
        as_=staff,
    )

    # then
    order = data["createOrder"]["order"]
    assert [(line["commission"], line["amount"], line["total"]) for line in order["lines"]] == [
        ("300.00", "0.00", "1700.00"),
        ("0.00", "-40.00", "-40.00"),
    ]
    assert (order["subtotal"], order["charges"], order["grandTotal"]) == (
        "2000.00",
        "-40.00",
        "1660.00",
    )


async def test_ineligible_and_invoiced_lots_are_refused_and_nothing_is_written(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given: one lot already on an order, one won by someone else
    priced = await bidder_order(session, db, hammers=("100.00",))
    someone_else = await factories.create_client(session)
    [not_theirs] = await sold_lots(session, priced.sale, someone_else, ("50.00",))
    orders_before = await count(session, models.Order)

    # when
    data = await graphql.data(
        CREATE_ORDER_MUTATION,
        {
            "input": {
                "type": "BIDDER",
                "saleId": gid("Sale", priced.sale),
                "ownerId": gid("Client", priced.client),
                "status": "FINISHED",
                "itemIds": [gid("Item", priced.items[0]), gid("Item", not_theirs)],
                "additionalCharges": [{"term": "Shipping", "amount": "-1"}],
            }
        },
        as_=priced.staff,
    )

    # then
    assert data["createOrder"]["order"] is None
    assert data["createOrder"]["errors"] == [
        {"field": "status", "code": "INVALID", "message": "A new order is NEW or IN_PROCESS."},
        {
            "field": "additionalCharges.0.amount",
            "code": "INVALID_AMOUNT",
            "message": "A charge's amount must be zero or more, in cents.",
        },
    ]
    data = await graphql.data(
        CREATE_ORDER_MUTATION,
        {
            "input": {
                "type": "BIDDER",
                "saleId": gid("Sale", priced.sale),
                "ownerId": gid("Client", priced.client),
                "itemIds": [gid("Item", priced.items[0]), gid("Item", not_theirs)],
            }
        },
        as_=priced.staff,
    )
    assert data["createOrder"]["errors"] == [
        {
            "field": "itemIds.0",
            "code": "ALREADY_INVOICED",
            "message": "The item is already on another order of this type.",
        },
        {
            "field": "itemIds.1",
            "code": "ITEM_NOT_ELIGIBLE",
            "message": "The item is not a lot of this sale won by the owner.",
        },
    ]
    assert await count(session, models.Order) == orders_before
    assert await activities(session) == []


async def test_credit_notes_are_not_created_directly(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    sale = await factories.create_sale(session)

    data = await graphql.data(
        CREATE_ORDER_MUTATION,
        {
            "input": {
                "type": "CREDIT_NOTE",
                "saleId": gid("Sale", sale),
                "ownerId": gid("Client", client),
            }
        },
        as_=staff,
    )

    assert [e["code"] for e in data["createOrder"]["errors"]] == ["INVALID"]
    assert await count(session, models.Order) == 0


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_create_orders(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    bidder = await factories.create_bidder(session)
    sale = await factories.create_sale(session)

    body = await graphql(
        CREATE_ORDER_MUTATION,
        {
            "input": {
                "type": "TRANSPORT_INVOICE",
                "saleId": gid("Sale", sale),
                "ownerId": to_base64("Client", bidder.client_id or 0),
            }
        },
        as_=bidder if caller else None,
    )

    assert_graphql_error(body, code=code)
    assert await count(session, models.Order) == 0
