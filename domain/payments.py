"""Recording money on orders: create and delete transactions (REST B7).

A transaction's ``amount`` counts toward its order's grand total: on a buyer's invoice a positive
amount is money received; on a consignor settlement, money paid out; a negative amount takes
money back (a REFUND must be negative), and on a credit note (negative total) a negative amount
pays the credit back to the client. ``Order.amount_paid`` is the sum of the order's transactions
and stays between 0 and the grand total (``domain.orders.workflow``): over-payments and refunds
beyond what was paid are refused. The order's status follows (``status_after_payment``; credit
notes keep theirs), and the client's balance, a sum over their orders' amounts due, follows with
it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from db import models
from db.queries.order import lock_order
from db.session import OperationDB
from domain import audit
from domain.errors import Forbidden, NotFound, RuleViolation, RuleViolations, UserErrorCode
from domain.orders import pricing, workflow
from domain.orders.documents import ORDER, announce
from domain.principal import Principal

TRANSACTION = models.EntityType.TRANSACTION
LAST4 = re.compile(r"[0-9]{4}")
CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True, slots=True)
class CreateTransaction:
    """The writable fields of a transaction (REST B7.0)."""

    order_id: int
    type: models.TransactionType
    amount: Decimal
    transaction_date: date
    transferred_currency: str | None = None
    transferred_amount: Decimal | None = None
    bank: str | None = None
    bank_account_number: str | None = None
    bank_branch: str | None = None
    credit_card_type: str | None = None
    credit_card_last4: str | None = None
    cheque_number: str | None = None
    cheque_date: date | None = None
    info: str | None = None


@dataclass(frozen=True, slots=True)
class TransactionResult:
    """The transaction written (or deleted) and its order afterwards."""

    transaction: models.Transaction
    order: models.Order


def _violations(cmd: CreateTransaction, order: models.Order) -> list[RuleViolation]:
    violations = []
    if order.status is models.OrderStatus.CANCELED:
        violations.append(
            RuleViolation(
                UserErrorCode.ORDER_CANCELED,
                "A canceled order takes no transactions.",
                "orderId",
            )
        )
    if cmd.amount == 0 or not cmd.amount.is_finite() or pricing.to_cents(cmd.amount) != cmd.amount:
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID_AMOUNT,
                "The amount is not zero and has at most two decimals.",
                "amount",
            )
        )
    elif cmd.type is models.TransactionType.REFUND and cmd.amount > 0:
        violations.append(
            RuleViolation(UserErrorCode.INVALID_AMOUNT, "A refund is a negative amount.", "amount")
        )
    elif problem := workflow.payment_violation(order.grand_total, order.amount_paid, cmd.amount):
        violations.append(problem)
    if cmd.credit_card_last4 is not None and not LAST4.fullmatch(cmd.credit_card_last4):
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID,
                "The card's last digits are exactly 4 digits.",
                "creditCardLast4",
            )
        )
    if cmd.transferred_currency is not None and not CURRENCY.fullmatch(cmd.transferred_currency):
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID,
                "The currency is a three-letter ISO 4217 code (EUR).",
                "transferredCurrency",
            )
        )
    if cmd.transferred_amount is not None and not cmd.transferred_amount.is_finite():
        violations.append(
            RuleViolation(UserErrorCode.INVALID_AMOUNT, "Not an amount.", "transferredAmount")
        )
    return violations


def _transferred_amount(
    cmd: CreateTransaction, currency: str, order: models.Order
) -> Decimal | None:
    """What was received in ``currency``: as given, else ``amount`` when that is the order's
    currency (REST B7.0 default); unknown (null) for another currency given without it."""
    if cmd.transferred_amount is not None:
        return cmd.transferred_amount
    return cmd.amount if currency == order.currency.upper() else None


async def create_transaction(
    db: OperationDB, principal: Principal, cmd: CreateTransaction
) -> TransactionResult:
    """Record money on an order; its amount paid and due, status and the balance follow.

    The transferred currency defaults to the order's, and the transferred amount to ``amount``
    when the money came in the order's currency.
    """
    if not principal.is_staff:
        raise Forbidden("Only staff may record transactions.")
    async with db.transaction() as session:
        order = await lock_order(session, cmd.order_id)
        if order is None:
            raise RuleViolation(UserErrorCode.NOT_FOUND, "Order not found.", "orderId")
        violations = _violations(cmd, order)
        if violations:
            raise RuleViolations(violations)
        currency = (cmd.transferred_currency or order.currency).upper()
        transaction = models.Transaction(
            order_id=order.id,
            client_id=order.client_id,
            type=cmd.type,
            amount=cmd.amount,
            transferred_currency=currency,
            transferred_amount=_transferred_amount(cmd, currency, order),
            bank=cmd.bank,
            bank_account_number=cmd.bank_account_number,
            bank_branch=cmd.bank_branch,
            credit_card_type=cmd.credit_card_type,
            credit_card_last4=cmd.credit_card_last4,
            transaction_date=cmd.transaction_date,
            cheque_number=cmd.cheque_number,
            cheque_date=cmd.cheque_date,
            info=cmd.info,
            created_by_id=principal.user_id,
        )
        session.add(transaction)
        before = audit.snapshot(order, ["amount_paid", "status"])
        _settle(order, cmd.amount)
        await session.flush()
        await audit.record_created(session, principal, TRANSACTION, transaction)
        await audit.record_updated(session, principal, ORDER, order, before, "payment")
        await announce(session, principal, order)
    return TransactionResult(transaction=transaction, order=order)


@dataclass(frozen=True, slots=True)
class DeleteTransaction:
    transaction_id: int


async def delete_transaction(
    db: OperationDB, principal: Principal, cmd: DeleteTransaction
) -> TransactionResult:
    """Remove a transaction recorded by mistake; the order's amounts and status follow.

    Refused on canceled and locked orders (locked ones are in the accounts: record a
    correcting transaction instead), and when the order would end up paid beyond its total.
    """
    if not principal.is_staff:
        raise Forbidden("Only staff may delete transactions.")
    async with db.transaction() as session:
        transaction = await session.get(models.Transaction, cmd.transaction_id)
        if transaction is None:
            raise NotFound("Transaction not found.")
        order = await lock_order(session, transaction.order_id)
        if order is None:
            raise NotFound("Order not found.")
        if order.status in workflow.FROZEN_STATUSES:
            raise RuleViolation(
                UserErrorCode.ORDER_LOCKED,
                "Transactions of a locked or canceled order stay.",
                "transactionId",
            )
        problem = workflow.payment_violation(
            order.grand_total, order.amount_paid, -transaction.amount, "transactionId"
        )
        if problem is not None:
            raise problem
        before = audit.snapshot(order, ["amount_paid", "status"])
        _settle(order, -transaction.amount)
        await audit.record_deleted(session, principal, TRANSACTION, transaction)
        await session.delete(transaction)
        await session.flush()
        await audit.record_updated(session, principal, ORDER, order, before, "payment")
        await announce(session, principal, order)
    return TransactionResult(transaction=transaction, order=order)


def _settle(order: models.Order, amount: Decimal) -> None:
    """Add ``amount`` to what was paid; the status follows, except on credit notes, which are
    final documents from the start (FINISHED) whatever has been paid back on them."""
    order.amount_paid += amount
    if order.type is not models.OrderType.CREDIT_NOTE:
        order.status = workflow.status_after_payment(
            order.status, order.grand_total, order.amount_paid
        )
