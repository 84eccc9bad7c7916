"""Transaction list inputs."""

from __future__ import annotations

import enum
from datetime import date

import strawberry

from graph.enums import TransactionType
from graph.filtering import (
    DateTimeFilter,
    DecimalFilter,
    EnumFilter,
    IDFilter,
    OrderDirection,
)

TRANSACTION_ID_TYPES = {"id": "Transaction", "order_id": "Order", "client_id": "Client"}


@strawberry.input(description="Match a calendar date within a range.")
class DateFilter:
    eq: date | None = strawberry.field(default=None, description="On this date.")
    gte: date | None = strawberry.field(default=None, description="On or after.")
    lte: date | None = strawberry.field(default=None, description="On or before.")


@strawberry.input(description="Filter transactions; every given field must match.")
class TransactionFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By transaction ID.")
    order_id: IDFilter | None = strawberry.field(default=None, description="By order.")
    client_id: IDFilter | None = strawberry.field(default=None, description="By client.")
    type: EnumFilter[TransactionType] | None = strawberry.field(
        default=None, description="By type."
    )
    amount: DecimalFilter | None = strawberry.field(default=None, description="By amount.")
    transaction_date: DateFilter | None = strawberry.field(
        default=None, description="Date the money moved."
    )
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Recorded.")


@strawberry.enum(description="Fields transactions can be sorted by.")
class TransactionOrderField(enum.Enum):
    ID = "id"
    AMOUNT = "amount"
    TRANSACTION_DATE = "transaction_date"
    CREATED_AT = "created_at"


@strawberry.input(description="One sort key for transactions.")
class TransactionOrder:
    field: TransactionOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
