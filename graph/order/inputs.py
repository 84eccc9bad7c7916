"""Order list inputs."""

from __future__ import annotations

import enum

import strawberry

from graph.enums import OrderStatus, OrderType
from graph.filtering import (
    DateTimeFilter,
    DecimalFilter,
    EnumFilter,
    IDFilter,
    OrderDirection,
    StringFilter,
)

ORDER_ID_TYPES = {"id": "Order", "sale_id": "Sale", "client_id": "Client"}


@strawberry.input(description="Filter orders; every given field must match.")
class OrderFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By order ID.")
    type: EnumFilter[OrderType] | None = strawberry.field(default=None, description="By type.")
    status: EnumFilter[OrderStatus] | None = strawberry.field(
        default=None, description="By status."
    )
    sale_id: IDFilter | None = strawberry.field(default=None, description="By sale.")
    client_id: IDFilter | None = strawberry.field(
        default=None, description="By owner (the client the order is for)."
    )
    number: StringFilter | None = strawberry.field(default=None, description="Invoice number.")
    grand_total: DecimalFilter | None = strawberry.field(default=None, description="Grand total.")
    amount_paid: DecimalFilter | None = strawberry.field(default=None, description="Amount paid.")
    amount_due: DecimalFilter | None = strawberry.field(
        default=None, description="Amount still due (grand total minus amount paid)."
    )
    payment_type_letter: StringFilter | None = strawberry.field(
        default=None, description="Payment method code (CC, …)."
    )
    delivery_status: StringFilter | None = strawberry.field(
        default=None, description="Delivery status."
    )
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="Updated.")


@strawberry.enum(description="Fields orders can be sorted by.")
class OrderOrderField(enum.Enum):
    ID = "id"
    NUMBER = "number"
    TYPE = "type"
    STATUS = "status"
    GRAND_TOTAL = "grand_total"
    AMOUNT_PAID = "amount_paid"
    AMOUNT_DUE = "amount_due"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="One sort key for orders.")
class OrderOrder:
    field: OrderOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
