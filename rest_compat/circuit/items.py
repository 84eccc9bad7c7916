"""B5 Items (lots): list, get, items-bulk and clone-or-move.

Thin adapters over ``domain.items``: read the Circuit body, call the use case, shape the B5.0
representation. Lot rules, status changes, clone and move are the domain's; this module only
reads formats and maps names.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db import models
from db.queries.client import clients_by_ids
from db.queries.consignment import consignments_by_ids
from db.queries.file import images_by_item_ids
from db.queries.item import (
    ITEM_LIST,
    Neighbour,
    items_by_ids,
    latest_history_by_item_ids,
    lot_neighbours_by_item_ids,
)
from db.queries.listing import Condition, Sort
from db.queries.order import current_orders_by_item_ids
from db.queries.sale import sales_by_ids
from db.queries.term import ITEM_LINKS, TermRow, terms_by_owner_ids
from db.queries.user import users_by_ids
from db.queries.visibility import readable_items
from db.session import OperationDB
from domain import item_history
from domain import items as use_cases
from domain import responsible as domain_responsible
from domain.bulk import BulkResult
from domain.errors import DomainError, RuleViolations
from domain.fields import camel
from domain.files import file_url
from domain.principal import Principal
from domain.terms import ITEM_FIELDS as TERM_FIELDS
from rest_compat.circuit import responsible
from rest_compat.circuit import sales as sale_shapes
from rest_compat.circuit import terms as term_shapes
from rest_compat.circuit.bodies import (
    FormatErrors,
    cents,
    json_object,
    required,
    to_bool,
    to_date,
    to_id,
)
from rest_compat.deps import RestState, caller, operation_db, rest_state
from rest_compat.errors import RestError, from_domain, not_found
from rest_compat.openapi import (
    ID_SCHEMA,
    fields_parameter,
    list_openapi,
    parameters,
    query_parameter,
)
from rest_compat.query import (
    FilterField,
    Kind,
    Match,
    Resource,
    convert,
    digits,
    entity_id,
    fields_param,
    parse_fields,
    parse_list,
    run_list,
)
from rest_compat.shapes import (
    Cents,
    EnumValue,
    Flag,
    Id,
    ListEnvelope,
    Ref,
    SingleEnvelope,
    absolute,
    enum_value,
    errors,
    iso,
    json_body,
    json_response,
    listing,
    money,
    ref,
    select,
    single,
)

router = APIRouter(tags=["Items"])
logger = logging.getLogger(__name__)

TERM_LISTS = (
    "destinations",
    "search_tags",
    "catalogue_parts",
    "postal_thematics",
    "symbols",
    "sub_symbol",
    "grouping_category",
    "grouping_categories",
    "topics",
    "tags",
    "item_tags",
    "mediums",
)
TERM_ALIASES = {"grouping_categories": "grouping_category", "item_tags": "tags"}
"""B5.0 term fields read and written as another field."""
FIELDS = (
    "id",
    "uuid",
    "label",
    "display_id",
    "lot",
    "lot_number",
    "lot_letter",
    "temp_lot_number",
    "position_of_consignment",
    "subtitle",
    "description",
    "footer",
    "caption",
    "literature",
    "essay",
    "provenance",
    "ex",
    "published",
    "type",
    "item_type",
    "collectible_type",
    "grade",
    "year",
    "country",
    "sale",
    "sale_title",
    "consignment",
    "consignment_id",
    "consignor_name",
    "consignment_owner_id",
    "consignor_reference_number",
    "category",
    "categories",
    "main_category_tid",
    *TERM_LISTS,
    "catalogue_part_name",
    "tree_name",
    "heading",
    "main_grouping_category_tid",
    "opening_price",
    "minimum_price",
    "buy_now_price",
    "estimate_low",
    "estimate_high",
    "estimate_internal",
    "retail_price",
    "reserve_price",
    "buy_now_setting",
    "reserve_type",
    "current_price",
    "hammer_price",
    "sold_for",
    "consignor_price",
    "status",
    "sold_status",
    "under_extension_status",
    "withdrawn",
    "dont_pay_consignor",
    "winner",
    "winner_bidder",
    "bidder_number",
    "bidder_alias",
    "user_agent",
    "current_order",
    "current_consignment_statement",
    "images",
    "video_url",
    "pdf_url",
    "certificate_link",
    "reference_link",
    "catalogs",
    "dimensions",
    "dimension_rows",
    "product_tax_code",
    "harmonized_code",
    "signed_locations",
    "art_work_type",
    "shipping_id",
    "post_sale",
    "responsible_user",
    "public_message",
    "auctioneer_notes",
    "dont_pay_consignor_note",
    "printing_options",
    "additional_charges",
    "hide_sold_information",
    "previous_lot",
    "next_lot",
    "sync_status",
    "itemWebsiteLink",
    "created",
    "updated",
)

NOT_STORED_NULL = (
    "temp_lot_number",
    "catalogue_part_name",
    "tree_name",
    "heading",
    "main_grouping_category_tid",
    "sync_status",
)
NOT_STORED_LISTS: tuple[str, ...] = ()
"""B5.0 fields Gavel has no column for yet: read as null / [], ignored on input."""

_REGEX = Match.REGEX
ITEMS = Resource(
    filters={
        "sale": FilterField("sale_id", Kind.ID),
        "consignment": FilterField("consignment_id", Kind.ID),
        "category": FilterField("categories", Kind.ID),
        "status": FilterField(
            "status", Kind.ENUM, choices=tuple(s.value for s in models.ItemStatus)
        ),
        "lot": FilterField("lot_text", match=Match.PREFIX),
        "description": FilterField("text", match=_REGEX),
        "estimate_low": FilterField("estimate_low", Kind.MONEY),
        "estimate_high": FilterField("estimate_high", Kind.MONEY),
        "hammer_price": FilterField("hammer_price", Kind.MONEY),
        "consignor_symbol": FilterField("consignor_symbol", match=Match.SEARCH),
    },
    sorts={
        "id": ("id",),
        "lot": ("lot_number", "lot_letter"),
        "lot_number": ("lot_number",),
        "lot_letter": ("lot_letter",),
        "display_id": ("lot_number", "lot_letter"),
        "position_of_consignment": ("position_of_consignment",),
        "opening_price": ("starting_price",),
        "estimate_low": ("estimate_low",),
        "estimate_high": ("estimate_high",),
        "hammer_price": ("hammer_price",),
        "status": ("status",),
        "created": ("created_at",),
        "updated": ("updated_at",),
    },
    fields=FIELDS,
    default_sort=(Sort("lot_number"), Sort("lot_letter"), Sort("id")),
)

# -- output --------------------------------------------------------------------------------


def lot(number: int | None, letter: str) -> str | None:
    """``"150A"``; None for an unnumbered lot."""
    return None if number is None else f"{number}{letter}"


def label(item: models.Item) -> str:
    """``"Item #<lot>"`` (Proposal); ``"Item <id>"`` for an unnumbered lot."""
    printed = lot(item.lot_number, item.lot_letter)
    return f"Item #{printed}" if printed else f"Item {item.id}"


def _order_ref(order: models.Order | None) -> dict[str, str] | None:
    return ref(order.id, order.number) if order is not None else None


def _neighbour(found: Neighbour) -> dict[str, str] | None:
    if found is None:
        return None
    item_id, number, letter = found
    printed = lot(number, letter)
    return ref(item_id, f"Item #{printed}" if printed else f"Item {item_id}")


def _dimensions(rows: Sequence[Mapping[str, Any]]) -> dict[str, str] | None:
    """D13: the first row as ``{"height": "30cm", ...}`` (weight in kg)."""
    if not rows:
        return None
    first = rows[0]
    shown = {
        name: f"{first[name]}{'kg' if name == 'weight' else 'cm'}"
        for name in ("height", "width", "depth", "weight")
        if first.get(name) is not None
    }
    return shown or None


def _catalog(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored catalogue row as B5.0 reads it (``catalog_value`` a decimal string)."""
    value = row.get("catalog_value")
    return {
        "catalog_number": row.get("catalog_number") or "",
        "catalog_name": row.get("catalog_name") or "",
        "ordering_number": row.get("ordering_number"),
        "catalog_value": None if value is None else money(Decimal(str(value))),
    }


