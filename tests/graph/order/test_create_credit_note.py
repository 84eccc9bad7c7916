"""createCreditNote: reverse lots of a finished or locked order; the balance follows."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from tests import factories
from tests.graph.order.priced import activities, bidder_order, count, gid
from tests.graphql_client import GraphQLClient

D = Decimal

CREDIT_NOTE_MUTATION = """
mutation Credit($input: CreateCreditNoteInput!) {
  createCreditNote(input: $input) {
    order { databaseId status }
    creditNote {
      databaseId type status number
      originalOrder { databaseId }
      subtotal buyersPremium tax charges grandTotal amountDue
      lines { item { databaseId } hammerPrice premium tax total }
      owner { balance }
    }
    errors { field code message }
  }
}
"""


def _input(order: models.Order, items: list[models.Item]) -> dict[str, object]:
    return {"input": {"orderId": gid("Order", order), "itemIds": [gid("Item", i) for i in items]}}


async def test_a_credit_note_negates_the_lots_and_lowers_the_balance(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given: 1950.00 invoiced and paid in full
    priced = await bidder_order(session, db, status=models.OrderStatus.FINISHED)
    await factories.create_transaction(session, order=priced.order, amount=D("1950.00"))
    credited = priced.items[1]

    # when
    data = await graphql.data(
        CREDIT_NOTE_MUTATION, _input(priced.order, [credited]), as_=priced.staff
    )

    # then: the house owes the client the 650.00 of the credited lot
    payload = data["createCreditNote"]
    assert payload["errors"] == []
    note = payload["creditNote"]
    assert (note["type"], note["status"]) == ("CREDIT_NOTE", "FINISHED")
    assert note["originalOrder"] == {"databaseId": priced.order.id}
    assert note["lines"] == [
        {
            "item": {"databaseId": credited.id},
            "hammerPrice": "-500.00",
            "premium": "-125.00",
            "tax": "-25.00",
            "total": "-650.00",
        }
    ]
    assert (note["subtotal"], note["buyersPremium"], note["tax"], note["charges"]) == (
        "-500.00",
        "-125.00",
        "-25.00",
        "0.00",
    )
    assert note["grandTotal"] == note["amountDue"] == "-650.00"
    assert note["owner"] == {"balance": "-650.00"}
    assert await activities(session) == [("order", "create", note["databaseId"])]


async def test_a_lot_is_credited_once(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db, status=models.OrderStatus.LOCKED)
    await graphql.data(
        CREDIT_NOTE_MUTATION, _input(priced.order, priced.items[:1]), as_=priced.staff
    )
    orders_before = await count(session, models.Order)

    # when
    data = await graphql.data(
        CREDIT_NOTE_MUTATION, _input(priced.order, priced.items), as_=priced.staff
    )

    # then
    assert data["createCreditNote"] == {
        "order": None,
        "creditNote": None,
        "errors": [
            {
                "field": "itemIds.0",
                "code": "ALREADY_CREDITED",
                "message": "The item is already credited.",
            }
        ],
    }
    assert await count(session, models.Order) == orders_before


async def test_only_finished_or_locked_orders_are_credited(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    priced = await bidder_order(session, db, status=models.OrderStatus.IN_PROCESS)

    data = await graphql.data(
        CREDIT_NOTE_MUTATION, _input(priced.order, priced.items), as_=priced.staff
    )

    assert data["createCreditNote"]["errors"] == [
        {
            "field": "orderId",
            "code": "INVALID_STATUS_TRANSITION",
            "message": "Order must be in 'finished' or 'locked' status",
        }
    ]
    assert await count(session, models.Order) == 1
    assert await activities(session) == []


async def test_at_most_100_lots_and_at_least_one(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db, status=models.OrderStatus.FINISHED)
    many = {"orderId": gid("Order", priced.order), "itemIds": [gid("Item", priced.items[0])] * 101}

    # when
    too_many = await graphql.data(CREDIT_NOTE_MUTATION, {"input": many}, as_=priced.staff)
    none = await graphql.data(CREDIT_NOTE_MUTATION, _input(priced.order, []), as_=priced.staff)

    # then
    assert too_many["createCreditNote"]["errors"] == [
        {"field": "itemIds", "code": "INVALID", "message": "Maximum 100 items per credit note"}
    ]
    assert none["createCreditNote"]["errors"] == [
        {"field": "itemIds", "code": "REQUIRED", "message": "Choose items."}
    ]
    assert await count(session, models.Order) == 1
