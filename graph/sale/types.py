"""The Sale type."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from db import models
from db.queries.sale import sale_status
from domain.bidding.rules import increment_table
from domain.sales import sale_url
from graph.activity.types import history_field
from graph.consignment.inputs import CONSIGNMENT_ID_TYPES, ConsignmentFilter, ConsignmentOrder
from graph.context import Info
from graph.dataloaders import Prefetch, then
from graph.enums import SaleKind, SaleStatus
from graph.filtering import list_query, page_args
from graph.item.inputs import ITEM_ID_TYPES, ItemFilter, ItemOrder
from graph.lists import nested
from graph.loaders import TermFields
from graph.node import ModelNode, computed
from graph.note.inputs import NoteFilter, NoteOrder
from graph.note.types import entity_notes
from graph.order.inputs import ORDER_ID_TYPES, OrderFilter, OrderOrder
from graph.permissions import STAFF_ONLY, STAFF_ONLY_LIST, staff_only
from graph.relay import After, Before, Connection, First, Last, Search
from graph.rows import ChargeRow, ExternalId, charge_rows, external_ids
from graph.scalars import Rate
from graph.term.types import term_list, term_one

if TYPE_CHECKING:
    from graph.consignment.types import Consignment
    from graph.item.types import Item
    from graph.note.types import Note
    from graph.order.types import Order


@strawberry.type(description="One band of a sale's increment table.")
class IncrementBand:
    start: Decimal = strawberry.field(
        name="from", description="From this price (inclusive) upwards…"
    )
    increment: Decimal = strawberry.field(description="…bids rise by at least this much.")


async def _terms(info: Info, row: models.Sale) -> TermFields:
    return await info.context.loaders.terms_by_sale_id.load(row.id)


@strawberry.type(description="An auction event: a timed online sale or a live sale.")
class Sale(ModelNode):
    __model__ = models.Sale
    __loader__ = "sale_by_id"
    __prefetch__ = dict.fromkeys(
        ("itemCount", "totalEstimates", "totalHammerPrice"),
        Prefetch("item_stats_by_sale_id", attrgetter("id")),
    )

    id: relay.NodeID[int]
    title: str = strawberry.field(description="Title of the sale.")
    subtitle: str | None = strawberry.field(description="Subtitle.")
    description: str | None = strawberry.field(description="HTML description.")
    sale_number: str | None = strawberry.field(description="Reference number (SALE-2025-001).")
    departments = term_list(_terms, "departments", "The departments running the sale (terms).")
    bid_steps = term_one(_terms, "bid_steps", "The named bid-step table (a term).")
    catalog = term_one(_terms, "catalog", "The catalogue the sale belongs to (a term).")
    kind: SaleKind = strawberry.field(description="TIMED or LIVE.")
    published: bool = strawberry.field(description="Shown in the public catalogue.")
    starts_at: datetime | None = strawberry.field(description="When bidding opens.")
    ends_at: datetime | None = strawberry.field(
        description="When the (first) lot is scheduled to close."
    )
    closed_at: datetime | None = strawberry.field(description="When the last lot closed.")
    currency: str = strawberry.field(description="ISO 4217 currency of every amount in the sale.")
    buyers_premium_rate: Rate = strawberry.field(
        description='Buyer\'s premium as a fraction of the hammer price ("0.25" = 25 %).'
    )
    tax_rate: Rate = strawberry.field(description="Tax rate applied to the premium (fraction).")
    soft_close_seconds: int = strawberry.field(
        description="A bid this close to a lot's closing time extends it by this much."
    )
    stagger_seconds: int = strawberry.field(
        description="Timed sales: lot n closes this many seconds after lot n-1."
    )
    lots_locked: bool = strawberry.field(description="Lot numbers can no longer change.")
    created_at: datetime = strawberry.field(description="Created.")
    updated_at: datetime = strawberry.field(description="Last changed.")

    additional_charges: list[ChargeRow] = computed(
        lambda sale: charge_rows(sale.additional_charges),
        description="Charges billed once to each buyer of the sale (handling, catalogue).",
    )
    post_sale_discount: Decimal | None = strawberry.field(
        description="Post-sale discount as a percentage (0 to 100)."
    )
    next_consignment_notice: str | None = strawberry.field(
        description="Notice about the next consignment deadline."
    )
    date_and_location_string: str | None = strawberry.field(
        description="Date and place of the sale as display text."
    )
    display_live_links: bool = strawberry.field(description="Show live-bidding links.")
    pdf_link: str | None = strawberry.field(description="URL of the catalogue PDF.")
    pdf_sale_result: str | None = strawberry.field(description="URL of the results PDF.")
    e_book_link: str | None = strawberry.field(description="URL of the e-book catalogue.")

    @strawberry.field(
        description="Images are synchronised until this time." + STAFF_ONLY,
        extensions=staff_only(),
    )
    def auto_sync_image_end_date(self, parent: strawberry.Parent[models.Sale]) -> datetime | None:
        return parent.auto_sync_image_end_date

    @strawberry.field(
        description="Initial finder-fee orders setting." + STAFF_ONLY, extensions=staff_only()
    )
    def initial_finder_fees_orders(self, parent: strawberry.Parent[models.Sale]) -> str | None:
        return parent.initial_finder_fees_orders

    @strawberry.field(
        description="Directory the lot images are synchronised from." + STAFF_ONLY,
        extensions=staff_only(),
    )
    def item_images_dir(self, parent: strawberry.Parent[models.Sale]) -> str | None:
        return parent.item_images_dir

    @strawberry.field(
        description="Whether synchronisation with other systems is on." + STAFF_ONLY,
        extensions=staff_only(),
    )
    def sync_active(self, parent: strawberry.Parent[models.Sale]) -> bool | None:
        return parent.sync_active

    @strawberry.field(
        description="Ids of the sale in other systems." + STAFF_ONLY_LIST,
        extensions=staff_only(),
    )
    def external_ids(self, parent: strawberry.Parent[models.Sale]) -> list[ExternalId]:
        return external_ids(parent.external_ids)

    @strawberry.field(
        description="Number of the sale's lots (that the caller can see) with an image."
    )
    def items_with_images(self, parent: strawberry.Parent[models.Sale], info: Info) -> int:
        return then(info.context.loaders.image_stats_by_sale_id.get(parent.id), itemgetter(0))

    @strawberry.field(
        description="Number of the sale's lots (that the caller can see) without one."
    )
    def items_without_images(self, parent: strawberry.Parent[models.Sale], info: Info) -> int:
        return then(info.context.loaders.image_stats_by_sale_id.get(parent.id), itemgetter(1))

    @strawberry.field(
        description="The sale's page on the house's public site (`<GAVEL_PUBLIC_URL>/sales/"
        "<databaseId>`); null when the installation sets no public URL."
    )
    def public_url(self, parent: strawberry.Parent[models.Sale], info: Info) -> str | None:
        return sale_url(info.context.public_url, parent.id)

    @strawberry.field(description="DRAFT, UPCOMING, PUBLISHED (running) or CLOSED.")
    def status(self, parent: strawberry.Parent[models.Sale]) -> SaleStatus:
        return sale_status(parent, datetime.now(UTC))

    @strawberry.field(description="The increment table bids follow (the default if none is set).")
    def increments(self, parent: strawberry.Parent[models.Sale]) -> list[IncrementBand]:
        return [
            IncrementBand(start=band.start, increment=band.increment)
            for band in increment_table(parent.increments)
        ]

    @strawberry.field(description="The sale's lots.")
    async def items(
        self,
        parent: strawberry.Parent[models.Sale],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: ItemFilter | None = None,
        order_by: list[ItemOrder] | None = None,
        search: Search = None,
    ) -> Connection[Annotated[Item, strawberry.lazy("graph.item.types")]]:
        query = list_query(filter, order_by, search, ITEM_ID_TYPES)
        args = page_args(first, after, last, before)
        loaders = info.context.loaders
        return await nested(
            parent.id,
            loaders.items_by_sale_id(query, args),
            lambda: loaders.item_count_by_sale_id(query),
        )

    @strawberry.field(
        description="Orders (invoices, settlements) of this sale, newest first. Staff see all; "
        "a bidder sees only their own; empty for anonymous callers."
    )
    async def orders(
        self,
        parent: strawberry.Parent[models.Sale],
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
            loaders.orders_by_sale_id(query, args),
            lambda: loaders.order_count_by_sale_id(query),
        )

    @strawberry.field(description="Number of lots (that the caller can see).")
    def item_count(self, parent: strawberry.Parent[models.Sale], info: Info) -> int:
        return then(info.context.loaders.item_stats_by_sale_id.get(parent.id), itemgetter(0))

    @strawberry.field(description="Sum of the lots' low estimates.")
    def total_estimates(self, parent: strawberry.Parent[models.Sale], info: Info) -> Decimal:
        return then(info.context.loaders.item_stats_by_sale_id.get(parent.id), itemgetter(1))

    @strawberry.field(description="Sum of the hammer prices of sold lots.")
    def total_hammer_price(self, parent: strawberry.Parent[models.Sale], info: Info) -> Decimal:
        return then(info.context.loaders.item_stats_by_sale_id.get(parent.id), itemgetter(2))

    @strawberry.field(
        description="Consignments assigned to the sale. Staff see all; a bidder sees the ones "
        "they consigned."
    )
    async def consignments(
        self,
        parent: strawberry.Parent[models.Sale],
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
            loaders.consignments_by_sale_id(query, args),
            lambda: loaders.consignment_count_by_sale_id(query),
        )

    activities = history_field(models.EntityType.SALE, "sale")

    @strawberry.field(
        description="Staff notes on the sale, newest first by default." + STAFF_ONLY,
        extensions=staff_only(),
    )
    async def notes(
        self,
        parent: strawberry.Parent[models.Sale],
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
            models.EntityType.SALE,
            parent.id,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
            search=search,
        )
