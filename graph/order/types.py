"""The Order and OrderLine types."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from db import models
from graph.activity.types import history_field
from graph.context import Info
from graph.enums import OrderLineKind, OrderStatus, OrderType
from graph.filtering import list_query, page_args
from graph.lists import nested
from graph.node import ModelNode
from graph.relay import After, Before, Connection, First, Last
from graph.transaction.inputs import TRANSACTION_ID_TYPES, TransactionFilter, TransactionOrder

if TYPE_CHECKING:
    from graph.client.types import Client
    from graph.item.types import Item
    from graph.sale.types import Sale
    from graph.transaction.types import Transaction


ADDRESS_KEYS = (
    "country",
    "administrative_area",
    "locality",
    "postal_code",
    "thoroughfare",
    "premise",
    "first_name",
    "last_name",
    "organisation_name",
)


@strawberry.type(description="An address printed on one order instead of the client's.")
class OrderAddress:
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2 country code.")
    administrative_area: str | None = strawberry.field(description="State, province, region.")
    locality: str | None = strawberry.field(description="City.")
    postal_code: str | None = strawberry.field(description="Postal code.")
    thoroughfare: str | None = strawberry.field(description="Street and number.")
    premise: str | None = strawberry.field(description="Apartment, suite, floor.")
    first_name: str | None = strawberry.field(description="Recipient first name.")
    last_name: str | None = strawberry.field(description="Recipient last name.")
    organisation_name: str | None = strawberry.field(description="Company.")


@strawberry.type(
    description="An invoice-like document: a buyer's invoice (BIDDER), a consignor's settlement "
    "(CONSIGNOR), a CREDIT_NOTE or a TRANSPORT_INVOICE. Amounts are in `currency`; the totals "
    "equal the sum of the lines. Staff see every order; a bidder sees only their own."
)
class Order(ModelNode):
    __model__ = models.Order
    __loader__ = "order_by_id"

    id: relay.NodeID[int]
    number: str = strawberry.field(description="Invoice number, unique per order type.")
    type: OrderType = strawberry.field(
        description="BIDDER, CONSIGNOR, CREDIT_NOTE or TRANSPORT_INVOICE."
    )
    status: OrderStatus = strawberry.field(
        description="NEW, IN_PROCESS, FINISHED, LOCKED or CANCELED."
    )
    currency: str = strawberry.field(description="ISO 4217 currency of every amount on the order.")
    subtotal: Decimal = strawberry.field(description="Sum of the lines' hammer prices.")
    buyers_premium: Decimal = strawberry.field(description="Buyer's premium of all lines.")
    tax: Decimal = strawberry.field(description="Tax of all lines.")
    charges: Decimal = strawberry.field(
        description="Additional charges (shipping, handling, …) without their tax; negative on "
        "a consignor settlement, where charges are deducted."
    )
    grand_total: Decimal = strawberry.field(
        description="Total to pay (bidder) or to be paid out (consignor), taxes and charges "
        "included: the sum of the lines' totals. Negative on a credit note."
    )
    amount_paid: Decimal = strawberry.field(description="Sum of the order's transactions.")
    delivery_status: str = strawberry.field(description='Delivery status ("pending", …).')
    payment_type_letter: str | None = strawberry.field(description="Payment method code (CC, …).")
    use_custom_address: bool = strawberry.field(
        description="Ship and bill to the order's own address instead of the client's."
    )
    created_at: datetime = strawberry.field(description="Created.")
    updated_at: datetime = strawberry.field(description="Last changed.")

    @strawberry.field(description="The order's own address, when it has one.")
    def custom_address(self, parent: strawberry.Parent[models.Order]) -> OrderAddress | None:
        if not parent.custom_address:
            return None
        return OrderAddress(**{k: parent.custom_address.get(k) for k in ADDRESS_KEYS})

    @strawberry.field(description="What is still to pay: grand total minus amount paid.")
    def amount_due(self, parent: strawberry.Parent[models.Order]) -> Decimal:
        return parent.grand_total - parent.amount_paid

    @strawberry.field(description="Total shipping weight in kilograms (not money, so a Float).")
    def shipping_weight(self, parent: strawberry.Parent[models.Order]) -> float | None:
        return None if parent.shipping_weight is None else float(parent.shipping_weight)

    @strawberry.field(description="The sale the order belongs to.")
    async def sale(
        self, parent: strawberry.Parent[models.Order], info: Info
    ) -> Annotated[Sale, strawberry.lazy("graph.sale.types")] | None:
        if parent.sale_id is None:
            return None
        return await info.context.loaders.sale_by_id.load(parent.sale_id)

    @strawberry.field(description="The client the order is for (buyer or consignor).")
    async def owner(
        self, parent: strawberry.Parent[models.Order], info: Info
    ) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        return await info.context.loaders.client_by_id.load(parent.client_id)

    @strawberry.field(
        description="For credit notes and reissued orders: the order they derive from."
    )
    async def original_order(
        self, parent: strawberry.Parent[models.Order], info: Info
    ) -> Order | None:
        if parent.original_order_id is None:
            return None
        return await info.context.loaders.order_by_id.load(parent.original_order_id)

    @strawberry.field(description="The order's lines, in printed order.")
    async def lines(self, parent: strawberry.Parent[models.Order], info: Info) -> list[OrderLine]:
        return await info.context.loaders.order_lines_by_order_id.load(parent.id)

    @strawberry.field(description="Money received for, or paid out on, this order; newest first.")
    async def transactions(
        self,
        parent: strawberry.Parent[models.Order],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: TransactionFilter | None = None,
        order_by: list[TransactionOrder] | None = None,
    ) -> Connection[Annotated[Transaction, strawberry.lazy("graph.transaction.types")]]:
        query = list_query(filter, order_by, None, TRANSACTION_ID_TYPES)
        args = page_args(first, after, last, before)
        loaders = info.context.loaders
        return await nested(
            parent.id,
            loaders.transactions_by_order_id(query, args),
            lambda: loaders.transaction_count_by_order_id(query),
        )

    activities = history_field(models.EntityType.ORDER, "order")


@strawberry.type(description="One line of an order: a lot (ITEM) or an additional charge.")
class OrderLine(ModelNode):
    __model__ = models.OrderLine
    __loader__ = "order_line_by_id"

    id: relay.NodeID[int]
    kind: OrderLineKind = strawberry.field(description="ITEM (a lot) or CHARGE.")
    position: int = strawberry.field(description="Position of the line on the order.")
    description: str = strawberry.field(description="Text printed on the line.")
    hammer_price: Decimal = strawberry.field(description="Hammer price of the lot.")
    premium: Decimal = strawberry.field(description="Buyer's premium on the hammer price.")
    commission: Decimal = strawberry.field(description="Consignor's commission (settlements).")
    tax: Decimal = strawberry.field(description="Tax on the line.")
    amount: Decimal = strawberry.field(description="Amount of a charge line.")
    total: Decimal = strawberry.field(
        description="Line total, tax included: hammer price + premium + amount + tax - commission."
    )

    @strawberry.field(description="The lot on this line; null for charges.")
    async def item(
        self, parent: strawberry.Parent[models.OrderLine], info: Info
    ) -> Annotated[Item, strawberry.lazy("graph.item.types")] | None:
        if parent.item_id is None:
            return None
        return await info.context.loaders.item_by_id.load(parent.item_id)

    @strawberry.field(description="The order the line belongs to.")
    async def order(self, parent: strawberry.Parent[models.OrderLine], info: Info) -> Order | None:
        return await info.context.loaders.order_by_id.load(parent.order_id)
