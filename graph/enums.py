"""GraphQL enums over the stored enums: SCREAMING_CASE names, REST ids as values."""

from __future__ import annotations

import strawberry

from db import models

Role = strawberry.enum(models.Role, description="What a user may do: ADMIN, STAFF or BIDDER.")
ClientStatus = strawberry.enum(
    models.ClientStatus, description="Where a client stands; bidding requires APPROVED."
)
AddressType = strawberry.enum(models.AddressType, description="What an address is used for.")
SaleKind = strawberry.enum(
    models.SaleKind, description="TIMED sales close by the clock; LIVE sales by the clerk's hammer."
)
SaleStatus = strawberry.enum(
    models.SaleStatus,
    description=(
        "Computed: DRAFT (not published), UPCOMING (published, not started), PUBLISHED "
        "(running) or CLOSED."
    ),
)
ItemStatus = strawberry.enum(
    models.ItemStatus,
    description=(
        "NEW (being catalogued), AVAILABLE (listed), ACTIVE (open for bidding), SOLD, UNSOLD, "
        "PASSED or WITHDRAWN."
    ),
)
BidStatus = strawberry.enum(models.BidStatus, description="ACCEPTED, or RETRACTED by staff.")
BidSource = strawberry.enum(
    models.BidSource, description="Where a bid came from: ONLINE, ABSENTEE, FLOOR or PHONE."
)
OrderType = strawberry.enum(
    models.OrderType,
    description=(
        "BIDDER (buyer's invoice), CONSIGNOR (settlement), CREDIT_NOTE or TRANSPORT_INVOICE."
    ),
)
OrderStatus = strawberry.enum(
    models.OrderStatus, description="NEW → IN_PROCESS → FINISHED → LOCKED, or CANCELED."
)
OrderLineKind = strawberry.enum(models.OrderLineKind, description="A lot or an extra charge.")
TransactionType = strawberry.enum(models.TransactionType, description="How money moved.")
EntityType = strawberry.enum(
    models.EntityType, description="The kind of entity a note, file or activity belongs to."
)
