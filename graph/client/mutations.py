"""Client mutations: create, update, delete, merge and connect (thin adapters over
``domain.clients``)."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.relay import to_base64

from db import models
from domain import clients, errors
from graph.context import Info
from graph.enums import ClientStatus
from graph.errors import BadUserInputError, from_domain
from graph.filtering import decode_id, decode_ids
from graph.partial import present
from graph.payloads import UserError, user_errors
from graph.permissions import STAFF, IsAuthenticated
from graph.rows import ChargeRowInput, ExternalIdInput
from graph.term.inputs import TERM_IDS, decode_terms
from graph.user.types import RESPONSIBLE_USERS_INPUT

if TYPE_CHECKING:
    from graph.client.types import Client

UNSET: Any = strawberry.UNSET


@strawberry.input(description="One tier of a consignor's commission.")
class CommissionTierInput:
    step_from: Decimal = strawberry.field(
        description="The tier applies to hammer prices from this amount up (0 or more)."
    )
    consignor_commission: Decimal = strawberry.field(
        description="The house's commission in percent, 0 to 100 (15.00 = 15 %)."
    )


@strawberry.input(description="A bank account; at least one field must be set.")
class BankDetailInput:
    name: str = strawberry.field(default="", description="Bank name.")
    code: str = strawberry.field(default="", description="Bank code.")
    number: str = strawberry.field(default="", description="Account number.")
    owner: str = strawberry.field(default="", description="Account holder.")
    iban: str = strawberry.field(default="", description="IBAN (checked when given).")
    bic: str = strawberry.field(default="", description="BIC (checked when given).")


@strawberry.input(
    description="Address fields; only the fields sent are set. `country` (ISO 3166-1 alpha-2, "
    "UK accepted for GB) is required when the address is created."
)
class AddressFieldsInput:
    country: str | None = strawberry.field(default=UNSET, description="Country code (US).")
    administrative_area: str | None = strawberry.field(
        default=UNSET, description="State or province code."
    )
    locality: str | None = strawberry.field(default=UNSET, description="City.")
    postal_code: str | None = strawberry.field(default=UNSET, description="Postal code.")
    thoroughfare: str | None = strawberry.field(default=UNSET, description="Street address.")
    premise: str | None = strawberry.field(default=UNSET, description="Apartment, suite, floor.")
    first_name: str | None = strawberry.field(default=UNSET, description="Recipient first name.")
    last_name: str | None = strawberry.field(default=UNSET, description="Recipient last name.")
    organisation_name: str | None = strawberry.field(default=UNSET, description="Company.")


@strawberry.input(description="Client fields; only the fields sent change, null clears one.")
class ClientFieldsInput:
    first_name: str | None = strawberry.field(default=UNSET, description="First name.")
    last_name: str | None = strawberry.field(default=UNSET, description="Last name.")
    company: str | None = strawberry.field(default=UNSET, description="Company name.")
    position_company: str | None = strawberry.field(
        default=UNSET, description="Position in the company."
    )
    name_prefix: str | None = strawberry.field(default=UNSET, description="Salutation (Mr.).")
    override_salutation: str | None = strawberry.field(
        default=UNSET, description="Custom salutation."
    )
    email: str | None = strawberry.field(default=UNSET, description="Primary e-mail (checked).")
    secondary_email: str | None = strawberry.field(
        default=UNSET, description="Second e-mail (checked)."
    )
    phone: str | None = strawberry.field(default=UNSET, description="Phone number.")
    primary_phone: str | None = strawberry.field(default=UNSET, description="Primary phone.")
    office_phone: str | None = strawberry.field(default=UNSET, description="Office phone.")
    mobile: str | None = strawberry.field(default=UNSET, description="Mobile number.")
    fax: str | None = strawberry.field(default=UNSET, description="Fax number.")
    birthdate: date | None = strawberry.field(default=UNSET, description="Date of birth.")
    client_website: str | None = strawberry.field(default=UNSET, description="Website URL.")
    website_language: str | None = strawberry.field(
        default=UNSET, description="Language code (en)."
    )
    published: bool | None = strawberry.field(default=UNSET, description="Publication flag.")
    status: ClientStatus | None = strawberry.field(
        default=UNSET, description="Status (staff only); bidding requires APPROVED."
    )
    agent_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The agent (a user). Staff only."
    )
    responsible_user_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description=RESPONSIBLE_USERS_INPUT
    )
    tags: list[str] | None = strawberry.field(default=UNSET, description="Tags; replaces all.")
    consignor_commissions: list[CommissionTierInput] | None = strawberry.field(
        default=UNSET, description="Commission tiers; replaces all (distinct thresholds)."
    )
    additional_charges: list[ChargeRowInput] | None = strawberry.field(
        default=UNSET, description="Extra charges; replaces all."
    )
    bank_details: list[BankDetailInput] | None = strawberry.field(
        default=UNSET, description="Bank accounts; replaces all."
    )
    external_ids: list[ExternalIdInput] | None = strawberry.field(
        default=UNSET, description="Ids in other systems; replaces all."
    )
    default_payment_method: str | None = strawberry.field(
        default=UNSET, description="Usual payment method."
    )
    invoice_release_limit: Decimal | None = strawberry.field(
        default=UNSET, description="Invoice release limit (0 or more)."
    )
    tax_type: str | None = strawberry.field(default=UNSET, description="Tax classification.")
    tax_id: str | None = strawberry.field(default=UNSET, description="Tax (VAT) number.")
    tax_state: str | None = strawberry.field(default=UNSET, description="Tax state or region.")
    billing_instructions: str | None = strawberry.field(
        default=UNSET, description="Internal billing instructions."
    )
    client_billing_instruction: str | None = strawberry.field(
        default=UNSET, description="Billing instructions shown to the client."
    )
    shipping_instructions: str | None = strawberry.field(
        default=UNSET, description="Internal shipping instructions."
    )
    shipping_instructions_client: str | None = strawberry.field(
        default=UNSET, description="Shipping instructions shown to the client."
    )
    temp_shipping_instructions: str | None = strawberry.field(
        default=UNSET, description="Temporary shipping instructions."
    )
    temp_si_dates_from: date | None = strawberry.field(
        default=UNSET, description="First day of the temporary instructions."
    )
    temp_si_dates_to: date | None = strawberry.field(
        default=UNSET, description="Last day of the temporary instructions (not before the first)."
    )
    blocking_reason: str | None = strawberry.field(
        default=UNSET, description="Why the client is blocked."
    )
    warning: str | None = strawberry.field(default=UNSET, description="Warning shown to staff.")
    block_emails: bool | None = strawberry.field(
        default=UNSET, description="Send the client no e-mail."
    )
    subscription_type: str | None = strawberry.field(
        default=UNSET, description="Catalogue subscription: email, print or both."
    )
    expiration_date: date | None = strawberry.field(
        default=UNSET, description="Account expiration."
    )
    customer_number: str | None = strawberry.field(
        default=UNSET,
        description="Customer number (unique); assigned (C + zero-padded sequence) on create "
        "when not sent.",
    )
    bidder_number: str | None = strawberry.field(
        default=UNSET, description="Paddle number (unique)."
    )
    categories: list[strawberry.ID] | None = strawberry.field(
        default=UNSET,
        description="Category IDs the client collects, in order; replaced as a whole (null or "
        "[] clears). Errors name the entry: `categories.1`.",
    )
    interested_in: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Interests: " + TERM_IDS
    )
    source: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Where the client came from (a Term ID); null clears."
    )
    address: AddressFieldsInput | None = strawberry.field(
        default=UNSET,
        description="The default address: created (billing and shipping) when the client has "
        "none, else its sent fields are changed.",
    )


@strawberry.input(description="A new client; every field is optional.")
class CreateClientInput(ClientFieldsInput):
    uuid: str | None = strawberry.field(
        default=None,
        description="External key: when a client with this uuid exists it is updated with the "
        "sent fields instead (upsert).",
    )


@strawberry.input(description="The client to change and the fields to change.")
class UpdateClientInput(ClientFieldsInput):
    id: strawberry.ID = strawberry.field(description="The client.")


@strawberry.input(description="The client to delete.")
class DeleteClientInput:
    id: strawberry.ID = strawberry.field(description="The client.")


@strawberry.input(description="Clients to merge into one.")
class MergeClientsInput:
    target_client_id: strawberry.ID = strawberry.field(description="The client that stays.")
    source_client_ids: list[strawberry.ID] = strawberry.field(
        description="Clients merged away (marked DELETED, mergedInto the target)."
    )
    merge_transactions: bool = strawberry.field(
        default=True, description="Move the sources' transactions too."
    )
    merge_orders: bool = strawberry.field(default=True, description="Move the sources' orders too.")
    merge_items: bool = strawberry.field(
        default=True, description="Move the sources' consignments and won lots too."
    )


@strawberry.input(description="Clients to connect as related records.")
class ConnectClientsInput:
    client_ids: list[strawberry.ID] = strawberry.field(description="Two or more distinct clients.")
    primary_client_id: strawberry.ID | None = strawberry.field(
        default=None, description="The one the others are connected to; default the first."
    )


@strawberry.type(description="The result of `createClient`.")
class CreateClientPayload:
    _client: strawberry.Private[models.Client | None] = None
    created: bool = strawberry.field(
        default=False, description="False when an existing client (same uuid) was updated."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every invalid field; nothing was written."
    )

    @strawberry.field(description="The new (or upserted) client.")
    def client(self) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        return self._client


@strawberry.type(description="The result of `updateClient`.")
class UpdateClientPayload:
    _client: strawberry.Private[models.Client | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every invalid field; nothing was written."
    )

    @strawberry.field(description="The client after the change.")
    def client(self) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        return self._client


@strawberry.type(description="The result of `deleteClient`.")
class DeleteClientPayload:
    _client: strawberry.Private[models.Client | None] = None
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The deleted client's ID."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why the client was not deleted."
    )

    @strawberry.field(
        description="The client, now with status DELETED (clients are never removed)."
    )
    def client(self) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        return self._client


@strawberry.type(description="The result of `mergeClients`.")
class MergeClientsPayload:
    _client: strawberry.Private[models.Client | None] = None
    deleted_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The sources, now DELETED."
    )
    merged_count: int = strawberry.field(default=0, description="How many clients were merged.")
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Unknown or deleted clients, the target among the sources, data a false "
        "flag would leave behind (MERGE_BLOCKED), or another merge of these clients still "
        "running (CONFLICT: try again); nothing was merged.",
    )

    @strawberry.field(description="The target client, holding everything that was moved.")
    def client(self) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        return self._client


@strawberry.type(description="The result of `connectClients`.")
class ConnectClientsPayload:
    _primary: strawberry.Private[models.Client | None] = None
    _connected: strawberry.Private[list[models.Client] | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was connected."
    )

    @strawberry.field(description="The primary client.")
    def primary_client(self) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        return self._primary

    @strawberry.field(description="Every client now connected to the primary (not itself).")
    def connected_clients(self) -> list[Annotated[Client, strawberry.lazy("graph.client.types")]]:
        return self._connected or []


def client_values(input: ClientFieldsInput, exclude: frozenset[str]) -> dict[str, Any]:
    """The sent client fields by model attribute name (ids decoded)."""
    values = decode_terms(
        present(input, exclude | {"address", "agent_id", "responsible_user_ids"}),
        clients.TERM_FIELDS,
    )
    if input.agent_id is not UNSET:
        values["agent_user_id"] = (
            None if input.agent_id is None else decode_id(input.agent_id, "User", "agentId")
        )
    users = input.responsible_user_ids
    if users is not UNSET:
        values["responsible_user_ids"] = (
            [] if users is None else decode_ids(users, "User", "responsibleUserIds")
        )
    return values


def address_values(input: ClientFieldsInput) -> dict[str, Any] | None:
    if input.address is UNSET or input.address is None:
        return None
    return present(input.address)


def _refresh(info: Info, *rows: models.Client) -> None:
    loaders = info.context.loaders
    for row in rows:
        loaders.client_by_id.clear(row.id).prime(row.id, row)
        loaders.addresses_by_client_id.clear(row.id)
        loaders.connected_clients_by_client_id.clear(row.id)


def _domain_error(exc: errors.DomainError) -> Exception:
    return from_domain(exc)


@strawberry.type
class ClientMutations:
    @strawberry.mutation(
        description="Create a client (or, with the uuid of an existing one, update it). A "
        "customer number is assigned when none is sent; `address` becomes the default "
        "address. Staff only.",
        permission_classes=STAFF,
    )
    async def create_client(
        self,
        info: Info,
        input: Annotated[
            CreateClientInput, strawberry.argument(description="The new client's fields.")
        ],
    ) -> CreateClientPayload:
        key: uuid_lib.UUID | None = None
        if input.uuid is not None:
            try:
                key = uuid_lib.UUID(input.uuid)
            except ValueError:
                raise BadUserInputError("`uuid` must be a UUID", field="uuid") from None
        cmd = clients.CreateClient(
            values=client_values(input, frozenset({"uuid"})),
            uuid=key,
            address=address_values(input),
        )
        context = info.context
        try:
            result = await clients.create_client(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return CreateClientPayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound) as exc:
            raise _domain_error(exc) from exc
        _refresh(info, result.client)
        return CreateClientPayload(_client=result.client, created=result.created)

    @strawberry.mutation(
        description="Change the sent fields of a client (null clears a field; `address` "
        "changes the default address). Staff change anything; a bidder may change their own "
        "contact fields (names, company, e-mails, phones, birthdate, website, language, "
        "subscription, blockEmails) and address, nothing else (FORBIDDEN).",
        permission_classes=[IsAuthenticated],
    )
    async def update_client(
        self,
        info: Info,
        input: Annotated[
            UpdateClientInput,
            strawberry.argument(description="The client and the fields to change."),
        ],
    ) -> UpdateClientPayload:
        cmd = clients.UpdateClient(
            client_id=decode_id(input.id, "Client"),
            values=client_values(input, frozenset({"id"})),
            address=address_values(input),
        )
        context = info.context
        try:
            result = await clients.update_client(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return UpdateClientPayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound) as exc:
            raise _domain_error(exc) from exc
        _refresh(info, result.client)
        return UpdateClientPayload(_client=result.client)

    @strawberry.mutation(
        description="Delete a client: its status becomes DELETED and everything it did stays "
        "on record (undo by setting the status back). Staff only.",
        permission_classes=STAFF,
    )
    async def delete_client(
        self,
        info: Info,
        input: Annotated[
            DeleteClientInput, strawberry.argument(description="The client to delete.")
        ],
    ) -> DeleteClientPayload:
        cmd = clients.DeleteClient(client_id=decode_id(input.id, "Client"))
        context = info.context
        try:
            result = await clients.delete_client(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return DeleteClientPayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound) as exc:
            raise _domain_error(exc) from exc
        _refresh(info, result.client)
        return DeleteClientPayload(
            _client=result.client, deleted_id=strawberry.ID(to_base64("Client", result.client.id))
        )

    @strawberry.mutation(
        description="Merge clients into a target: bids, addresses, notes, files, connections, "
        "logins and (by the flags, default all) orders, transactions, consignments and won "
        "lots move to the target; the sources become DELETED. Staff only.",
        permission_classes=STAFF,
    )
    async def merge_clients(
        self,
        info: Info,
        input: Annotated[
            MergeClientsInput,
            strawberry.argument(description="The target, the sources and what moves."),
        ],
    ) -> MergeClientsPayload:
        cmd = clients.MergeClients(
            target_id=decode_id(input.target_client_id, "Client", "targetClientId"),
            source_ids=decode_ids(input.source_client_ids, "Client", "sourceClientIds"),
            merge_transactions=input.merge_transactions,
            merge_orders=input.merge_orders,
            merge_items=input.merge_items,
        )
        context = info.context
        try:
            result = await clients.merge_clients(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return MergeClientsPayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound) as exc:
            raise _domain_error(exc) from exc
        _refresh(info, result.target, *result.sources)
        return MergeClientsPayload(
            _client=result.target,
            deleted_ids=[strawberry.ID(to_base64("Client", s.id)) for s in result.sources],
            merged_count=len(result.sources),
        )

    @strawberry.mutation(
        description="Connect clients as related records (same person or household) without "
        "merging them. Connecting connected clients changes nothing. Staff only.",
        permission_classes=STAFF,
    )
    async def connect_clients(
        self,
        info: Info,
        input: Annotated[
            ConnectClientsInput, strawberry.argument(description="The clients to connect.")
        ],
    ) -> ConnectClientsPayload:
        ids = decode_ids(input.client_ids, "Client", "clientIds")
        primary = (
            decode_id(input.primary_client_id, "Client", "primaryClientId")
            if input.primary_client_id is not None
            else None
        )
        context = info.context
        try:
            result = await clients.connect_clients(
                context.db, context.principal, clients.ConnectClients(ids, primary)
            )
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return ConnectClientsPayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound) as exc:
            raise _domain_error(exc) from exc
        _refresh(info, result.primary, *result.connected)
        return ConnectClientsPayload(_primary=result.primary, _connected=result.connected)
