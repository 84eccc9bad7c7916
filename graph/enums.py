"""GraphQL enums over the stored enums: SCREAMING_CASE names, REST ids as values.

``strawberry.enum`` registers the stored enum class itself, so the names below are plain aliases
that mypy accepts as types.
"""

from __future__ import annotations

from typing import TypeAlias

import strawberry

from db import models

strawberry.enum(models.Role, description="What a user may do: ADMIN, STAFF or BIDDER.")
strawberry.enum(models.ClientStatus, description="Where a client stands; bidding needs APPROVED.")
strawberry.enum(models.AddressType, description="What an address is used for.")
strawberry.enum(
    models.SaleKind, description="TIMED sales close by the clock; LIVE sales by the clerk's hammer."
)
strawberry.enum(
    models.SaleStatus,
    description=(
        "Computed: DRAFT (not published), UPCOMING (published, not started), PUBLISHED "
        "(running) or CLOSED."
    ),
)
strawberry.enum(
    models.ItemStatus,
    description=(
        "NEW (being catalogued), AVAILABLE (listed), ACTIVE (open for bidding), SOLD, UNSOLD, "
        "PASSED or WITHDRAWN."
    ),
)
strawberry.enum(models.BidStatus, description="ACCEPTED, or RETRACTED by staff.")
strawberry.enum(
    models.BidSource, description="Where a bid came from: ONLINE, ABSENTEE, FLOOR or PHONE."
)
strawberry.enum(
    models.OrderType,
    description=(
        "BIDDER (buyer's invoice), CONSIGNOR (settlement), CREDIT_NOTE or TRANSPORT_INVOICE."
    ),
)
strawberry.enum(
    models.OrderStatus, description="NEW → IN_PROCESS → FINISHED → LOCKED, or CANCELED."
)
strawberry.enum(models.OrderLineKind, description="A lot or an extra charge.")
strawberry.enum(models.TransactionType, description="How money moved.")
strawberry.enum(
    models.EntityType, description="The kind of entity a note, file or activity belongs to."
)

Role: TypeAlias = models.Role
ClientStatus: TypeAlias = models.ClientStatus
AddressType: TypeAlias = models.AddressType
SaleKind: TypeAlias = models.SaleKind
SaleStatus: TypeAlias = models.SaleStatus
ItemStatus: TypeAlias = models.ItemStatus
BidStatus: TypeAlias = models.BidStatus
BidSource: TypeAlias = models.BidSource
OrderType: TypeAlias = models.OrderType
OrderStatus: TypeAlias = models.OrderStatus
OrderLineKind: TypeAlias = models.OrderLineKind
TransactionType: TypeAlias = models.TransactionType
EntityType: TypeAlias = models.EntityType
