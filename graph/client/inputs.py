"""Client list inputs."""

from __future__ import annotations

import enum

import strawberry

from graph.enums import ClientStatus
from graph.filtering import DateTimeFilter, EnumFilter, IDFilter, OrderDirection, StringFilter

CLIENT_ID_TYPES = {"id": "Client"}


@strawberry.input(description="Filter clients; every given field must match.")
class ClientFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By client ID.")
    status: EnumFilter[ClientStatus] | None = strawberry.field(default=None, description="Status.")
    first_name: StringFilter | None = strawberry.field(default=None, description="First name.")
    last_name: StringFilter | None = strawberry.field(default=None, description="Last name.")
    company: StringFilter | None = strawberry.field(default=None, description="Company.")
    email: StringFilter | None = strawberry.field(default=None, description="E-mail.")
    phone: StringFilter | None = strawberry.field(default=None, description="Phone.")
    bidder_number: StringFilter | None = strawberry.field(default=None, description="Paddle.")
    customer_number: StringFilter | None = strawberry.field(
        default=None, description="Customer number."
    )
    published: bool | None = strawberry.field(default=None, description="Published flag.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="Updated.")


@strawberry.enum(description="Fields clients can be sorted by.")
class ClientOrderField(enum.Enum):
    ID = "id"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    COMPANY = "company"
    EMAIL = "email"
    STATUS = "status"
    BIDDER_NUMBER = "bidder_number"
    CUSTOMER_NUMBER = "customer_number"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="One sort key for clients.")
class ClientOrder:
    field: ClientOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
