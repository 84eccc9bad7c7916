"""Item list inputs."""

from __future__ import annotations

import enum

import strawberry

from graph.enums import ItemStatus
from graph.filtering import (
    DateTimeFilter,
    DecimalFilter,
    EnumFilter,
    IDFilter,
    IntFilter,
    OrderDirection,
    StringFilter,
)

ITEM_ID_TYPES = {
    "id": "Item",
    "sale_id": "Sale",
    "consignment_id": "Consignment",
    "category_id": "Category",
    "categories": "Category",
    "winner_id": "Client",
}


@strawberry.input(description="Filter items; every given field must match.")
class ItemFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By item ID.")
    sale_id: IDFilter | None = strawberry.field(default=None, description="By sale.")
    consignment_id: IDFilter | None = strawberry.field(
        default=None, description="By consignment (staff)."
    )
    category_id: IDFilter | None = strawberry.field(default=None, description="By main category.")
    categories: IDFilter | None = strawberry.field(
        default=None, description="By any of the lot's categories."
    )
    status: EnumFilter[ItemStatus] | None = strawberry.field(default=None, description="By status.")
    lot_number: IntFilter | None = strawberry.field(default=None, description="By lot number.")
    title: StringFilter | None = strawberry.field(default=None, description="By title.")
    estimate_low: DecimalFilter | None = strawberry.field(default=None, description="Low estimate.")
    estimate_high: DecimalFilter | None = strawberry.field(
        default=None, description="High estimate."
    )
    current_bid: DecimalFilter | None = strawberry.field(default=None, description="Current bid.")
    hammer_price: DecimalFilter | None = strawberry.field(default=None, description="Hammer price.")
    bid_count: IntFilter | None = strawberry.field(default=None, description="Number of bids.")
    closes_at: DateTimeFilter | None = strawberry.field(default=None, description="Closing time.")
    winner_id: IDFilter | None = strawberry.field(default=None, description="Winner (staff).")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="Updated.")


@strawberry.enum(description="Fields items can be sorted by.")
class ItemOrderField(enum.Enum):
    LOT = "lot"
    POSITION_OF_CONSIGNMENT = "position_of_consignment"
    TITLE = "title"
    STATUS = "status"
    ESTIMATE_LOW = "estimate_low"
    ESTIMATE_HIGH = "estimate_high"
    STARTING_PRICE = "starting_price"
    CURRENT_BID = "current_bid"
    HAMMER_PRICE = "hammer_price"
    BID_COUNT = "bid_count"
    CLOSES_AT = "closes_at"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="One sort key for items.")
class ItemOrder:
    field: ItemOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
