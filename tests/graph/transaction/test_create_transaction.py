"""createTransaction / deleteTransaction: payments and refunds move the order and the balance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from tests import factories
from tests.graph.order.priced import Priced, activities, bidder_order, count, gid, order_row
from tests.graphql_client import GraphQLClient, assert_graphql_error

D = Decimal

CREATE_TRANSACTION_MUTATION = """
mutation Pay($input: CreateTransactionInput!) {
  createTransaction(input: $input) {
    transaction {
      databaseId type amount transactionDate creditCardType creditCardLast4 bankAccountNumber
    }
    order { status grandTotal amountPaid amountDue owner { balance } }
    errors { field code message }
  }
}
"""

DELETE_TRANSACTION_MUTATION = """
mutation Unpay($input: DeleteTransactionInput!) {
  deleteTransaction(input: $input) {
    deletedTransactionId
    order { status amountPaid amountDue owner { balance } }
    errors { field code message }
  }
}
"""


def _pay(order: models.Order, amount: str, type_: str = "PAYMENT", **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "orderId": gid("Order", order),
            "type": type_,
            "amount": amount,
            "transactionDate": "2026-11-20",
            **extra,
        }
    }


async def _pay_as_staff(
    graphql: GraphQLClient, priced: Priced, amount: str, type_: str = "PAYMENT", **extra: Any
) -> dict[str, Any]:
    data = await graphql.data(
        CREATE_TRANSACTION_MUTATION, _pay(priced.order, amount, type_, **extra), as_=priced.staff
    )
    payload: dict[str, Any] = data["createTransaction"]
    return payload


async def test_a_partial_payment_puts_the_order_in_process(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given: 1950.00 due
    priced = await bidder_order(session, db)

    # when
    payload = await _pay_as_staff(
        graphql,
        priced,
        "500.00",
        "CREDIT_CARD",
        creditCardType="Visa",
        creditCardLast4="4242",
        bankAccountNumber="DE89 3704 0044 0532 0130 00",
    )

    # then
    assert payload["errors"] == []
    transaction = payload["transaction"]
    assert (transaction["type"], transaction["amount"], transaction["transactionDate"]) == (
        "CREDIT_CARD",
        "500.00",
        "2026-11-20",
    )
    assert (transaction["creditCardLast4"], transaction["bankAccountNumber"]) == (
        "4242",
        "****3000",
    )
    assert payload["order"] == {
        "status": "IN_PROCESS",
        "grandTotal": "1950.00",
        "amountPaid": "500.00",
        "amountDue": "1450.00",
        "owner": {"balance": "1450.00"},
    }
    assert await activities(session) == [
        ("transaction", "create", transaction["databaseId"]),
        ("order", "payment", priced.order.id),
    ]


async def test_paying_in_full_finishes_the_order_and_clears_the_balance(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db)
    await _pay_as_staff(graphql, priced, "500.00", "CHEQUE", chequeNumber="0042")

    # when
    payload = await _pay_as_staff(graphql, priced, "1450.00", "WIRE_TRANSFER", bank="Main Bank")

    # then
    assert payload["order"] == {
        "status": "FINISHED",
        "grandTotal": "1950.00",
        "amountPaid": "1950.00",
        "amountDue": "0.00",
        "owner": {"balance": "0.00"},
    }


async def test_an_over_payment_is_refused_and_nothing_changes(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db)
    await _pay_as_staff(graphql, priced, "1900.00")
    trail = await activities(session)

    # when
    payload = await _pay_as_staff(graphql, priced, "50.01")

    # then
    assert payload == {
        "transaction": None,
        "order": None,
        "errors": [
            {
                "field": "amount",
                "code": "OVERPAYMENT",
                "message": "The amount is more than the 50.00 due on the order.",
            }
        ],
    }
    order = await order_row(session, priced.order.id)
    assert (order.amount_paid, order.status) == (D("1900.00"), models.OrderStatus.IN_PROCESS)
    assert await count(session, models.Transaction) == 1
    assert await activities(session) == trail


async def test_a_refund_takes_money_back_and_reopens_a_finished_order(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db)
    await _pay_as_staff(graphql, priced, "1950.00")

    # when
    payload = await _pay_as_staff(graphql, priced, "-650.00", "REFUND")

    # then
    assert payload["errors"] == []
    assert payload["order"] == {
        "status": "IN_PROCESS",
        "grandTotal": "1950.00",
        "amountPaid": "1300.00",
        "amountDue": "650.00",
        "owner": {"balance": "650.00"},
    }


async def test_a_refund_beyond_what_was_paid_is_refused(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db)
    await _pay_as_staff(graphql, priced, "100.00")

    # when
    payload = await _pay_as_staff(graphql, priced, "-100.01", "REFUND")

    # then
    assert payload["errors"] == [
        {
            "field": "amount",
            "code": "REFUND_EXCEEDS_PAID",
            "message": "The amount takes back more than the 100.00 paid on the order.",
        }
    ]
    assert (await order_row(session, priced.order.id)).amount_paid == D("100.00")


async def test_a_credit_note_is_settled_by_refunding_the_client(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given: a paid invoice, a credit note of 650.00 the house owes
    priced = await bidder_order(session, db, status=models.OrderStatus.FINISHED)
    await factories.create_transaction(session, order=priced.order, amount=D("1950.00"))
    note = await factories.create_order(
        session,
        client=priced.client,
        sale=priced.sale,
        type=models.OrderType.CREDIT_NOTE,
        status=models.OrderStatus.FINISHED,
        original_order_id=priced.order.id,
        lines=[{"hammer_price": D("-500.00"), "premium": D("-125.00"), "tax": D("-25.00")}],
    )
    credit = Priced(priced.staff, priced.client, priced.sale, [], note)

    # when
    too_much = await _pay_as_staff(graphql, credit, "-650.01", "REFUND")
    payload = await _pay_as_staff(graphql, credit, "-650.00", "REFUND")

    # then
    assert [e["code"] for e in too_much["errors"]] == ["OVERPAYMENT"]
    assert payload["order"] == {
        "status": "FINISHED",
        "grandTotal": "-650.00",
        "amountPaid": "-650.00",
        "amountDue": "0.00",
        "owner": {"balance": "0.00"},
    }


@pytest.mark.parametrize(
    ("type_", "amount", "extra", "error"),
    [
        ("REFUND", "10.00", {}, ("amount", "INVALID_AMOUNT", "A refund is a negative amount.")),
        (
            "PAYMENT",
            "0",
            {},
            ("amount", "INVALID_AMOUNT", "The amount is not zero and has at most two decimals."),
        ),
        (
            "CREDIT_CARD",
            "10.00",
            {"creditCardLast4": "42a2"},
            ("creditCardLast4", "INVALID", "The card's last digits are exactly 4 digits."),
        ),
        (
            "CREDIT_CARD",
            "10.00",
            {"creditCardLast4": "12345"},
            ("creditCardLast4", "INVALID", "The card's last digits are exactly 4 digits."),
        ),
        (
            "WIRE_TRANSFER",
            "10.00",
            {"transferredCurrency": "euro"},
            (
                "transferredCurrency",
                "INVALID",
                "The currency is a three-letter ISO 4217 code (EUR).",
            ),
        ),
    ],
)
async def test_bad_transactions_are_refused(
    graphql: GraphQLClient,
    session: AsyncSession,
    db: OperationDB,
    type_: str,
    amount: str,
    extra: dict[str, str],
    error: tuple[str, str, str],
) -> None:
    priced = await bidder_order(session, db)

    payload = await _pay_as_staff(graphql, priced, amount, type_, **extra)

    field, code, message = error
    assert payload["errors"] == [{"field": field, "code": code, "message": message}]
    assert await count(session, models.Transaction) == 0
    assert await activities(session) == []


async def test_a_canceled_order_takes_no_transactions(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    priced = await bidder_order(session, db, status=models.OrderStatus.CANCELED)

    payload = await _pay_as_staff(graphql, priced, "10.00")

    assert payload["errors"] == [
        {
            "field": "orderId",
            "code": "ORDER_CANCELED",
            "message": "A canceled order takes no transactions.",
        }
    ]
    assert await count(session, models.Transaction) == 0


async def test_deleting_a_transaction_gives_the_amount_back(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db)
    await _pay_as_staff(graphql, priced, "1000.00")
    second = await _pay_as_staff(graphql, priced, "950.00")
    transaction_id = second["transaction"]["databaseId"]

    # when
    data = await graphql.data(
        DELETE_TRANSACTION_MUTATION,
        {"input": {"id": gid("Transaction", models.Transaction(id=transaction_id))}},
        as_=priced.staff,
    )

    # then
    payload = data["deleteTransaction"]
    assert payload["errors"] == []
    assert payload["deletedTransactionId"] == gid(
        "Transaction", models.Transaction(id=transaction_id)
    )
    assert payload["order"] == {
        "status": "IN_PROCESS",
        "amountPaid": "1000.00",
        "amountDue": "950.00",
        "owner": {"balance": "950.00"},
    }
    assert await count(session, models.Transaction) == 1
    assert ("transaction", "delete", transaction_id) in await activities(session)


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_record_transactions(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB, caller: str | None, code: str
) -> None:
    priced = await bidder_order(session, db)
    bidder = await factories.create_user(session, client=priced.client)

    body = await graphql(
        CREATE_TRANSACTION_MUTATION,
        _pay(priced.order, "10.00"),
        as_=bidder if caller else None,
    )

    assert_graphql_error(body, code=code)
    assert await count(session, models.Transaction) == 0
