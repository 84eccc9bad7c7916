"""The Client type."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from db import models
from graph.activity.types import history_field
from graph.bid.inputs import BID_ID_TYPES, BidFilter, BidOrder
from graph.consignment.inputs import CONSIGNMENT_ID_TYPES, ConsignmentFilter, ConsignmentOrder
from graph.context import Info
from graph.enums import ClientStatus
from graph.filtering import list_query, page_args
from graph.lists import nested
from graph.loaders import TermFields
from graph.node import ModelNode, computed
from graph.note.inputs import NoteFilter, NoteOrder
from graph.note.types import entity_notes
from graph.order.inputs import ORDER_ID_TYPES, OrderFilter, OrderOrder
from graph.permissions import STAFF_ONLY, staff_only
from graph.relay import After, Before, Connection, First, Last, Search
from graph.rows import ChargeRow, ExternalId, charge_rows, external_ids
from graph.term.types import category_list, term_list, term_one
from graph.transaction.inputs import TRANSACTION_ID_TYPES, TransactionFilter, TransactionOrder
from graph.user.types import responsible_users_field

if TYPE_CHECKING:
    from graph.address.types import Address
    from graph.bid.types import Bid
    from graph.consignment.types import Consignment
    from graph.note.types import Note
    from graph.order.types import Order
    from graph.transaction.types import Transaction
    from graph.user.types import User


@strawberry.type(description="One tier of a consignor's commission.")
class CommissionTier:
    step_from: Decimal = strawberry.field(
        description="The tier applies to hammer prices from this amount up."
    )
    consignor_commission: Decimal = strawberry.field(
        description="The house's commission in percent (15.00 = 15 %)."
    )


@strawberry.type(description="A bank account of the client.")
class BankDetail:
    name: str = strawberry.field(description="Bank name.")
    code: str = strawberry.field(description="Bank code (sort code, routing number).")
    number: str = strawberry.field(description="Account number.")
    owner: str = strawberry.field(description="Account holder.")
    iban: str = strawberry.field(description="IBAN, upper case without spaces.")
    bic: str = strawberry.field(description="BIC (SWIFT code).")


def _commission_tiers(client: models.Client) -> list[CommissionTier]:
    return [
        CommissionTier(
            step_from=Decimal(row["step_from"]),
            consignor_commission=Decimal(row["consignor_commission"]),
        )
        for row in client.consignor_commissions
    ]


def _bank_details(client: models.Client) -> list[BankDetail]:
    keys = ("name", "code", "number", "owner", "iban", "bic")
    return [BankDetail(**{k: str(row.get(k) or "") for k in keys}) for row in client.bank_details]


def _display_name(client: models.Client) -> str:
    name = " ".join(p for p in (client.first_name, client.last_name) if p)
    return name or client.company or f"Client {client.id}"


async def _terms(info: Info, row: models.Client) -> TermFields:
    return await info.context.loaders.terms_by_client_id.load(row.id)


@strawberry.type(
    description="A person or company the house deals with: bidder, buyer and/or consignor. "
    "Staff see every client; a bidder sees only their own record."
)
class Client(ModelNode):
    __model__ = models.Client
    __loader__ = "client_by_id"

    id: relay.NodeID[int]
    first_name: str | None = strawberry.field(description="First name.")
    last_name: str | None = strawberry.field(description="Last name.")
    company: str | None = strawberry.field(description="Company name.")
    name_prefix: str | None = strawberry.field(description="Salutation (Mr., Dr.).")
    email: str | None = strawberry.field(description="Primary e-mail.")
    phone: str | None = strawberry.field(description="Phone number.")
    mobile: str | None = strawberry.field(description="Mobile number.")
    birthdate: date | None = strawberry.field(description="Date of birth.")
    categories = category_list(_terms, "The categories the client collects, in order.")
    interested_in = term_list(_terms, "interested_in", "The client's interests (terms).")
    source = term_one(_terms, "source", "Where the client came from (a term).")
    status: ClientStatus = strawberry.field(description="Bidding requires APPROVED.")
    published: bool = strawberry.field(description="Publication flag.")
    bidder_number: str | None = strawberry.field(description="Paddle number used when bidding.")
    customer_number: str | None = strawberry.field(description="Customer number (C12348).")
    tax_id: str | None = strawberry.field(description="Tax (VAT) number.")
    warning: str | None = strawberry.field(description="Warning shown to staff.")
    blocking_reason: str | None = strawberry.field(description="Why the client is blocked.")
    created_at: datetime = strawberry.field(description="Created.")
    updated_at: datetime = strawberry.field(description="Last changed.")

    display_name: str = computed(
        _display_name, description="Full name, or the company when there is no name."
    )
    uuid: str = computed(
        lambda row: str(row.uuid), description="Stable external key (the REST upsert key)."
    )
    position_company: str | None = strawberry.field(description="Position in the company.")
    override_salutation: str | None = strawberry.field(description="Custom salutation.")
    secondary_email: str | None = strawberry.field(description="Second e-mail.")
    primary_phone: str | None = strawberry.field(description="Primary phone number.")
    office_phone: str | None = strawberry.field(description="Office phone number.")
    fax: str | None = strawberry.field(description="Fax number.")
    client_website: str | None = strawberry.field(description="Website URL.")
    website_language: str | None = strawberry.field(description="Language code (en).")
    tags: list[str] = strawberry.field(description="Tags (VIP).")
    default_payment_method: str | None = strawberry.field(description="Usual payment method.")
    invoice_release_limit: Decimal | None = strawberry.field(description="Invoice release limit.")
    tax_type: str | None = strawberry.field(description="Tax classification.")
    tax_state: str | None = strawberry.field(description="Tax state or region.")
    client_billing_instruction: str | None = strawberry.field(
        description="Billing instructions shown to the client."
    )
    shipping_instructions_client: str | None = strawberry.field(
        description="Shipping instructions shown to the client."
    )
    temp_shipping_instructions: str | None = strawberry.field(
        description="Temporary shipping instructions."
    )
    temp_si_dates_from: date | None = strawberry.field(
        description="First day of the temporary shipping instructions."
    )
    temp_si_dates_to: date | None = strawberry.field(
        description="Last day of the temporary shipping instructions."
    )
    block_emails: bool = strawberry.field(description="No e-mail is sent to the client.")
    subscription_type: str | None = strawberry.field(
        description="Catalogue subscription: email, print or both."
    )
    expiration_date: date | None = strawberry.field(description="Account expiration.")
    consignor_commissions: list[CommissionTier] = computed(
        _commission_tiers, description="Tiered consignor commission, lowest threshold first."
    )
    additional_charges: list[ChargeRow] = computed(
        lambda client: charge_rows(client.additional_charges),
        description="Extra charges billed to the client.",
    )
    bank_details: list[BankDetail] = computed(_bank_details, description="Bank accounts.")
    external_ids: list[ExternalId] = computed(
        lambda client: external_ids(client.external_ids),
        description="Ids of the client in other systems.",
    )

    @strawberry.field(
        description="Internal billing instructions." + STAFF_ONLY, extensions=staff_only()
    )
    def billing_instructions(self, parent: strawberry.Parent[models.Client]) -> str | None:
        return parent.billing_instructions

    @strawberry.field(
        description="Internal shipping instructions." + STAFF_ONLY, extensions=staff_only()
    )
    def shipping_instructions(self, parent: strawberry.Parent[models.Client]) -> str | None:
        return parent.shipping_instructions

    @strawberry.field(
        description="Clients connected to this one as related records (same person or "
        "household), by id; only those the caller may see."
    )
    async def connected_clients(
        self, parent: strawberry.Parent[models.Client], info: Info
    ) -> list[Client]:
        return await info.context.loaders.connected_clients_by_client_id.load(parent.id)

    @strawberry.field(
        description="The client this record was merged into (status DELETED); null otherwise."
    )
    async def merged_into(
        self, parent: strawberry.Parent[models.Client], info: Info
    ) -> Client | None:
        if parent.merged_into_id is None:
            return None
        return await info.context.loaders.client_by_id.load(parent.merged_into_id)

    @strawberry.field(
        description="The client's agent (a staff user)." + STAFF_ONLY, extensions=staff_only()
    )
    async def agent(
        self, parent: strawberry.Parent[models.Client], info: Info
    ) -> Annotated[User, strawberry.lazy("graph.user.types")] | None:
        if parent.agent_user_id is None:
            return None
        return await info.context.loaders.user_by_id.load(parent.agent_user_id)

    @strawberry.field(description="The client's bids, newest first by default.")
    async def bids(
        self,
        parent: strawberry.Parent[models.Client],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: BidFilter | None = None,
        order_by: list[BidOrder] | None = None,
    ) -> Connection[Annotated[Bid, strawberry.lazy("graph.bid.types")]]:
        query = list_query(filter, order_by, None, BID_ID_TYPES)
        args = page_args(first, after, last, before)
        loaders = info.context.loaders
        return await nested(
            parent.id,
            loaders.bids_by_client_id(query, args),
            lambda: loaders.bid_count_by_client_id(query),
        )

    @strawberry.field(description="The client's orders (invoices, settlements), newest first.")
    async def orders(
        self,
        parent: strawberry.Parent[models.Client],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: OrderFilter | None = None,
        order_by: list[OrderOrder] | None = None,
        search: Search = None,
    ) -> Connection[Annotated[Order, strawberry.lazy("graph.order.types")]]:
        query = list_query(filter, order_by, search, ORDER_ID_TYPES)
        args = page_args(first, after, last, before)
        loaders = info.context.loaders
        return await nested(
            parent.id,
            loaders.orders_by_client_id(query, args),
            lambda: loaders.order_count_by_client_id(query),
        )

    @strawberry.field(description="Money the client paid or was paid, newest first.")
    async def transactions(
        self,
        parent: strawberry.Parent[models.Client],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: TransactionFilter | None = None,
        order_by: list[TransactionOrder] | None = None,
    ) -> Connection[Annotated[Transaction, strawberry.lazy("graph.transaction.types")]]:
        query = list_query(filter, order_by, None, TRANSACTION_ID_TYPES)
        args = page_args(first, after, last, before)
        loaders = info.context.loaders
        return await nested(
            parent.id,
            loaders.transactions_by_client_id(query, args),
            lambda: loaders.transaction_count_by_client_id(query),
        )

    @strawberry.field(
        description="What the client owes the house: positive = the client owes, negative = "
        "the house owes the client. The sum of `amountDue` over the client's non-canceled "
        "BIDDER and TRANSPORT_INVOICE orders and the non-canceled CREDIT_NOTEs of such orders "
        "(a credit note's amounts are negative until the credit is paid back)."
    )
    async def balance(self, parent: strawberry.Parent[models.Client], info: Info) -> Decimal:
        return await info.context.loaders.balance_by_client_id.load(parent.id)

    @strawberry.field(description="The client's addresses, the default first.")
    async def addresses(
        self, parent: strawberry.Parent[models.Client], info: Info
    ) -> list[Annotated[Address, strawberry.lazy("graph.address.types")]]:
        return await info.context.loaders.addresses_by_client_id.load(parent.id)

    @strawberry.field(description="The client's default address, if any.")
    async def default_address(
        self, parent: strawberry.Parent[models.Client], info: Info
    ) -> Annotated[Address, strawberry.lazy("graph.address.types")] | None:
        addresses = await info.context.loaders.addresses_by_client_id.load(parent.id)
        return next((a for a in addresses if a.is_default), None)

    @strawberry.field(
        description="Consignments the client handed to the house, last changed first."
    )
    async def consignments(
        self,
        parent: strawberry.Parent[models.Client],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: ConsignmentFilter | None = None,
        order_by: list[ConsignmentOrder] | None = None,
        search: Search = None,
    ) -> Connection[Annotated[Consignment, strawberry.lazy("graph.consignment.types")]]:
        query = list_query(filter, order_by, search, CONSIGNMENT_ID_TYPES)
        args = page_args(first, after, last, before)
        loaders = info.context.loaders
        return await nested(
            parent.id,
            loaders.consignments_by_consignor_id(query, args),
            lambda: loaders.consignment_count_by_consignor_id(query),
        )

    activities = history_field(models.EntityType.CLIENT, "client")
    responsible_users = responsible_users_field(models.EntityType.CLIENT, "client")

    @strawberry.field(
        description="Staff notes on the client, newest first by default." + STAFF_ONLY,
        extensions=staff_only(),
    )
    async def notes(
        self,
        parent: strawberry.Parent[models.Client],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: NoteFilter | None = None,
        order_by: list[NoteOrder] | None = None,
        search: Search = None,
    ) -> Connection[Annotated[Note, strawberry.lazy("graph.note.types")]] | None:
        return await entity_notes(
            info,
            models.EntityType.CLIENT,
            parent.id,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
            search=search,
        )
