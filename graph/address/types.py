"""The Address type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from db import models
from domain import address_format
from graph.context import Info
from graph.enums import AddressType
from graph.node import ModelNode

if TYPE_CHECKING:
    from graph.client.types import Client


@strawberry.type(
    description="A postal address of a client. Staff see every address; a bidder sees their own."
)
class Address(ModelNode):
    __model__ = models.Address
    __loader__ = "address_by_id"

    id: relay.NodeID[int]
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country code (US).")
    administrative_area: str | None = strawberry.field(description="State or province code.")
    locality: str | None = strawberry.field(description="City.")
    postal_code: str | None = strawberry.field(description="Postal code.")
    thoroughfare: str | None = strawberry.field(description="Street address.")
    premise: str | None = strawberry.field(description="Apartment, suite or floor.")
    first_name: str | None = strawberry.field(description="Recipient's first name.")
    last_name: str | None = strawberry.field(description="Recipient's last name.")
    organisation_name: str | None = strawberry.field(description="Company.")
    is_default: bool = strawberry.field(description="The client's default address.")
    validated: bool = strawberry.field(description="Checked by staff tooling.")
    validated_at: datetime | None = strawberry.field(description="When it was validated.")
    created_at: datetime = strawberry.field(description="Created.")
    updated_at: datetime = strawberry.field(description="Last changed.")

    @strawberry.field(description="First and last name joined; null when neither is set.")
    def name_line(self, parent: strawberry.Parent[models.Address]) -> str | None:
        return address_format.name_line(parent)

    @strawberry.field(description="What the address is used for: BILLING and/or SHIPPING.")
    def types(self, parent: strawberry.Parent[models.Address]) -> list[AddressType]:
        known = {t.value: t for t in models.AddressType}
        return [known[t] for t in parent.address_types if t in known]

    @strawberry.field(description="English name of the country (United States).")
    def country_name(self, parent: strawberry.Parent[models.Address]) -> str:
        return address_format.country_name(parent.country)

    @strawberry.field(
        description="The address as printed: name, street and premise, "
        '"<locality>, <administrative area> <postal code>", country name; one per line.'
    )
    def rendered(self, parent: strawberry.Parent[models.Address]) -> str:
        return address_format.render(parent)

    @strawberry.field(description="The client the address belongs to.")
    async def client(
        self, parent: strawberry.Parent[models.Address], info: Info
    ) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        return await info.context.loaders.client_by_id.load(parent.client_id)
