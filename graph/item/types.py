"""The Item (lot) type."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from db import models
from domain.bidding import rules
from domain.items import lot_url
from graph.activity.types import history_field
from graph.bid.inputs import BID_ID_TYPES, BidFilter, BidOrder
from graph.context import Info
from graph.dataloaders import Prefetch, then
from graph.enums import ItemStatus
from graph.filtering import list_query, page_args
from graph.item.history import ItemHistoryEntry, history_entries
from graph.lists import nested
from graph.loaders import TermFields
from graph.node import ModelNode, computed
from graph.note.inputs import NoteFilter, NoteOrder
from graph.note.types import entity_notes
from graph.permissions import STAFF_ONLY, staff_only
from graph.relay import After, Before, Connection, First, Last, Search
from graph.rows import Catalog, ChargeRow, Dimension, catalog_rows, charge_rows, dimension_rows
from graph.term.types import category_list, term_list, term_one
from graph.user.types import responsible_users_field

if TYPE_CHECKING:
    from graph.bid.types import Bid
    from graph.category.types import Category
    from graph.client.types import Client
    from graph.consignment.types import Consignment
    from graph.file.types import File
    from graph.note.types import Note
    from graph.order.types import Order
    from graph.sale.types import Sale


_SALE = Prefetch("sale_by_id", attrgetter("sale_id"))


async def _terms(info: Info, item: models.Item) -> TermFields:
    return await info.context.loaders.terms_by_item_id.load(item.id)


@strawberry.type(description="A lot offered in a sale.")
class Item(ModelNode):
    __model__ = models.Item
    __loader__ = "item_by_id"
    __prefetch__ = {
        "sale": _SALE,
        "nextMinimumBid": _SALE,
        "startsAt": Prefetch("sale_by_id", lambda i: i.sale_id if i.starts_at is None else None),
        "highestBid": Prefetch("bid_by_id", attrgetter("leading_bid_id")),
        "consignment": Prefetch("consignment_by_id", attrgetter("consignment_id")),
        "category": Prefetch("category_by_id", attrgetter("category_id")),
        "images": Prefetch("images_by_item_id", attrgetter("id")),
    }

    id: relay.NodeID[int]
    lot_number: int | None = strawberry.field(description="Lot number within the sale.")
    lot_letter: str = strawberry.field(description='Suffix letter of the lot ("A"), or "".')
    title: str = strawberry.field(description="Title line of the lot.")
    description: str | None = strawberry.field(description="HTML description.")
    published: bool = strawberry.field(description="Shown in the public catalogue.")
    status: ItemStatus = strawberry.field(description="Where the lot stands.")
    estimate_low: Decimal | None = strawberry.field(description="Low estimate.")
    estimate_high: Decimal | None = strawberry.field(description="High estimate.")
    starting_price: Decimal = strawberry.field(description="The lowest acceptable first bid.")
    buy_now_price: Decimal | None = strawberry.field(
        description="Price at which the lot can be bought outright while it has no bid."
    )
    current_bid: Decimal | None = strawberry.field(description="Current price; null before bids.")
    bid_count: int = strawberry.field(description="Accepted bid rows, proxy bids included.")
    closes_at: datetime | None = strawberry.field(
        description="When bidding closes (moved later by soft close)."
    )
    closed_at: datetime | None = strawberry.field(description="When the lot was closed.")
    hammer_price: Decimal | None = strawberry.field(description="Price the lot sold for.")
    created_at: datetime = strawberry.field(description="Created.")
    updated_at: datetime = strawberry.field(description="Last changed.")
    reserve_price: Decimal | None = strawberry.field(
        description="Confidential minimum price." + STAFF_ONLY, extensions=staff_only()
    )
    auctioneer_notes: str | None = strawberry.field(
        description="Notes for the auctioneer." + STAFF_ONLY, extensions=staff_only()
    )
    position_of_consignment: int | None = strawberry.field(
        description="Position of the lot within its consignment."
    )
    footer: str | None = strawberry.field(description="Text printed after the description.")
    caption: str | None = strawberry.field(description="Caption of the lot's images.")
    literature: str | None = strawberry.field(description="Literature citing the lot.")
    essay: str | None = strawberry.field(description="Catalogue essay.")
    provenance: str | None = strawberry.field(description="Previous owners of the lot.")
    ex: str | None = strawberry.field(description="Ex-collection: collections it came from.")
    item_type: str | None = strawberry.field(description='Kind of lot ("artwork").')
    grade: str | None = strawberry.field(description="Condition or grade.")
    year: int | None = strawberry.field(description="Year of the lot (negative for BC).")
    consignor_reference_number: str | None = strawberry.field(
        description="The consignor's own reference for the lot." + STAFF_ONLY,
        extensions=staff_only(),
    )
    estimate_internal: Decimal | None = strawberry.field(
        description="The house's internal estimate." + STAFF_ONLY, extensions=staff_only()
    )
    retail_price: Decimal | None = strawberry.field(description="Retail price.")
    buy_now_setting: str | None = strawberry.field(description="How buy now is offered.")
    reserve_type: str | None = strawberry.field(description='Kind of reserve ("fixed").')
    video_url: str | None = strawberry.field(description="Link to a video of the lot.")
    pdf_url: str | None = strawberry.field(description="Link to a PDF about the lot.")
    certificate_link: str | None = strawberry.field(description="Link to its certificate.")
    reference_link: str | None = strawberry.field(description="Link to a reference page.")
    product_tax_code: str | None = strawberry.field(description="Sales tax product code.")
    harmonized_code: str | None = strawberry.field(description="Customs (HS) code.")
    signed_locations: str | None = strawberry.field(description="Where the work is signed.")
    art_work_type: str | None = strawberry.field(description="Kind of artwork.")
    shipping_id: int | None = strawberry.field(description="Shipping profile id.")
    post_sale: bool = strawberry.field(description="Offered in the post-sale.")
    public_message: str | None = strawberry.field(description="Message shown to bidders.")
    dont_pay_consignor_note: str | None = strawberry.field(
        description="Why the consignor is not to be paid." + STAFF_ONLY, extensions=staff_only()
    )
    printing_options: str | None = strawberry.field(description="Catalogue printing options.")
    hide_sold_information: bool = strawberry.field(
        description="Asks public catalogues to hide the lot's result (the API still returns it)."
    )
    catalogs: list[Catalog] = computed(
        lambda item: catalog_rows(item.catalogs),
        description="Where the lot appears in reference catalogues.",
    )

    dimensions: list[Dimension] = computed(
        lambda item: dimension_rows(item.dimensions),
        description="The packed pieces of the lot (cm, kg).",
    )
    additional_charges: list[ChargeRow] = computed(
        lambda item: charge_rows(item.additional_charges),
        description="Charges billed with the lot to its buyer (shipping, insurance, …).",
    )

    lot: str | None = computed(
        lambda item: None if item.lot_number is None else f"{item.lot_number}{item.lot_letter}",
        description='Lot number and letter as printed ("150A").',
    )

    @strawberry.field(
        description="Amount to pay the consignor, from the newest history record." + STAFF_ONLY,
        extensions=staff_only(),
    )
    def consignor_price(self, parent: strawberry.Parent[models.Item], info: Info) -> Decimal | None:
        return then(info.context.loaders.history_by_item_id.get(parent.id), _consignor_price)

    @strawberry.field(
        description="Whether the consignor is not to be paid, from the newest history record."
        + STAFF_ONLY,
        extensions=staff_only(),
    )
    def dont_pay_consignor(self, parent: strawberry.Parent[models.Item], info: Info) -> bool | None:
        return then(info.context.loaders.history_by_item_id.get(parent.id), _dont_pay)

    @strawberry.field(
        description="The sale-result facts clerks recorded on the lot, newest first (REST "
        "`field_*`); the newest is current. `status`, `hammerPrice` and `winner` stay the "
        "bidding engine's. Staff only; empty for others.",
        extensions=staff_only(),
    )
    def history(self, parent: strawberry.Parent[models.Item], info: Info) -> list[ItemHistoryEntry]:
        return then(info.context.loaders.history_by_item_id.get(parent.id), history_entries)

    @strawberry.field(
        description="The newest invoice holding the lot (canceled ones left out)." + STAFF_ONLY,
        extensions=staff_only(),
    )
    async def current_order(
        self, parent: strawberry.Parent[models.Item], info: Info
    ) -> Annotated[Order, strawberry.lazy("graph.order.types")] | None:
        invoice, _ = await info.context.loaders.current_orders_by_item_id.load(parent.id)
        return invoice

    @strawberry.field(
        description="The newest consignor settlement holding the lot (canceled ones left out)."
        + STAFF_ONLY,
        extensions=staff_only(),
    )
    async def current_settlement(
        self, parent: strawberry.Parent[models.Item], info: Info
    ) -> Annotated[Order, strawberry.lazy("graph.order.types")] | None:
        _, settlement = await info.context.loaders.current_orders_by_item_id.load(parent.id)
        return settlement

    @strawberry.field(
        description="The lot's page on the house's public site (`<GAVEL_PUBLIC_URL>/lots/"
        "<databaseId>`); null when the installation sets no public URL."
    )
    def public_url(self, parent: strawberry.Parent[models.Item], info: Info) -> str | None:
        return lot_url(info.context.public_url, parent.id)

    @strawberry.field(description="Whether the current price has reached the reserve.")
    def reserve_met(self, parent: strawberry.Parent[models.Item]) -> bool:
        return rules.reserve_met(parent.current_bid, parent.reserve_price)

    @strawberry.field(description="The sale this lot belongs to.")
    def sale(
        self, parent: strawberry.Parent[models.Item], info: Info
    ) -> Annotated[Sale, strawberry.lazy("graph.sale.types")] | None:
        return info.context.loaders.sale_by_id.get(parent.sale_id)

    @strawberry.field(description="When bidding opens: the lot's own time, else the sale's start.")
    def starts_at(self, parent: strawberry.Parent[models.Item], info: Info) -> datetime | None:
        if parent.starts_at is not None:
            return parent.starts_at
        return then(info.context.loaders.sale_by_id.get(parent.sale_id), _sale_start)

    @strawberry.field(
        description="The lowest bid accepted now: the starting price, then current bid + increment."
    )
    def next_minimum_bid(self, parent: strawberry.Parent[models.Item], info: Info) -> Decimal:
        def next_minimum(sale: models.Sale | None) -> Decimal:
            table = rules.increment_table(sale.increments if sale is not None else None)
            return rules.next_minimum(parent.current_bid, parent.starting_price, table)

        return then(info.context.loaders.sale_by_id.get(parent.sale_id), next_minimum)

    @strawberry.field(
        description="Your own current maximum on this lot: the highest amount or maximum you "
        "bid (absentee bids included). Null when signed out, for others, or before you bid."
    )
    async def my_max_bid(
        self, parent: strawberry.Parent[models.Item], info: Info
    ) -> Decimal | None:
        if info.context.principal.client_id is None:
            return None
        return await info.context.loaders.my_max_bid_by_item_id.load(parent.id)

    @strawberry.field(description="The leading bid, if any.")
    def highest_bid(
        self, parent: strawberry.Parent[models.Item], info: Info
    ) -> Annotated[Bid, strawberry.lazy("graph.bid.types")] | None:
        if parent.leading_bid_id is None:
            return None
        return info.context.loaders.bid_by_id.get(parent.leading_bid_id)

    @strawberry.field(
        description="The client who won the lot." + STAFF_ONLY, extensions=staff_only()
    )
    async def winner(
        self, parent: strawberry.Parent[models.Item], info: Info
    ) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        if parent.winner_id is None:
            return None
        return await info.context.loaders.client_by_id.load(parent.winner_id)

    @strawberry.field(description="Bid history of the lot, newest first by default.")
    async def bids(
        self,
        parent: strawberry.Parent[models.Item],
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
            loaders.bids_by_item_id(query, args),
            lambda: loaders.bid_count_by_item_id(query),
        )

    @strawberry.field(
        description="The consignment the lot came from. Staff and the consignor only; null for "
        "others."
    )
    def consignment(
        self, parent: strawberry.Parent[models.Item], info: Info
    ) -> Annotated[Consignment, strawberry.lazy("graph.consignment.types")] | None:
        if parent.consignment_id is None:
            return None
        return info.context.loaders.consignment_by_id.get(parent.consignment_id)

    @strawberry.field(description="The collecting category the lot is filed under.")
    def category(
        self, parent: strawberry.Parent[models.Item], info: Info
    ) -> Annotated[Category, strawberry.lazy("graph.category.types")] | None:
        if parent.category_id is None:
            return None
        return info.context.loaders.category_by_id.get(parent.category_id)

    categories = category_list(
        _terms, "Every category the lot is filed under, the main one (`category`) first."
    )
    destinations = term_list(_terms, "destinations", "Destinations (terms), in order.")
    search_tags = term_list(_terms, "search_tags", "Search tags (terms), in order.")
    catalogue_parts = term_list(_terms, "catalogue_parts", "Catalogue parts (terms), in order.")
    postal_thematics = term_list(_terms, "postal_thematics", "Postal thematics (terms), in order.")
    symbols = term_list(_terms, "symbols", "Philatelic symbols (terms), in order.")
    sub_symbol = term_list(_terms, "sub_symbol", "Philatelic sub-symbols (terms), in order.")
    grouping_category = term_list(
        _terms, "grouping_category", "Grouping categories (terms), in order."
    )
    topics = term_list(_terms, "topics", "Topics (terms), in order.")
    tags = term_list(_terms, "tags", "Lot tags (terms), in order.")
    mediums = term_list(_terms, "mediums", "Mediums (terms), in order.")
    collectible_type = term_one(_terms, "collectible_type", "The collectible type (a term).")
    country = term_one(_terms, "country", "The country of the lot (a term).")

    @strawberry.field(
        description="Images of the lot in display order (private ones for staff only)."
    )
    def images(
        self, parent: strawberry.Parent[models.Item], info: Info
    ) -> list[Annotated[File, strawberry.lazy("graph.file.types")]]:
        return info.context.loaders.images_by_item_id.get(parent.id)

    activities = history_field(models.EntityType.ITEM, "lot")
    responsible_users = responsible_users_field(models.EntityType.ITEM, "lot")

    @strawberry.field(
        description="Staff notes on the lot, newest first by default." + STAFF_ONLY,
        extensions=staff_only(),
    )
    async def notes(
        self,
        parent: strawberry.Parent[models.Item],
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
            models.EntityType.ITEM,
            parent.id,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
            search=search,
        )


def _consignor_price(rows: list[models.ItemHistory]) -> Decimal | None:
    return rows[0].consignor_price if rows else None


def _dont_pay(rows: list[models.ItemHistory]) -> bool:
    return bool(rows and rows[0].dont_pay_consignor)


def _sale_start(sale: models.Sale | None) -> datetime | None:
    return sale.starts_at if sale is not None else None
