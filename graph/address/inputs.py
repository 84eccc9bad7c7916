"""Address list inputs."""

from __future__ import annotations

import enum

import strawberry

from graph.filtering import DateTimeFilter, IDFilter, OrderDirection, StringFilter

ADDRESS_ID_TYPES = {"id": "Address", "client_id": "Client"}


@strawberry.input(description="Filter addresses; every given field must match.")
class AddressFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By address ID.")
    client_id: IDFilter | None = strawberry.field(default=None, description="By client.")
    country: StringFilter | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2 country code (US)."
    )
    is_default: bool | None = strawberry.field(
        default=None, description="The client's default address (or not)."
    )
    locality: StringFilter | None = strawberry.field(default=None, description="City.")
    postal_code: StringFilter | None = strawberry.field(default=None, description="Postal code.")
    validated: bool | None = strawberry.field(default=None, description="Validated (or not).")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="Updated.")


@strawberry.enum(description="Fields addresses can be sorted by.")
class AddressOrderField(enum.Enum):
    ID = "id"
    COUNTRY = "country"
    IS_DEFAULT = "is_default"
    LOCALITY = "locality"
    POSTAL_CODE = "postal_code"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="One sort key for addresses.")
class AddressOrder:
    field: AddressOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
