"""Consignment list inputs."""

from __future__ import annotations

import enum

import strawberry

from graph.filtering import (
    DateTimeFilter,
    DecimalFilter,
    IDFilter,
    OrderDirection,
    StringFilter,
)

CONSIGNMENT_ID_TYPES = {"id": "Consignment", "consignor_id": "Client", "sale_id": "Sale"}


@strawberry.input(description="Filter consignments; every given field must match.")
class ConsignmentFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By consignment ID.")
    number: StringFilter | None = strawberry.field(
        default=None, description="By number (CON-2025-001)."
    )
    title: StringFilter | None = strawberry.field(default=None, description="By title.")
    symbol: StringFilter | None = strawberry.field(default=None, description="By symbol.")
    consignor_id: IDFilter | None = strawberry.field(default=None, description="By consignor.")
    sale_id: IDFilter | None = strawberry.field(default=None, description="By sale.")
    is_house: bool | None = strawberry.field(
        default=None, description="The house's own inventory (or not)."
    )
    published: bool | None = strawberry.field(default=None, description="Published (or not).")
    estimated: DecimalFilter | None = strawberry.field(default=None, description="Estimated value.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="Updated.")


@strawberry.enum(description="Fields consignments can be sorted by.")
class ConsignmentOrderField(enum.Enum):
    ID = "id"
    NUMBER = "number"
    TITLE = "title"
    SYMBOL = "symbol"
    ESTIMATED = "estimated"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="One sort key for consignments.")
class ConsignmentOrder:
    field: ConsignmentOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
