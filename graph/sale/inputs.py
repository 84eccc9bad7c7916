"""Sale list inputs."""

from __future__ import annotations

import enum

import strawberry

from graph.enums import SaleKind, SaleStatus
from graph.filtering import DateTimeFilter, EnumFilter, IDFilter, OrderDirection, StringFilter

SALE_ID_TYPES = {"id": "Sale"}


@strawberry.input(description="Filter sales; every given field must match.")
class SaleFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By sale ID.")
    status: EnumFilter[SaleStatus] | None = strawberry.field(default=None, description="Status.")
    kind: EnumFilter[SaleKind] | None = strawberry.field(default=None, description="TIMED/LIVE.")
    title: StringFilter | None = strawberry.field(default=None, description="By title.")
    sale_number: StringFilter | None = strawberry.field(default=None, description="Sale number.")
    currency: StringFilter | None = strawberry.field(default=None, description="ISO 4217 code.")
    published: bool | None = strawberry.field(default=None, description="Published (staff).")
    starts_at: DateTimeFilter | None = strawberry.field(default=None, description="Start.")
    ends_at: DateTimeFilter | None = strawberry.field(default=None, description="End.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="Updated.")


@strawberry.enum(description="Fields sales can be sorted by.")
class SaleOrderField(enum.Enum):
    TITLE = "title"
    SALE_NUMBER = "sale_number"
    STATUS = "status"
    STARTS_AT = "starts_at"
    ENDS_AT = "ends_at"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="One sort key for sales.")
class SaleOrder:
    field: SaleOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