@dataclass(frozen=True, slots=True)
class Related:
    """What one item's representation needs besides the row."""

    sale: models.Sale | None
    consignment: models.Consignment | None
    consignor: models.Client | None
    terms: dict[str, list[TermRow]]
    winner: models.Client | None
    images: list[dict[str, str]]
    neighbours: tuple[Neighbour, Neighbour]
    history: models.ItemHistory | None
    agent: models.User | None
    responsible_users: Sequence[Mapping[str, str]] = ()
    orders: tuple[models.Order | None, models.Order | None] = (None, None)
    """The newest invoice and settlement holding the lot (read for staff only)."""
    link: str | None = None
    """The lot's public page (``GAVEL_PUBLIC_URL``)."""


def _client_name(client: models.Client | None) -> str | None:
    if client is None:
        return None
    return " ".join(p for p in (client.first_name, client.last_name) if p) or client.company


def represent(item: models.Item, principal: Principal, related: Related) -> dict[str, Any]:
    """The B5.0 representation (every field, in the table's order)."""
    staff = principal.is_staff
    printed = lot(item.lot_number, item.lot_letter)
    consignment = related.consignment
    terms = related.terms
    categories = term_shapes.refs(terms.get("categories", []))
    winner = related.winner if staff else None
    status = item.status.value
    term_lists = {
        name: term_shapes.refs(terms.get(TERM_ALIASES.get(name, name), [])) for name in TERM_LISTS
    }
    sale = related.sale
    sale_label = sale_shapes.label(sale) if sale else None
    facts = item_history.result_facts(item, related.history)
    agent = related.agent if staff else None
    return {
        "id": str(item.id),
        "uuid": str(item.uuid),
        "label": label(item),
        "display_id": printed,
        "lot": printed,
        "lot_number": item.lot_number,
        "lot_letter": item.lot_letter or None,
        "temp_lot_number": None,
        "position_of_consignment": item.position_of_consignment,
        "subtitle": item.title,
        "description": item.description,
        "footer": item.footer,
        "caption": item.caption,
        "literature": item.literature,
        "essay": item.essay,
        "provenance": item.provenance,
        "ex": item.ex,
        "published": item.published,
        "type": item.item_type,
        "item_type": item.item_type,
        "collectible_type": term_shapes.single(terms.get("collectible_type", [])),
        "grade": item.grade,
        "year": item.year,
        "country": term_shapes.single(terms.get("country", [])),
        "sale": ref(item.sale_id, sale_label),
        "sale_title": sale_label,
        "consignment": (
            {
                "id": str(consignment.id),
                "label": consignment.number,
                "symbol": consignment.symbol,
                "sub_symbol": consignment.sub_symbol,
            }
            if consignment
            else None
        ),
        "consignment_id": consignment.number if consignment else None,
        "consignor_name": _client_name(related.consignor),
        "consignment_owner_id": str(consignment.consignor_id) if consignment else None,
        "consignor_reference_number": item.consignor_reference_number if staff else None,
        "category": categories[0] if categories else None,
        "categories": categories,
        "main_category_tid": categories[0]["id"] if categories else None,
        **term_lists,
        "catalogue_part_name": None,
        "tree_name": None,
        "heading": None,
        "main_grouping_category_tid": None,
        "opening_price": money(item.starting_price),
        "minimum_price": money(item.minimum_price),
        "buy_now_price": money(item.buy_now_price),
        "estimate_low": money(item.estimate_low),
        "estimate_high": money(item.estimate_high),
        "estimate_internal": money(item.estimate_internal) if staff else None,
        "retail_price": money(item.retail_price),
        "reserve_price": money(item.reserve_price) if staff else None,
        "buy_now_setting": item.buy_now_setting,
        "reserve_type": item.reserve_type,
        "current_price": money(
            item.current_bid if item.current_bid is not None else item.starting_price
        ),
        "hammer_price": money(item.hammer_price),
        "sold_for": money(item.hammer_price),
        "consignor_price": money(facts.consignor_price) if staff else None,
        "status": enum_value(status),
        "sold_status": facts.sold_status,
        "under_extension_status": facts.under_extension_status,
        "withdrawn": facts.withdrawn,
        "dont_pay_consignor": facts.dont_pay_consignor if staff else None,
        "winner": (
            {
                **(ref(winner.id, _client_name(winner)) or {}),
                "bidder_number": winner.bidder_number,
            }
            if winner
            else None
        ),
        "winner_bidder": str(winner.id) if winner else None,
        "bidder_number": winner.bidder_number if winner else None,
        "bidder_alias": facts.bidder_alias if staff else None,
        "user_agent": ref(agent.id, agent.full_name or agent.email) if agent else None,
        "current_order": _order_ref(related.orders[0]),
        "current_consignment_statement": _order_ref(related.orders[1]),
        "images": related.images,
        "video_url": item.video_url,
        "pdf_url": item.pdf_url,
        "certificate_link": item.certificate_link,
        "reference_link": item.reference_link,
        "catalogs": [_catalog(row) for row in item.catalogs],
        "dimensions": _dimensions(item.dimensions),
        "dimension_rows": list(item.dimensions),
        "product_tax_code": item.product_tax_code,
        "harmonized_code": item.harmonized_code,
        "signed_locations": item.signed_locations,
        "art_work_type": item.art_work_type,
        "shipping_id": item.shipping_id,
        "post_sale": item.post_sale,
        "responsible_user": list(related.responsible_users),
        "public_message": item.public_message,
        "auctioneer_notes": item.auctioneer_notes if staff else None,
        "dont_pay_consignor_note": item.dont_pay_consignor_note if staff else None,
        "printing_options": item.printing_options,
        "additional_charges": [
            {
                "term": ref(str(row.get("term")), str(row.get("term"))),
                "amount": money(Decimal(str(row.get("amount") or "0"))),
                "tax": money(Decimal(str(row.get("tax") or "0"))),
                "description": str(row.get("description") or ""),
                "attached_to": row.get("attached_to"),
            }
            for row in item.additional_charges
        ],
        "hide_sold_information": item.hide_sold_information,
        "previous_lot": _neighbour(related.neighbours[0]),
        "next_lot": _neighbour(related.neighbours[1]),
        "sync_status": None,
        "itemWebsiteLink": related.link,
        "created": iso(item.created_at),
        "updated": iso(item.updated_at),
    }


