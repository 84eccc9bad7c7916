"""Staff mutations recording money on orders: ``createTransaction`` and ``deleteTransaction``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from db import models
from domain.payments import (
    CreateTransaction,
    DeleteTransaction,
    create_transaction,
    delete_transaction,
)
from graph.context import Info
from graph.enums import TransactionType
from graph.filtering import decode_id
from graph.order.mutations import refresh_orders, run_use_case
from graph.payloads import UserError
from graph.permissions import STAFF

if TYPE_CHECKING:
    from graph.order.types import Order
    from graph.transaction.types import Transaction

PAYMENT_ERRORS = (
    "Why nothing was recorded: OVERPAYMENT, REFUND_EXCEEDS_PAID, ORDER_CANCELED, "
    "INVALID_AMOUNT, INVALID, NOT_FOUND."
)


@strawberry.input(description="Money received for, or paid out on, an order.")
class CreateTransactionInput:
    order_id: strawberry.ID = strawberry.field(description="The order.")
    type: TransactionType = strawberry.field(
        description="PAYMENT, REFUND, CHEQUE, WIRE_TRANSFER or CREDIT_CARD."
    )
    amount: Decimal = strawberry.field(
        description="Non-zero, at most 2 decimals, counted toward the order's grand total: "
        "positive settles it (money received on an invoice, paid out on a settlement), "
        "negative takes money back (a REFUND is negative). The order's amount paid stays "
        "between 0 and its grand total."
    )
    transaction_date: date = strawberry.field(description="Date the money moved.")
    transferred_currency: str | None = strawberry.field(
        default=None,
        description="ISO 4217 currency of the money actually received; default the order's.",
    )
    transferred_amount: Decimal | None = strawberry.field(
        default=None,
        description="Amount in `transferredCurrency`; default `amount` when that is the "
        "order's currency (left unknown for another currency).",
    )
    bank: str | None = strawberry.field(default=None, description="Bank the money went through.")
    bank_account_number: str | None = strawberry.field(
        default=None, description="Account number (shown masked afterwards)."
    )
    bank_branch: str | None = strawberry.field(
        default=None, description="Bank branch (wire transfers)."
    )
    credit_card_type: str | None = strawberry.field(default=None, description="Visa, Mastercard, …")
    credit_card_last4: str | None = strawberry.field(
        default=None, description="Last four digits of the card: exactly 4 digits."
    )
    cheque_number: str | None = strawberry.field(default=None, description="Cheque number.")
    cheque_date: date | None = strawberry.field(default=None, description="Date on the cheque.")
    info: str | None = strawberry.field(default=None, description="Free text.")


@strawberry.input(description="A transaction recorded by mistake.")
class DeleteTransactionInput:
    id: strawberry.ID = strawberry.field(description="The transaction.")


@strawberry.type(description="The result of `createTransaction`.")
class CreateTransactionPayload:
    _transaction: strawberry.Private[models.Transaction | None] = None
    _order: strawberry.Private[models.Order | None] = None
    errors: list[UserError] = strawberry.field(default_factory=list, description=PAYMENT_ERRORS)

    @strawberry.field(description="The recorded transaction.")
    def transaction(
        self,
    ) -> Annotated[Transaction, strawberry.lazy("graph.transaction.types")] | None:
        return self._transaction

    @strawberry.field(description="The order, with its new amount paid, amount due and status.")
    def order(self) -> Annotated[Order, strawberry.lazy("graph.order.types")] | None:
        return self._order


@strawberry.type(description="The result of `deleteTransaction`.")
class DeleteTransactionPayload:
    _order: strawberry.Private[models.Order | None] = None
    deleted_transaction_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The ID of the deleted transaction."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description=PAYMENT_ERRORS)

    @strawberry.field(description="The order, with its new amount paid, amount due and status.")
    def order(self) -> Annotated[Order, strawberry.lazy("graph.order.types")] | None:
        return self._order


@strawberry.type
class TransactionMutations:
    @strawberry.mutation(
        description="Staff: record a transaction; the order's amount paid, amount due and "
        "status, and the client's balance, follow. Over-payments and refunds beyond what "
        "was paid are refused; a canceled order takes none.",
        permission_classes=STAFF,
    )
    async def create_transaction(
        self, info: Info, input: CreateTransactionInput
    ) -> CreateTransactionPayload:
        context = info.context
        cmd = CreateTransaction(
            order_id=decode_id(input.order_id, "Order", "orderId"),
            type=input.type,
            amount=input.amount,
            transaction_date=input.transaction_date,
            transferred_currency=input.transferred_currency,
            transferred_amount=input.transferred_amount,
            bank=input.bank,
            bank_account_number=input.bank_account_number,
            bank_branch=input.bank_branch,
            credit_card_type=input.credit_card_type,
            credit_card_last4=input.credit_card_last4,
            cheque_number=input.cheque_number,
            cheque_date=input.cheque_date,
            info=input.info,
        )
        result, errors_ = await run_use_case(create_transaction(context.db, context.principal, cmd))
        if result is None:
            return CreateTransactionPayload(errors=errors_)
        transaction = result.transaction
        context.loaders.transaction_by_id.prime(transaction.id, transaction)
        refresh_orders(info, [result.order])
        return CreateTransactionPayload(_transaction=transaction, _order=result.order)

    @strawberry.mutation(
        description="Staff: delete a transaction recorded by mistake; the order's amounts and "
        "status follow. Transactions of LOCKED or CANCELED orders stay.",
        permission_classes=STAFF,
    )
    async def delete_transaction(
        self, info: Info, input: DeleteTransactionInput
    ) -> DeleteTransactionPayload:
        context = info.context
        cmd = DeleteTransaction(transaction_id=decode_id(input.id, "Transaction"))
        result, errors_ = await run_use_case(delete_transaction(context.db, context.principal, cmd))
        if result is None:
            return DeleteTransactionPayload(errors=errors_)
        context.loaders.transaction_by_id.clear(cmd.transaction_id)
        refresh_orders(info, [result.order])
        return DeleteTransactionPayload(
            deleted_transaction_id=relay.GlobalID("Transaction", str(cmd.transaction_id)),
            _order=result.order,
        )
