"""Address mutations: create, update and delete (thin adapters over ``domain.addresses``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.relay import to_base64

from db import models
from domain import addresses, errors
from graph.client.mutations import AddressFieldsInput
from graph.context import Info
from graph.enums import AddressType
from graph.errors import from_domain
from graph.filtering import decode_id
from graph.partial import present
from graph.payloads import UserError, user_errors
from graph.permissions import IsAuthenticated

if TYPE_CHECKING:
    from graph.address.types import Address
    from graph.client.types import Client

UNSET: Any = strawberry.UNSET
DEFAULT_RULES = (
    " A client's first address is always its default; making an address the default takes "
    "the flag from the previous one."
)


@strawberry.input(description="A new address of a client.")
class CreateAddressInput:
    client_id: strawberry.ID = strawberry.field(description="The client.")
    address: AddressFieldsInput = strawberry.field(
        description="The address fields; `country` is required."
    )
    address_types: list[AddressType] = strawberry.field(
        default_factory=list, description="What the address is used for (default none)."
    )
    is_default: bool = strawberry.field(
        default=False, description="Make it the client's default address." + DEFAULT_RULES
    )


@strawberry.input(description="The address to change and what to change; the rest stays.")
class UpdateAddressInput:
    id: strawberry.ID = strawberry.field(description="The address.")
    address: AddressFieldsInput | None = strawberry.field(
        default=UNSET, description="Fields to change (the others are kept)."
    )
    address_types: list[AddressType] | None = strawberry.field(
        default=UNSET, description="Replaces the address's types."
    )
    is_default: bool | None = strawberry.field(
        default=UNSET,
        description="true moves the default flag here; false on the default hands it to the "
        "client's most recently created other address (refused for the only address).",
    )


@strawberry.input(description="The address to delete.")
class DeleteAddressInput:
    id: strawberry.ID = strawberry.field(description="The address.")


@strawberry.interface(description="What every address mutation returns.")
class AddressPayload:
    _client: strawberry.Private[models.Client | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every rule broken; nothing was written."
    )

    @strawberry.field(description="The client, with its default address after the change.")
    def client(self) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        return self._client


@strawberry.type(description="The result of `createAddress`.")
class CreateAddressPayload(AddressPayload):
    _address: strawberry.Private[models.Address | None] = None

    @strawberry.field(description="The new address.")
    def address(self) -> Annotated[Address, strawberry.lazy("graph.address.types")] | None:
        return self._address


@strawberry.type(description="The result of `updateAddress`.")
class UpdateAddressPayload(AddressPayload):
    _address: strawberry.Private[models.Address | None] = None

    @strawberry.field(description="The address after the change.")
    def address(self) -> Annotated[Address, strawberry.lazy("graph.address.types")] | None:
        return self._address


@strawberry.type(description="The result of `deleteAddress`.")
class DeleteAddressPayload(AddressPayload):
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The deleted address's ID."
    )


async def _after(info: Info, result: addresses.AddressResult) -> models.Client | None:
    """Fresh loaders for the client whose addresses changed; the client for the payload."""
    loaders = info.context.loaders
    client_id = result.address.client_id
    loaders.addresses_by_client_id.clear(client_id)
    if result.deleted_id is None:
        loaders.address_by_id.clear(result.address.id).prime(result.address.id, result.address)
    else:
        loaders.address_by_id.clear(result.deleted_id)
    client: models.Client | None = await loaders.client_by_id.load(client_id)
    return client


def _types(values: list[AddressType] | None) -> list[str] | None:
    return None if values is None else [t.value for t in values]


@strawberry.type
class AddressMutations:
    @strawberry.mutation(
        description="Add an address to a client."
        + DEFAULT_RULES
        + " Staff, or a bidder for their own client (else FORBIDDEN).",
        permission_classes=[IsAuthenticated],
    )
    async def create_address(
        self,
        info: Info,
        input: Annotated[
            CreateAddressInput, strawberry.argument(description="The client and the new address.")
        ],
    ) -> CreateAddressPayload:
        cmd = addresses.CreateAddress(
            client_id=decode_id(input.client_id, "Client", "clientId"),
            fields=present(input.address),
            address_types=_types(input.address_types) or [],
            is_default=input.is_default,
        )
        context = info.context
        try:
            result = await addresses.create_address(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return CreateAddressPayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound) as exc:
            raise from_domain(exc) from exc
        client = await _after(info, result)
        return CreateAddressPayload(_address=result.address, _client=client)

    @strawberry.mutation(
        description="Change an address: sent fields are merged, types replaced, the default "
        "flag moved. A changed address is no longer validated. Staff, or a bidder for their own "
        "client (else FORBIDDEN).",
        permission_classes=[IsAuthenticated],
    )
    async def update_address(
        self,
        info: Info,
        input: Annotated[
            UpdateAddressInput, strawberry.argument(description="The address and what to change.")
        ],
    ) -> UpdateAddressPayload:
        cmd = addresses.UpdateAddress(
            address_id=decode_id(input.id, "Address"),
            fields=present(input.address) if input.address not in (UNSET, None) else {},
            address_types=_types(input.address_types) if input.address_types is not UNSET else None,
            is_default=input.is_default if input.is_default is not UNSET else None,
        )
        context = info.context
        try:
            result = await addresses.update_address(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return UpdateAddressPayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound) as exc:
            raise from_domain(exc) from exc
        loaders = info.context.loaders
        if result.default is not None:
            loaders.address_by_id.clear(result.default.id)
        client = await _after(info, result)
        return UpdateAddressPayload(_address=result.address, _client=client)

    @strawberry.mutation(
        description="Delete an address for good. A deleted default hands the flag to the "
        "client's most recently created remaining address; the only address cannot be "
        "deleted (ONLY_DEFAULT_ADDRESS). Staff, or a bidder for their own client (else "
        "FORBIDDEN).",
        permission_classes=[IsAuthenticated],
    )
    async def delete_address(
        self,
        info: Info,
        input: Annotated[
            DeleteAddressInput, strawberry.argument(description="The address to delete.")
        ],
    ) -> DeleteAddressPayload:
        cmd = addresses.DeleteAddress(address_id=decode_id(input.id, "Address"))
        context = info.context
        try:
            result = await addresses.delete_address(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return DeleteAddressPayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound) as exc:
            raise from_domain(exc) from exc
        client = await _after(info, result)
        return DeleteAddressPayload(
            _client=client, deleted_id=strawberry.ID(to_base64("Address", result.address.id))
        )
