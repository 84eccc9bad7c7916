"""The Transaction type."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from db import models
from graph.context import Info
from graph.enums import TransactionType
from graph.node import ModelNode

if TYPE_CHECKING:
    from graph.client.types import Client
    from graph.order.types import Order


def mask_account_number(number: str | None) -> str | None:
    """``"DE89 3704 0044 0532 0130 00"`` → ``"****3000"``: only the last four characters show."""
    if number is None:
        return None
    compact = "".join(number.split())
    return f"****{compact[-4:]}" if compact else None


@strawberry.type(
    description="Money received for, or paid out on, an order. Amounts count toward the "
    "order's grand total: positive settles it (received on an invoice, paid out on a "
    "settlement), negative takes money back (refunds). Staff see every transaction; a bidder "
    "sees only their own."
)
class Transaction(ModelNode):
    __model__ = models.Transaction
    __loader__ = "transaction_by_id"

    id: relay.NodeID[int]
    type: TransactionType = strawberry.field(
        description="PAYMENT, REFUND, CHEQUE, WIRE_TRANSFER or CREDIT_CARD."
    )
    amount: Decimal = strawberry.field(description="Amount in the order's currency.")
    transferred_currency: str | None = strawberry.field(
        description="ISO 4217 currency of the money actually received."
    )
    transferred_amount: Decimal | None = strawberry.field(
        description="Amount in `transferredCurrency`."
    )
    bank: str | None = strawberry.field(description="Bank the money went through.")
    bank_branch: str | None = strawberry.field(description="Bank branch (wire transfers).")
    credit_card_type: str | None = strawberry.field(description="Visa, Mastercard, …")
    credit_card_last4: str | None = strawberry.field(description="Last four digits of the card.")
    transaction_date: date = strawberry.field(description="Date the money moved.")
    cheque_number: str | None = strawberry.field(description="Cheque number.")
    cheque_date: date | None = strawberry.field(description="Date on the cheque.")
    info: str | None = strawberry.field(description="Free text.")
    created_at: datetime = strawberry.field(description="When the transaction was recorded.")

    @strawberry.field(
        description='Bank account number, masked to its last four characters ("****1234").',
    )
    def bank_account_number(self, parent: strawberry.Parent[models.Transaction]) -> str | None:
        return mask_account_number(parent.bank_account_number)

    @strawberry.field(description="The order the money is for.")
    async def order(
        self, parent: strawberry.Parent[models.Transaction], info: Info
    ) -> Annotated[Order, strawberry.lazy("graph.order.types")] | None:
        return await info.context.loaders.order_by_id.load(parent.order_id)

    @strawberry.field(description="The client who paid or was paid.")
    async def client(
        self, parent: strawberry.Parent[models.Transaction], info: Info
    ) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        return await info.context.loaders.client_by_id.load(parent.client_id)
