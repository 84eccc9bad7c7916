"""Bid list inputs."""

from __future__ import annotations

import enum

import strawberry

from graph.enums import BidStatus
from graph.filtering import DateTimeFilter, DecimalFilter, EnumFilter, IDFilter, OrderDirection

BID_ID_TYPES = {"id": "Bid", "item_id": "Item", "client_id": "Client"}


@strawberry.input(description="Filter bids; every given field must match.")
class BidFilter:
    item_id: IDFilter | None = strawberry.field(default=None, description="By item.")
    client_id: IDFilter | None = strawberry.field(default=None, description="By bidder (staff).")
    amount: DecimalFilter | None = strawberry.field(default=None, description="By amount.")
    status: EnumFilter[BidStatus] | None = strawberry.field(default=None, description="By status.")
    is_proxy: bool | None = strawberry.field(default=None, description="Placed by the engine.")
    placed_at: DateTimeFilter | None = strawberry.field(default=None, description="Placed at.")


@strawberry.enum(description="Fields bids can be sorted by.")
class BidOrderField(enum.Enum):
    PLACED_AT = "placed_at"
    AMOUNT = "amount"
    SEQUENCE = "sequence"


@strawberry.input(description="One sort key for bids.")
class BidOrder:
    field: BidOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
