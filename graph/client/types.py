"""The Client type."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from db import models
from graph.bid.inputs import BID_ID_TYPES, BidFilter, BidOrder
from graph.consignment.inputs import CONSIGNMENT_ID_TYPES, ConsignmentFilter, ConsignmentOrder
from graph.context import Info
from graph.enums import ClientStatus
from graph.filtering import list_query, page_args
from graph.lists import nested
from graph.node import ModelNode, computed
from graph.note.inputs import NoteFilter, NoteOrder
from graph.note.types import entity_notes
from graph.order.inputs import ORDER_ID_TYPES, OrderFilter, OrderOrder
from graph.permissions import STAFF_ONLY, staff_only
from graph.relay import After, Before, Connection, First, Last, Search
from graph.transaction.inputs import TRANSACTION_ID_TYPES, TransactionFilter, TransactionOrder

if TYPE_CHECKING:
    from graph.address.types import Address
    from graph.bid.types import Bid
    from graph.consignment.types import Consignment
    from graph.note.types import Note
    from graph.order.types import Order
    from graph.transaction.types import Transaction


def _display_name(client: models.Client) -> str:
    name = " ".join(p for p in (client.first_name, client.last_name) if p)
    return name or client.company or f"Client {client.id}"


@strawberry.type(
    description="A person or company the house deals with: bidder, buyer and/or consignor. "
    "Staff see every client; a bidder sees only their own record."
)
class Client(ModelNode):
    __model__ = models.Client
    __loader__ = "client_by_id"

    id: relay.NodeID[int]
    first_name: str | None = strawberry.field(description="First name.")
    last_name: str | None = strawberry.field(description="Last name.")
    company: str | None = strawberry.field(description="Company name.")
    name_prefix: str | None = strawberry.field(description="Salutation (Mr., Dr.).")
    email: str | None = strawberry.field(description="Primary e-mail.")
    phone: str | None = strawberry.field(description="Phone number.")
    mobile: str | None = strawberry.field(description="Mobile number.")
    birthdate: date | None = strawberry.field(description="Date of birth.")
    status: ClientStatus = strawberry.field(description="Bidding requires APPROVED.")
    published: bool = strawberry.field(description="Publication flag.")
    bidder_number: str | None = strawberry.field(description="Paddle number used when bidding.")
    customer_number: str | None = strawberry.field(description="Customer number (C12348).")
    tax_id: str | None = strawberry.field(description="Tax (VAT) number.")
    warning: str | None = strawberry.field(description="Warning shown to staff.")
    blocking_reason: str | None = strawberry.field(description="Why the client is blocked.")
    created_at: datetime = strawberry.field(description="Created.")
    updated_at: datetime = strawberry.field(description="Last changed.")

    display_name: str = computed(
        _display_name, description="Full name, or the company when there is no name."
    )

    @strawberry.field(description="The client's bids, newest first by default.")
    async def bids(
        self,
        parent: strawberry.Parent[models.Client],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: BidFilter | None = None,
        order_by: list[BidOrder] | None = None,
    ) -> Connection[Annotated[Bid, strawberry.lazy("graph.bid.types")]]:
        query = list_query(filter, order_by, None, BID_ID_TYPES)
        args = page_args(first, after, last, before)
        loaders = info.context.loaders
        return await nested(
            parent.id,
            loaders.bids_by_client_id(query, args),
            lambda: loaders.bid_count_by_client_id(query),
        )

    @strawberry.field(description="The client's orders (invoices, settlements), newest first.")
    async def orders(
        self,
        parent: strawberry.Parent[models.Client],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: OrderFilter | None = None,
        order_by: list[OrderOrder] | None = None,
        search: Search = None,
    ) -> Connection[Annotated[Order, strawberry.lazy("graph.order.types")]]:
        query = list_query(filter, order_by, search, ORDER_ID_TYPES)
        args = page_args(first, after, last, before)
        loaders = info.context.loaders
        return await nested(
            parent.id,
            loaders.orders_by_client_id(query, args),
            lambda: loaders.order_count_by_client_id(query),
        )

    @strawberry.field(description="Money the client paid or was paid, newest first.")
    async def transactions(
        self,
        parent: strawberry.Parent[models.Client],
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
            loaders.transactions_by_client_id(query, args),
            lambda: loaders.transaction_count_by_client_id(query),
        )

    @strawberry.field(
        description="What the client owes the house: positive = the client owes, negative = "
        "the house owes the client. The sum of `amountDue` over the client's non-canceled "
        "BIDDER and TRANSPORT_INVOICE orders and the non-canceled CREDIT_NOTEs of such orders "
        "(a credit note's amounts are negative until the credit is paid back)."
    )
    async def balance(self, parent: strawberry.Parent[models.Client], info: Info) -> Decimal:
        return await info.context.loaders.balance_by_client_id.load(parent.id)

    @strawberry.field(description="The client's addresses, the default first.")
    async def addresses(
        self, parent: strawberry.Parent[models.Client], info: Info
    ) -> list[Annotated[Address, strawberry.lazy("graph.address.types")]]:
        return await info.context.loaders.addresses_by_client_id.load(parent.id)

    @strawberry.field(description="The client's default address, if any.")
    async def default_address(
        self, parent: strawberry.Parent[models.Client], info: Info
    ) -> Annotated[Address, strawberry.lazy("graph.address.types")] | None:
        addresses = await info.context.loaders.addresses_by_client_id.load(parent.id)
        return next((a for a in addresses if a.is_default), None)

    @strawberry.field(
        description="Consignments the client handed to the house, last changed first."
    )
    async def consignments(
        self,
        parent: strawberry.Parent[models.Client],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: ConsignmentFilter | None = None,
        order_by: list[ConsignmentOrder] | None = None,
        search: Search = None,
    ) -> Connection[Annotated[Consignment, strawberry.lazy("graph.consignment.types")]]:
        query = list_query(filter, order_by, search, CONSIGNMENT_ID_TYPES)
        args = page_args(first, after, last, before)
        loaders = info.context.loaders
        return await nested(
            parent.id,
            loaders.consignments_by_consignor_id(query, args),
            lambda: loaders.consignment_count_by_consignor_id(query),
        )

    @strawberry.field(
        description="Staff notes on the client, newest first by default." + STAFF_ONLY,
        extensions=staff_only(),
    )
    async def notes(
        self,
        parent: strawberry.Parent[models.Client],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: NoteFilter | None = None,
        order_by: list[NoteOrder] | None = None,
        search: Search = None,
    ) -> Connection[Annotated[Note, strawberry.lazy("graph.note.types")]] | None:
        return await entity_notes(
            info,
            models.EntityType.CLIENT,
            parent.id,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
            search=search,
        )
