"""The Client type."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from db import models
from graph.bid.inputs import BID_ID_TYPES, BidFilter, BidOrder
from graph.context import Info
from graph.enums import ClientStatus
from graph.filtering import list_query, page_args
from graph.lists import nested
from graph.node import ModelNode
from graph.relay import After, Before, Connection, First, Last

if TYPE_CHECKING:
    from graph.bid.types import Bid


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

    @strawberry.field(description="Full name, or the company when there is no name.")
    def display_name(self, parent: strawberry.Parent[models.Client]) -> str:
        name = " ".join(p for p in (parent.first_name, parent.last_name) if p)
        return name or parent.company or f"Client {parent.id}"

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