def _by_id(rows: Sequence[Any]) -> dict[int, Any]:
    return {row.id: row for row in rows if row is not None}


READS: Mapping[str, frozenset[str]] = {
    "sales": frozenset({"sale", "sale_title"}),
    "consignments": frozenset(
        {"consignment", "consignment_id", "consignor_name", "consignment_owner_id"}
    ),
    "clients": frozenset({"consignor_name", "winner", "winner_bidder", "bidder_number"}),
    "terms": frozenset(
        {"category", "categories", "main_category_tid", "collectible_type", "country", *TERM_LISTS}
    ),
    "images": frozenset({"images"}),
    "neighbours": frozenset({"previous_lot", "next_lot"}),
    "responsible": frozenset({"responsible_user"}),
    "orders": frozenset({"current_order", "current_consignment_statement"}),
    "history": frozenset(
        {
            "consignor_price",
            "sold_status",
            "under_extension_status",
            "withdrawn",
            "dont_pay_consignor",
            "bidder_alias",
            "user_agent",
        }
    ),
}
"""The B5.0 fields each related read feeds: a page whose ``fields`` name none of a read's
fields skips its statement (the rest of the row is computed from the item alone)."""


async def represent_all(
    request: Request,
    state: RestState,
    db: OperationDB,
    principal: Principal,
    items: Sequence[models.Item],
    fields: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """B5.0 rows for ``items``: a fixed number of statements whatever their number.

    With ``fields`` (A6), only the related reads those fields need run; the other fields of
    the rows are then not meaningful, and the caller selects ``fields`` from them.
    """
    ids = [i.id for i in items]
    if not ids:
        return []
    wanted = None if fields is None else frozenset(fields)

    def needs(read: str) -> bool:
        return wanted is None or not READS[read].isdisjoint(wanted)

    sales: dict[int, Any] = {}
    if needs("sales"):
        sales = _by_id(await sales_by_ids(db, principal, sorted({i.sale_id for i in items})))
    consignments: dict[int, Any] = {}
    if needs("consignments") or needs("clients"):
        consignment_ids = sorted({i.consignment_id for i in items if i.consignment_id})
        consignments = _by_id(await consignments_by_ids(db, principal, consignment_ids))
    terms: list[dict[str, list[TermRow]]] = [{} for _ in ids]
    if needs("terms"):
        terms = await terms_by_owner_ids(db, ITEM_LINKS, ids)
    clients: dict[int, Any] = {}
    if needs("clients"):
        winners = {i.winner_id for i in items if i.winner_id is not None}
        client_ids = sorted(
            {c.consignor_id for c in consignments.values()}
            | (winners if principal.is_staff else set())
        )
        clients = _by_id(await clients_by_ids(db, principal, client_ids))
    images: list[list[models.File]] = [[] for _ in ids]
    if needs("images"):
        images = await images_by_item_ids(db, principal, ids)
    neighbours: list[tuple[Neighbour, Neighbour]] = [(None, None) for _ in ids]
    if needs("neighbours"):
        neighbours = await lot_neighbours_by_item_ids(db, principal, ids)
    users: Sequence[Sequence[Mapping[str, str]]] = [() for _ in ids]
    if needs("responsible"):
        users = await responsible.refs_by_owner_ids(db, principal, models.EntityType.ITEM, ids)
    orders: list[tuple[models.Order | None, models.Order | None]] = [(None, None) for _ in ids]
    if needs("orders") and principal.is_staff:
        orders = await current_orders_by_item_ids(db, ids)
    histories: list[models.ItemHistory | None] = [None for _ in ids]
    agents: dict[int, Any] = {}
    if needs("history"):
        histories = await latest_history_by_item_ids(db, ids)
        agent_ids = sorted({h.sold_agent_id for h in histories if h and h.sold_agent_id})
        if principal.is_staff and agent_ids:
            agents = _by_id(await users_by_ids(db, principal, agent_ids))
    now = datetime.now(UTC)

    def image(file: models.File) -> dict[str, str]:
        url = absolute(request, file_url(state.file_store, file, now))
        return {"id": str(file.id), "url": url, "thumbnail": url}

    rows = []
    rows_of = zip(items, images, neighbours, histories, users, terms, orders, strict=True)
    for item, files, around, history, own_users, filed, current in rows_of:
        consignment = consignments.get(item.consignment_id or 0)
        related = Related(
            sale=sales.get(item.sale_id),
            consignment=consignment,
            consignor=clients.get(consignment.consignor_id) if consignment else None,
            terms=filed,
            winner=clients.get(item.winner_id or 0),
            images=[image(f) for f in files],
            neighbours=around,
            history=history,
            agent=agents.get(history.sold_agent_id or 0) if history else None,
            responsible_users=own_users,
            orders=current,
            link=use_cases.lot_url(state.public_url, item.id),
        )
        rows.append(represent(item, principal, related))
    return rows


async def fresh(
    request: Request, state: RestState, db: OperationDB, principal: Principal, item_id: int
) -> dict[str, Any]:
    db.session.expunge_all()  # re-read what the use case committed
    (item,) = await items_by_ids(db, principal, [item_id])
    (row,) = await represent_all(request, state, db, principal, [item])
    return row


def _not_found(value: str) -> RestError:
    return not_found("Item", value)


def _path_id(value: str) -> int:
    return entity_id(value, "Item")


# -- response models -----------------------------------------------------------------------


class ConsignmentRef(BaseModel):
    id: str
    label: str
    symbol: str | None
    sub_symbol: str | None


class WinnerRef(BaseModel):
    id: str
    label: str
    bidder_number: str | None


class Image(BaseModel):
    id: str
    url: str
    thumbnail: str


class ChargeRow(BaseModel):
    term: Ref | None
    amount: str
    tax: str
    description: str
    attached_to: str | None


class CatalogRow(BaseModel):
    catalog_number: str
    catalog_name: str
    ordering_number: int | None
    catalog_value: str | None = Field(description="Decimal string; sent in cents.")


class Item(BaseModel):
    """B5.0. With ``fields=`` only the named fields (and ``id``) are present. Fields Gavel does
    not store yet read as null or []."""

    id: str = Field(examples=["345"])
    uuid: str | None = None
    label: str | None = None
    display_id: str | None = None
    lot: str | None = None
    lot_number: int | None = None
    lot_letter: str | None = None
    temp_lot_number: str | None = None
    position_of_consignment: int | None = None
    subtitle: str | None = None
    description: str | None = None
    footer: str | None = None
    caption: str | None = None
    literature: str | None = None
    essay: str | None = None
    provenance: str | None = None
    ex: str | None = None
    published: bool | None = None
    type: str | None = None
    item_type: str | None = None
    collectible_type: Ref | None = None
    grade: str | None = None
    year: int | None = None
    country: Ref | None = None
    sale: Ref | None = None
    sale_title: str | None = None
    consignment: ConsignmentRef | None = None
    consignment_id: str | None = None
    consignor_name: str | None = None
    consignment_owner_id: str | None = None
    consignor_reference_number: str | None = Field(default=None, description="Staff only.")
    category: Ref | None = None
    categories: list[Ref] | None = None
    main_category_tid: str | None = None
    destinations: list[Ref] | None = None
    search_tags: list[Ref] | None = None
    catalogue_parts: list[Ref] | None = None
    postal_thematics: list[Ref] | None = None
    symbols: list[Ref] | None = None
    sub_symbol: list[Ref] | None = None
    grouping_category: list[Ref] | None = None
    grouping_categories: list[Ref] | None = None
    topics: list[Ref] | None = None
    tags: list[Ref] | None = None
    item_tags: list[Ref] | None = None
    mediums: list[Ref] | None = None
    catalogue_part_name: str | None = None
    tree_name: str | None = None
    heading: str | None = None
    main_grouping_category_tid: str | None = None
    opening_price: str | None = None
    minimum_price: str | None = None
    buy_now_price: str | None = None
    estimate_low: str | None = None
    estimate_high: str | None = None
    estimate_internal: str | None = Field(default=None, description="Staff only.")
    retail_price: str | None = None
    reserve_price: str | None = Field(default=None, description="Staff only.")
    buy_now_setting: str | None = None
    reserve_type: str | None = None
    current_price: str | None = None
    hammer_price: str | None = None
    sold_for: str | None = None
    consignor_price: str | None = Field(default=None, description="Staff only.")
    status: EnumValue | None = None
    sold_status: str | None = None
    under_extension_status: str | None = None
    withdrawn: bool | None = None
    dont_pay_consignor: bool | None = Field(default=None, description="Staff only.")
    winner: WinnerRef | None = Field(default=None, description="Staff only.")
    winner_bidder: str | None = None
    bidder_number: str | None = None
    bidder_alias: str | None = Field(default=None, description="Staff only.")
    user_agent: Ref | None = Field(default=None, description="Staff only.")
    current_order: Ref | None = None
    current_consignment_statement: Ref | None = None
    images: list[Image] | None = None
    video_url: str | None = None
    pdf_url: str | None = None
    certificate_link: str | None = None
    reference_link: str | None = None
    catalogs: list[CatalogRow] | None = None
    dimensions: dict[str, str] | None = None
    dimension_rows: list[dict[str, Any]] | None = None
    product_tax_code: str | None = None
    harmonized_code: str | None = None
    signed_locations: str | None = None
    art_work_type: str | None = None
    shipping_id: int | None = None
    post_sale: bool | None = None
    responsible_user: list[Ref] | None = Field(
        default=None, description="Responsible staff users (staff only; [] for others)."
    )
    public_message: str | None = None
    auctioneer_notes: str | None = Field(default=None, description="Staff only.")
    dont_pay_consignor_note: str | None = Field(default=None, description="Staff only.")
    printing_options: str | None = None
    additional_charges: list[ChargeRow] | None = None
    hide_sold_information: bool | None = None
    previous_lot: Ref | None = None
    next_lot: Ref | None = None
    sync_status: str | None = None
    itemWebsiteLink: str | None = None
    created: str | None = None
    updated: str | None = None


LIST_PARAMETERS = (
    "Common list parameters (A3-A7): range, page, sort, fields, global_search, filter[...]."
)

# -- routes --------------------------------------------------------------------------------


SALE_ID = query_parameter("sale_id", ID_SCHEMA, "The sale's id: an alias of `filter[sale]` (A8).")


def _sale_alias(request: Request) -> dict[str, tuple[str, Condition]]:
    """``sale_id=`` is accepted as an alias of ``filter[sale]`` (B5.1, A8)."""
    raw = request.query_params.get("sale_id")
    if raw is None:
        return {}
    value = convert(ITEMS.filters["sale"], raw, "sale_id")
    return {"sale_id": ("sale_id", Condition(eq=value))}


@router.get(
    "/datatable-items",
    response_model=ListEnvelope[Item],
    responses=errors(),
    openapi_extra=list_openapi(ITEMS, SALE_ID),
    summary="List items",
    description="B5.1. "
    + LIST_PARAMETERS
    + " Filters: "
    + ", ".join(ITEMS.filters)
    + " (and sale_id= as an alias of filter[sale]). Sorts: "
    + ", ".join(ITEMS.sorts)
    + ". Default sort: lot.",
)
async def list_items(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    params = parse_list(request.query_params.multi_items(), ITEMS, _sale_alias(request))
    items, count = await run_list(
        db, readable_items(principal), ITEM_LIST, params, is_staff=principal.is_staff
    )
    rows = await represent_all(request, state, db, principal, items, params.fields)
    return listing(request, rows, count, params)


@router.get(
    "/datatable-items/{id}",
    response_model=SingleEnvelope[Item],
    responses=errors(404),
    openapi_extra=parameters(fields_parameter(ITEMS)),
    summary="Get an item",
)
async def get_item(
    id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    """B5.2."""
    item_id = _path_id(id)
    fields = parse_fields(ITEMS, fields_param(request))
    (item,) = await items_by_ids(db, principal, [item_id])
    if item is None:
        raise _not_found(id)
    (row,) = await represent_all(request, state, db, principal, [item], fields)
    return single(select(row, fields))


# -- input ---------------------------------------------------------------------------------

CATALOGUE_TEXTS = (
    "footer",
    "caption",
    "literature",
    "essay",
    "provenance",
    "ex",
    "grade",
    "consignor_reference_number",
    "buy_now_setting",
    "reserve_type",
    "video_url",
    "pdf_url",
    "certificate_link",
    "reference_link",
    "product_tax_code",
    "harmonized_code",
    "signed_locations",
    "art_work_type",
    "public_message",
    "dont_pay_consignor_note",
    "printing_options",
)
TEXT_INPUTS = {
    "subtitle": "title",
    "description": "description",
    "lot_letter": "lot_letter",
    "auctioneer_notes": "auctioneer_notes",
    "type": "item_type",
    **{name: name for name in CATALOGUE_TEXTS},
}
"""Text fields, passed on as sent: the domain checks their type and length."""
CENT_INPUTS = {
    "opening_price": "starting_price",
    "minimum_price": "minimum_price",
    "buy_now_price": "buy_now_price",
    "estimate_low": "estimate_low",
    "estimate_high": "estimate_high",
    "reserve_price": "reserve_price",
    "estimate_internal": "estimate_internal",
    "retail_price": "retail_price",
}
WHOLE_INPUTS = ("position_of_consignment", "year", "shipping_id")
FLAG_INPUTS = ("published", "post_sale", "hide_sold_information")


class HistoryInput(enum.Enum):
    """How a B5.0 history input is read (the value: the 422 message for a bad format)."""

    CENTS = "Must be integer cents."
    FLAG = "Must be true or false."
    ID = "Must be an id."
    WHOLE = "Must be a whole number."
    TEXT = "Must be text."


HISTORY_INPUTS = {
    "field_consignor_price": ("consignor_price", HistoryInput.CENTS),
    "field_dont_pay_consignor": ("dont_pay_consignor", HistoryInput.FLAG),
    "field_sold_agent": ("sold_agent_id", HistoryInput.ID),
    "field_sold_for_amount": ("sold_for_amount", HistoryInput.CENTS),
    "field_sold_to_bidder_id": ("sold_to_bidder_number", HistoryInput.WHOLE),
    "field_bidder_alias": ("bidder_alias", HistoryInput.TEXT),
    "field_sold_status": ("sold_status", HistoryInput.TEXT),
    "field_under_extension_status": ("under_extension_status", HistoryInput.TEXT),
    "field_winner_bidder": ("winner_client_id", HistoryInput.ID),
    "field_withdrawn": ("withdrawn", HistoryInput.FLAG),
}
"""The write-only item-history inputs (B5.0) and their ``domain.item_history`` names."""
RENAMES_HISTORY = {camel(name): rest for rest, (name, _how) in HISTORY_INPUTS.items()}


RENAMES = {
    "itemType": "type",
    **RENAMES_HISTORY,
    "title": "subtitle",
    "startingPrice": "opening_price",
    "consignmentId": "consignment",
    "categoryId": "category",
    "itemIds": "items",
    "itemId": "id",
    "targetSaleId": "target_sale",
    "targetConsignmentId": "target_consignment",
    **responsible.RENAMES,
}
"""Domain input names whose REST name is not their snake_case."""


def _convert_rows(
    rows: Any,
    field: str,
    key: str,
    parse: Callable[[Any], Any],
    message: str,
    problems: FormatErrors,
) -> Any:
    """Multifield input rows with ``key`` read by ``parse`` (None: ``message`` at its path);
    anything that is not a list of rows is left for the domain's row check."""
    if not isinstance(rows, list):
        return rows
    converted = []
    for index, row in enumerate(rows):
        if isinstance(row, dict) and row.get(key) is not None:
            value = parse(row[key])
            if value is None:
                problems.add(f"{field}[{index}].{key}", message)
            row = {**row, key: value}
        converted.append(row)
    return converted


def _dimension_rows(rows: Any, problems: FormatErrors) -> Any:
    """D13 input rows; ``packed_date`` in ms becomes an ISO date."""
    return _convert_rows(
        rows, "dimensions", "packed_date", to_date, "Must be a date in ms.", problems
    )


def _catalog_rows(rows: Any, problems: FormatErrors) -> Any:
    """Catalogue input rows; ``catalog_value`` in cents becomes an amount."""
    return _convert_rows(
        rows, "catalogs", "catalog_value", cents, "Must be integer cents.", problems
    )


def _whole(value: Any) -> int | None:
    """A whole number sent as a JSON integer or a numeric string; None if neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and digits(value.strip().removeprefix("-")):
        return int(value.strip())
    return None


def _term_id(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("id")
    return value


def history_values(body: Mapping[str, Any]) -> dict[str, Any]:
    """The item-history inputs of ``body`` as ``domain.item_history`` values (422 for bad
    formats)."""
    values: dict[str, Any] = {}
    problems = FormatErrors()
    for rest_name, (name, how) in HISTORY_INPUTS.items():
        if rest_name not in body:
            continue
        value = body[rest_name]
        read: Any = value
        if value is not None and how is HistoryInput.CENTS:
            read = cents(value)
        elif value is not None and how is HistoryInput.FLAG:
            read = to_bool(value)
        elif value is not None and how is HistoryInput.ID:
            read = to_id(value)
        elif value is not None and how is HistoryInput.WHOLE:
            read = _whole(value)
        elif isinstance(value, str) and name == "sold_status":
            read = value.strip().lower()
        if value is not None and read is None:
            problems.add(rest_name, how.value)
        values[name] = read
    problems.raise_any()
    return values


def item_values(body: Mapping[str, Any]) -> dict[str, Any]:
    """The writable B5.0 fields of ``body`` that Gavel stores, as domain values.

    Read-only, unknown and not-yet-stored fields are ignored (A13); format problems are 422.
    """
    values: dict[str, Any] = {}
    problems = FormatErrors()
    for name, value in body.items():
        if name in TEXT_INPUTS:
            values[TEXT_INPUTS[name]] = "" if name == "lot_letter" and value is None else value
        elif name in CENT_INPUTS:
            amount = None if value is None else cents(value)
            if value is not None and amount is None:
                problems.add(name, "Must be integer cents.")
            values[CENT_INPUTS[name]] = amount
        elif name in FLAG_INPUTS:
            flag = None if value is None else to_bool(value)
            if value is not None and flag is None:
                problems.add(name, "Must be true or false.")
            values[name] = flag
        elif name in WHOLE_INPUTS:
            whole = None if value is None else _whole(value)
            if value is not None and whole is None:
                problems.add(name, "Must be a whole number.")
            values[name] = whole
        elif name == "lot_number":
            number = None if value is None else to_id(value)
            if value is not None and number is None:
                problems.add(name, "Must be a whole number.")
            values[name] = number
        elif name == "consignment":
            raw = _term_id(value)
            reference = None if raw is None else to_id(raw)
            if raw is not None and reference is None:
                problems.add(name, "Must be an id.")
            values["consignment_id"] = reference
        elif name == "category":
            values["categories"] = term_shapes.term_input([] if value is None else [value])
        elif name in TERM_FIELDS or name in TERM_ALIASES:
            values[TERM_ALIASES.get(name, name)] = term_shapes.term_input(value)
        elif name == "dimensions":
            values[name] = _dimension_rows(value, problems)
        elif name == "additional_charges":
            values[name] = sale_shapes.charge_rows(value)
        elif name == responsible.NAME:
            values[domain_responsible.FIELD] = responsible.user_ids(value, problems)
        elif name == "catalogs":
            values[name] = _catalog_rows(value, problems)
        elif name not in FIELDS and name not in HISTORY_INPUTS:
            logger.info("ignored unknown item field %r", name)
    problems.raise_any()
    return values


def _id_list(body: Mapping[str, Any], name: str) -> list[int]:
    value = required(body, name)
    if not isinstance(value, list):
        raise RestError(
            400, f"The field '{name}' must be a list", errors={name: ["Must be a list."]}
        )
    found = [to_id(v) for v in value]
    if any(i is None for i in found):
        raise RestError(422, "Unknown item id", errors={name: ["Ids must be numbers."]})
    return [i for i in found if i is not None]


def _reject(result: BulkResult[models.Item]) -> None:
    """All or nothing: any failed row is a 422 with every violation."""
    if result.errors:
        raise from_domain(RuleViolations(result.errors), RENAMES)


class BulkInput(BaseModel):
    operation: str = Field(description="update_status, update_field or delete.")
    items: list[Id] = Field(description="Item ids (1 to 1000).")
    values: dict[str, str] | None = Field(
        default=None, description='update_status: {"status": "withdrawn|sold|unsold|passed"}.'
    )
    field: str | None = Field(default=None, description="update_field: a writable B5.0 field.")
    value: Any = Field(default=None, description="update_field: the value in input format.")


class BulkResultBody(BaseModel):
    success: bool
    operation: str
    items_processed: int


class BulkEnvelope(BaseModel):
    data: BulkResultBody


class CloneOrMoveInput(BaseModel):
    items: list[Id] = Field(description="Item ids (one or more).")
    operation: str = Field(description="move or clone.")
    target_sale: Id
    target_consignment: Id = Field(description="Must belong to target_sale.")


class CloneOrMoveResult(BaseModel):
    success: bool
    operation: str
    items_processed: int
    new_item_ids: list[str] = Field(description="Ids in the target, in input order (D15).")


class CloneOrMoveEnvelope(BaseModel):
    data: CloneOrMoveResult


BULK_OPERATIONS = ("update_status", "update_field", "delete")


@router.post(
    "/items-bulk",
    response_model=BulkEnvelope,
    responses=errors(422),
    summary="Items bulk operations",
    openapi_extra=json_body(BulkInput),
)
async def items_bulk(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B5.3: ``update_status``, ``update_field`` or ``delete`` on every item, all or nothing."""
    body = await json_object(request)
    operation = str(required(body, "operation"))
    if operation not in BULK_OPERATIONS:
        message = f"Unknown operation: {operation}"
        raise RestError(422, message, errors={"operation": [message]})
    item_ids = _id_list(body, "items")
    try:
        if operation == "update_status":
            values = required(body, "values")
            status = values.get("status") if isinstance(values, dict) else None
            try:
                target = models.ItemStatus(str(status).strip().lower())
            except ValueError as exc:
                message = "Must be withdrawn, sold, unsold or passed."
                raise RestError(422, message, errors={"values.status": [message]}) from exc
            result = await use_cases.update_item_statuses(
                db, principal, use_cases.UpdateItemStatuses(item_ids=item_ids, status=target)
            )
        elif operation == "update_field":
            name = str(required(body, "field"))
            changes = item_values({name: body.get("value")})
            if not changes:
                message = f"Unknown or read-only field: {name}"
                raise RestError(422, message, errors={"field": [message]})
            rows = [use_cases.UpdateItem(item_id=i, changes=changes) for i in item_ids]
            result = await use_cases.bulk_update_items(
                db, principal, use_cases.BulkUpdateItems(rows=rows)
            )
        else:
            result = await use_cases.delete_items(
                db, principal, use_cases.DeleteItems(item_ids=item_ids)
            )
    except DomainError as exc:
        error = from_domain(exc, RENAMES)
        if error.errors and "status" in error.errors:
            error.errors = {"values.status": error.errors.pop("status"), **error.errors}
        raise error from exc
    _reject(result)
    return json_response(
        {"data": {"success": True, "operation": operation, "items_processed": len(item_ids)}}
    )


@router.post(
    "/item-clone-or-move",
    response_model=CloneOrMoveEnvelope,
    responses=errors(422),
    summary="Clone or move items",
    openapi_extra=json_body(CloneOrMoveInput),
)
async def clone_or_move(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B5.4: ``clone`` copies the items into the target (new lot numbers); ``move`` re-assigns
    them. ``new_item_ids`` lists the ids in the target in input order (D15)."""
    body = await json_object(request)
    item_ids = _id_list(body, "items")
    operation = str(required(body, "operation"))
    if operation not in ("clone", "move"):
        message = f"Unknown operation: {operation}"
        raise RestError(422, message, errors={"operation": [message]})
    targets: dict[str, int] = {}
    for name in ("target_sale", "target_consignment"):
        target = to_id(required(body, name))
        if target is None:
            raise RestError(422, f"Unknown {name} id", errors={name: ["Must be an id."]})
        targets[name] = target
    cmd = use_cases.CopyItems(
        item_ids=item_ids,
        target_sale_id=targets["target_sale"],
        target_consignment_id=targets["target_consignment"],
    )
    try:
        if operation == "clone":
            done = await use_cases.clone_items(db, principal, cmd)
        else:
            done = await use_cases.move_items(db, principal, cmd)
    except DomainError as exc:
        raise from_domain(exc, RENAMES) from exc
    return json_response(
        {
            "data": {
                "success": True,
                "operation": operation,
                "items_processed": len(done),
                "new_item_ids": [str(item.id) for item in done],
            }
        }
    )


# -- [extra] create, update, bulk edit, simple list ------------------------------------------


class ItemInput(BaseModel):
    """B5.5/B5.6 body: the writable B5.0 fields Gavel stores and the item-history inputs
    (``field_*``, each write appends a history record); others are ignored."""

    consignment: Id | None = Field(default=None, description="Required on create.")
    subtitle: str | None = Field(default=None, description="The title line.")
    description: str | None = None
    published: Flag | None = None
    lot_number: int | None = None
    lot_letter: str | None = None
    categories: list[Id] | None = Field(
        default=None, description="Category ids or labels; the first is the main category."
    )
    destinations: list[Id] | None = Field(
        default=None,
        description="Term ids or labels; also search_tags, catalogue_parts, postal_thematics, "
        "symbols, sub_symbol, grouping_category (grouping_categories), topics, tags "
        "(item_tags), mediums.",
    )
    collectible_type: Id | None = Field(default=None, description="A term id or label.")
    country: Id | None = Field(default=None, description="A term id or label.")
    opening_price: Cents | None = None
    minimum_price: Cents | None = None
    buy_now_price: Cents | None = None
    estimate_low: Cents | None = None
    estimate_high: Cents | None = None
    reserve_price: Cents | None = None
    auctioneer_notes: str | None = None
    position_of_consignment: int | None = Field(default=None, description="Zero or more.")
    footer: str | None = None
    caption: str | None = None
    literature: str | None = None
    essay: str | None = None
    provenance: str | None = None
    ex: str | None = Field(default=None, description="Ex-collection.")
    type: str | None = Field(default=None, description="Item type (read also as item_type).")
    grade: str | None = None
    year: int | None = Field(default=None, description="-9999 to 9999 (negative for BC).")
    consignor_reference_number: str | None = None
    estimate_internal: Cents | None = None
    retail_price: Cents | None = None
    buy_now_setting: str | None = None
    reserve_type: str | None = None
    video_url: str | None = None
    pdf_url: str | None = None
    certificate_link: str | None = None
    reference_link: str | None = None
    product_tax_code: str | None = None
    harmonized_code: str | None = None
    signed_locations: str | None = None
    art_work_type: str | None = None
    shipping_id: int | None = None
    post_sale: Flag | None = None
    public_message: str | None = None
    dont_pay_consignor_note: str | None = None
    printing_options: str | None = None
    hide_sold_information: Flag | None = None
    catalogs: list[dict[str, Any]] | None = Field(
        default=None,
        description="Rows {catalog_number, catalog_name, ordering_number, catalog_value (cents)}.",
    )
    dimensions: list[dict[str, Any]] | None = Field(
        default=None,
        description="Rows {number_on_box, height, width, depth, weight, type, packed_date (ms)}.",
    )
    additional_charges: list[dict[str, Any]] | None = None
    responsible_user: list[Id] | None = Field(
        default=None, description="Staff user ids, in order; replace all."
    )
    start_lot_numbering_at: int | None = Field(default=None, description="Create only.")
    field_consignor_price: Cents | None = Field(default=None, description="History.")
    field_dont_pay_consignor: Flag | None = Field(default=None, description="History.")
    field_sold_agent: Id | None = Field(default=None, description="History: a user id.")
    field_sold_for_amount: Cents | None = Field(
        default=None, description="History (kept beside the bidding engine's hammer price)."
    )
    field_sold_to_bidder_id: int | None = Field(default=None, description="History: paddle.")
    field_bidder_alias: str | None = Field(default=None, description="History.")
    field_sold_status: str | None = Field(default=None, description="History: sold|unsold|passed.")
    field_under_extension_status: str | None = Field(default=None, description="History.")
    field_winner_bidder: Id | None = Field(default=None, description="History: a client id.")
    field_withdrawn: Flag | None = Field(default=None, description="History.")


class LotRow(BaseModel):
    id: Id
    lot: str = Field(examples=["1234A"])


class BulkEditInput(BaseModel):
    items: list[LotRow] = Field(description="1 to 1000 rows.")


class BulkEditResult(BaseModel):
    success: bool
    items_processed: int


class BulkEditEnvelope(BaseModel):
    data: BulkEditResult


def _sale_context(request: Request) -> int:
    raw = request.query_params.get("sale_id")
    if not raw:
        message = "The sale context sale_id is required"
        raise RestError(400, message, errors={"sale_id": ["This parameter is required."]})
    sale_id = to_id(raw)
    if sale_id is None:
        raise RestError(400, "Invalid sale_id", errors={"sale_id": ["Must be a sale id."]})
    return sale_id


@router.post(
    "/datatable-items",
    status_code=201,
    response_model=SingleEnvelope[Item],
    responses=errors(422),
    summary="Create an item",
    openapi_extra=json_body(ItemInput),
)
async def create_item(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    """B5.5: ``?sale_id=`` and the writable fields; ``consignment`` is required (400). Without
    ``lot_number`` the lot gets the next free number (or ``start_lot_numbering_at``)."""
    sale_id = _sale_context(request)
    body = await json_object(request)
    required(body, "consignment")
    start = body.get("start_lot_numbering_at")
    start_at = None if start is None else to_id(start)
    if start is not None and start_at is None:
        message = "Must be a whole number >= 1."
        raise RestError(422, message, errors={"start_lot_numbering_at": [message]})
    cmd = use_cases.CreateItem(
        sale_id=sale_id,
        values=item_values(body),
        start_lot_numbering_at=start_at,
        history=history_values(body),
    )
    try:
        item = await use_cases.create_item(db, principal, cmd)
    except DomainError as exc:
        raise from_domain(exc, {**RENAMES, "saleId": "sale_id"}) from exc
    row = await fresh(request, state, db, principal, item.id)
    return single(row, 201, absolute(request, f"/api/v1.0/datatable-items/{item.id}"))


@router.patch(
    "/datatable-items/{id}",
    response_model=SingleEnvelope[Item],
    responses=errors(404, 422),
    summary="Update an item",
    openapi_extra=json_body(ItemInput),
)
async def update_item(
    id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    """B5.6: only the fields sent change (multifield arrays replace)."""
    item_id = _path_id(id)
    body = await json_object(request)
    cmd = use_cases.UpdateItem(
        item_id=item_id, changes=item_values(body), history=history_values(body)
    )
    try:
        await use_cases.update_item(db, principal, cmd)
    except DomainError as exc:
        error = from_domain(exc, RENAMES)
        raise (_not_found(id) if error.status == 404 else error) from exc
    return single(await fresh(request, state, db, principal, item_id))


@router.patch(
    "/items-bulk-edit",
    response_model=BulkEditEnvelope,
    responses=errors(422),
    summary="Items bulk edit (lot numbers)",
    openapi_extra=json_body(BulkEditInput),
)
async def items_bulk_edit(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B5.7: ``items: [{id, lot}]``; lot rules on the batch's final state, all or nothing."""
    body = await json_object(request)
    rows = required(body, "items")
    if not isinstance(rows, list):
        raise RestError(400, "The field 'items' must be a list", errors={"items": ["A list."]})
    lots: list[use_cases.ItemLot] = []
    problems = FormatErrors()
    for index, row in enumerate(rows):
        item_id = to_id(row.get("id")) if isinstance(row, dict) else None
        printed = row.get("lot") if isinstance(row, dict) else None
        if item_id is None:
            problems.add(f"items.{index}.id", "Must be an item id.")
        if not isinstance(printed, str | int):
            problems.add(f"items.{index}.lot", "Must be a lot such as 1234A.")
        if item_id is not None and isinstance(printed, str | int):
            lots.append(use_cases.ItemLot(item_id=item_id, lot=str(printed)))
    problems.raise_any()
    try:
        done = await use_cases.update_item_lots(db, principal, use_cases.UpdateItemLots(rows=lots))
    except DomainError as exc:
        raise from_domain(exc, RENAMES) from exc
    return json_response({"data": {"success": True, "items_processed": len(done)}})


SIMPLE_DEFAULT = ("display_id", "lot", "status")


class SimpleItem(Item):
    """B5.8 row: without ``fields`` only ``display_id``, ``lot`` and ``status`` (no ``id``)."""

    id: str | None = Field(default=None, examples=["345"])  # type: ignore[assignment]


@router.get(
    "/items-list",
    response_model=ListEnvelope[SimpleItem],
    responses=errors(),
    openapi_extra=list_openapi(ITEMS, SALE_ID),
    summary="Items list (simple)",
    description="B5.8. As /datatable-items plus sale_id; without fields each row is only "
    "display_id, lot and status (D20).",
)
async def items_list(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    pairs = request.query_params.multi_items()
    params = parse_list(pairs, ITEMS, _sale_alias(request))
    items, count = await run_list(
        db, readable_items(principal), ITEM_LIST, params, is_staff=principal.is_staff
    )
    shown = params.fields or SIMPLE_DEFAULT
    rows = await represent_all(request, state, db, principal, items, shown)
    if params.fields is None:
        rows = [{name: row[name] for name in SIMPLE_DEFAULT} for row in rows]
    return listing(request, rows, count, params, next_query=_expanded_sort(pairs))


def _expanded_sort(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The query with a ``lot`` sort written as ``lot_number,lot_letter`` (B5.8 next link)."""

    def expand(value: str) -> str:
        parts = []
        for name in value.split(","):
            bare = name.strip()
            sign = "-" if bare.startswith("-") else ""
            parts.append(
                f"{sign}lot_number,{sign}lot_letter" if bare.lstrip("-+") == "lot" else bare
            )
        return ",".join(parts)

    return [(k, expand(v) if k == "sort" else v) for k, v in pairs]
