"""updateOrder: the status workflow, charges that recompute totals, the custom address."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from tests import factories
from tests.graph.order.priced import activities, bidder_order, gid, order_row
from tests.graphql_client import GraphQLClient, assert_graphql_error

S = models.OrderStatus

UPDATE_ORDER_MUTATION = """
mutation Update($input: UpdateOrderInput!) {
  updateOrder(input: $input) {
    order {
      status subtotal tax charges grandTotal amountDue useCustomAddress
      customAddress { country locality thoroughfare }
      lines { kind amount tax total }
    }
    errors { field code message }
  }
}
"""


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (S.NEW, S.IN_PROCESS, True),
        (S.NEW, S.FINISHED, True),
        (S.NEW, S.CANCELED, True),
        (S.NEW, S.LOCKED, False),
        (S.IN_PROCESS, S.NEW, True),
        (S.IN_PROCESS, S.FINISHED, True),
        (S.IN_PROCESS, S.CANCELED, True),
        (S.IN_PROCESS, S.LOCKED, False),
        (S.FINISHED, S.IN_PROCESS, True),
        (S.FINISHED, S.LOCKED, True),
        (S.FINISHED, S.NEW, False),
        (S.FINISHED, S.CANCELED, False),
        (S.LOCKED, S.FINISHED, False),
        (S.LOCKED, S.CANCELED, False),
        (S.CANCELED, S.NEW, False),
        (S.CANCELED, S.IN_PROCESS, False),
    ],
)
async def test_status_changes_follow_the_workflow(
    graphql: GraphQLClient,
    session: AsyncSession,
    db: OperationDB,
    current: models.OrderStatus,
    target: models.OrderStatus,
    allowed: bool,
) -> None:
    # given
    priced = await bidder_order(session, db, status=current)

    # when
    data = await graphql.data(
        UPDATE_ORDER_MUTATION,
        {"input": {"id": gid("Order", priced.order), "status": target.name}},
        as_=priced.staff,
    )

    # then
    payload = data["updateOrder"]
    if allowed:
        assert payload["errors"] == []
        assert payload["order"]["status"] == target.name
        assert await activities(session) == [("order", "update", priced.order.id)]
    else:
        assert payload == {
            "order": None,
            "errors": [
                {
                    "field": "status",
                    "code": "INVALID_STATUS_TRANSITION",
                    "message": "Invalid status transition",
                }
            ],
        }
        assert (await order_row(session, priced.order.id)).status is current
        assert await activities(session) == []


async def test_charges_replace_the_orders_own_and_recompute_the_totals(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given: 1000 + 500 at 25 % premium and 20 % tax on it = 1950.00
    priced = await bidder_order(session, db)
    variables = {
        "input": {
            "id": gid("Order", priced.order),
            "additionalCharges": [
                {"term": "Shipping", "amount": "25.00", "tax": "4.75"},
                {"term": "Insurance", "amount": "10.10"},
            ],
        }
    }
    await graphql.data(UPDATE_ORDER_MUTATION, variables, as_=priced.staff)
    variables["input"]["additionalCharges"] = [{"term": "Shipping", "amount": "30.00"}]

    # when
    data = await graphql.data(UPDATE_ORDER_MUTATION, variables, as_=priced.staff)

    # then
    order = data["updateOrder"]["order"]
    assert [(line["kind"], line["amount"], line["total"]) for line in order["lines"]] == [
        ("ITEM", "0.00", "1300.00"),
        ("ITEM", "0.00", "650.00"),
        ("CHARGE", "30.00", "30.00"),
    ]
    assert (order["subtotal"], order["tax"], order["charges"], order["grandTotal"]) == (
        "1500.00",
        "75.00",
        "30.00",
        "1980.00",
    )
    assert order["amountDue"] == "1980.00"
    assert [action for _, action, _ in await activities(session)] == ["update", "update"]


async def test_a_custom_address_is_kept_and_shown(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db)

    # when
    data = await graphql.data(
        UPDATE_ORDER_MUTATION,
        {
            "input": {
                "id": gid("Order", priced.order),
                "useCustomAddress": True,
                "customAddress": {
                    "country": "DE",
                    "locality": "Berlin",
                    "thoroughfare": "Unter den Linden 1",
                },
            }
        },
        as_=priced.staff,
    )

    # then: the status and totals stay as they were
    order = data["updateOrder"]["order"]
    assert order["useCustomAddress"] is True
    assert order["customAddress"] == {
        "country": "DE",
        "locality": "Berlin",
        "thoroughfare": "Unter den Linden 1",
    }
    assert (order["status"], order["grandTotal"]) == ("NEW", "1950.00")


async def test_a_locked_order_changes_nothing_but_reports_why(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db, status=S.LOCKED)

    # when
    data = await graphql.data(
        UPDATE_ORDER_MUTATION,
        {
            "input": {
                "id": gid("Order", priced.order),
                "additionalCharges": [{"term": "Shipping", "amount": "30.00"}],
                "customAddress": {"country": "Germany"},
            }
        },
        as_=priced.staff,
    )

    # then
    assert data["updateOrder"]["errors"] == [
        {"field": None, "code": "ORDER_LOCKED", "message": "Order is locked"},
        {
            "field": "customAddress.country",
            "code": "INVALID",
            "message": "The country is a two-letter ISO code.",
        },
    ]
    order = await order_row(session, priced.order.id)
    assert (order.grand_total, order.custom_address) == (priced.order.grand_total, None)
    assert await activities(session) == []


async def test_an_order_with_payments_is_not_canceled(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db)
    await factories.create_transaction(session, order=priced.order, amount=priced.order.grand_total)

    # when
    data = await graphql.data(
        UPDATE_ORDER_MUTATION,
        {"input": {"id": gid("Order", priced.order), "status": "CANCELED"}},
        as_=priced.staff,
    )

    # then
    assert data["updateOrder"]["errors"] == [
        {
            "field": "status",
            "code": "INVALID_STATUS_TRANSITION",
            "message": "Refund the payments before canceling the order.",
        }
    ]
    assert (await order_row(session, priced.order.id)).status is S.NEW


async def test_only_staff_update_orders(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    priced = await bidder_order(session, db)
    bidder = await factories.create_bidder(session)

    body = await graphql(
        UPDATE_ORDER_MUTATION,
        {"input": {"id": gid("Order", priced.order), "status": "FINISHED"}},
        as_=bidder,
    )

    assert_graphql_error(body, code="FORBIDDEN")
    assert (await order_row(session, priced.order.id)).status is S.NEW
