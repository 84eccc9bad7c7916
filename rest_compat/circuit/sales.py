"""B6 Sales: list, get, create and update.

Thin adapters over ``domain.sales``: read the Circuit body (A12 formats: date ranges in ms,
``sale_date`` ISO), call the use case, shape the B6.0 representation. The status is computed
(Decision D17) and the label is the title, derived when absent (D16).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db import models
from db.queries.listing import Sort
from db.queries.sale import (
    SALE_LIST,
    consignment_counts_by_sale_ids,
    image_stats_by_sale_ids,
    item_stats_by_sale_ids,
    sale_status,
    sales_by_ids,
)
from db.queries.term import SALE_LINKS, TermRow, terms_by_owner_ids
from db.queries.visibility import readable_sales
from db.session import OperationDB
from domain import sales as use_cases
from domain.errors import DomainError
from domain.principal import Principal
from domain.terms import SALE_FIELDS as TERM_FIELDS
from rest_compat.circuit import terms as term_shapes
from rest_compat.circuit.bodies import FormatErrors, json_object, number, to_bool, to_moment
from rest_compat.circuit.clients import ExternalIdRow, external_id_refs, external_id_rows
from rest_compat.deps import RestState, caller, operation_db, rest_state
from rest_compat.errors import RestError, from_domain, not_found
from rest_compat.openapi import fields_parameter, list_openapi, parameters
from rest_compat.query import (
    FilterField,
    Kind,
    Resource,
    entity_id,
    fields_param,
    parse_fields,
    parse_list,
    run_list,
)
from rest_compat.shapes import (
    EnumValue,
    Flag,
    Id,
    ListEnvelope,
    Millis,
    Ref,
    SingleEnvelope,
    absolute,
    enum_value,
    errors,
    iso,
    json_body,
    listing,
    money,
    select,
    single,
)

router = APIRouter(tags=["Sales"])

FIELDS = (
    "id",
    "uuid",
    "label",
    "subtitle",
    "description",
    "published",
    "status",
    "sale_type",
    "sale_number",
    "auctioneer_name",
    "sale_date",
    "mail_sale_date_from",
    "mail_sale_date_to",
    "live_sale_date_from",
    "live_sale_date_to",
    "last_date_for_consignment",
    "auto_sync_image_end_date",
    "buyers_premium",
    "post_sale_discount",
    "initial_finder_fees_orders",
    "additional_charges",
    "bid_steps",
    "lots_locked",
    "next_consignment_notice",
    "date_and_location_string",
    "item_images_dir",
    "sync_active",
    "display_live_links",
    "hide_sold_information",
    "hide_sale",
    "pdf_link",
    "pdf_sale_result",
    "e_book_link",
    "departments",
    "external_ids",
    "catalog",
    "venue",
    "currency",
    "item_count",
    "consignment_count",
    "total_estimates",
    "total_hammer_price",
    "logo",
    "image_stats",
    "sale_url",
    "saleWebsiteLink",
    "migrate_item_info",
    "migrate_delcampe_info",
    "migrate_san_info",
    "created",
    "updated",
)

NOT_STORED = (
    "logo",
    "migrate_item_info",
    "migrate_delcampe_info",
    "migrate_san_info",
)
"""B6.0 fields Gavel has no column for yet: read as null / [], ignored on input."""
STAFF_FIELDS = (
    "auto_sync_image_end_date",
    "initial_finder_fees_orders",
    "item_images_dir",
    "sync_active",
    "external_ids",
)
"""Back-office settings: null (``external_ids``: ``[]``) for callers who are not staff."""

SALE_TYPES = ("live", "online", "hybrid")
SALES = Resource(
    filters={
        "status": FilterField(
            "status", Kind.ENUM, choices=tuple(s.value for s in models.SaleStatus)
        ),
        "sale_date": FilterField("sale_date", Kind.DATETIME),
        "published": FilterField("published", Kind.BOOL),
        "sale_type": FilterField("sale_type", Kind.ENUM, choices=SALE_TYPES),
        "catalog": FilterField("catalog", Kind.ID),
    },
    sorts={
        "id": ("id",),
        "label": ("title",),
        "sale_date": ("sale_date",),
        "sale_number": ("sale_number",),
        "status": ("status",),
        "created": ("created_at",),
        "updated": ("updated_at",),
    },
    fields=FIELDS,
    default_sort=(Sort("sale_date", descending=True), Sort("id", descending=True)),
)

# -- input ---------------------------------------------------------------------------------

TEXT_INPUTS = {
    "label": "title",
    "subtitle": "subtitle",
    "description": "description",
    "sale_number": "sale_number",
    "auctioneer_name": "auctioneer_name",
    "venue": "venue",
    "initial_finder_fees_orders": "initial_finder_fees_orders",
    "next_consignment_notice": "next_consignment_notice",
    "date_and_location_string": "date_and_location_string",
    "item_images_dir": "item_images_dir",
    "pdf_link": "pdf_link",
    "pdf_sale_result": "pdf_sale_result",
    "e_book_link": "e_book_link",
}
MOMENT_INPUTS = {
    "mail_sale_date_from": "starts_at",
    "mail_sale_date_to": "ends_at",
    "live_sale_date_from": "live_starts_at",
    "live_sale_date_to": "live_ends_at",
    "last_date_for_consignment": "last_date_for_consignment",
    "auto_sync_image_end_date": "auto_sync_image_end_date",
}
BOOL_INPUTS = {
    "published": "published",
    "lots_locked": "lots_locked",
    "hide_sold_information": "hide_sold_information",
    "hide_sale": "hidden",
    "sync_active": "sync_active",
    "display_live_links": "display_live_links",
}
KINDS = {"live": models.SaleKind.LIVE, "online": models.SaleKind.TIMED}
RENAMES = {
    "title": "label",
    "kind": "sale_type",
    "startsAt": "mail_sale_date_from",
    "endsAt": "mail_sale_date_to",
    "liveStartsAt": "live_sale_date_from",
    "liveEndsAt": "live_sale_date_to",
    "buyersPremiumRate": "buyers_premium",
    "hidden": "hide_sale",
}
"""Domain input names whose REST name is not their snake_case."""

logger = logging.getLogger(__name__)


def charge_rows(rows: Any) -> Any:
    """Charge rows with ``term`` given as ``{id, label}`` read as its label (A12.8)."""
    if not isinstance(rows, list):
        return rows
    result = []
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get("term"), dict):
            term = row["term"]
            row = {**row, "term": term.get("label", term.get("id"))}
        result.append(row)
    return result


def _premium(value: Any, problems: FormatErrors) -> Decimal | None:
    """A plain percentage (``"20%"``, ``20``) as a rate; tiered texts are not stored."""
    rate = number(value)
    if rate is None:
        if value is not None:
            logger.info("ignored non-percentage buyers_premium %r", value)
        return None
    return rate / 100


def sale_values(body: Mapping[str, Any]) -> dict[str, Any]:
    """The writable B6.0 fields of ``body`` as domain values; 422 for format problems."""
    values: dict[str, Any] = {}
    problems = FormatErrors()
    for name, value in body.items():
        if name in TEXT_INPUTS:
            values[TEXT_INPUTS[name]] = value
        elif name in MOMENT_INPUTS:
            moment = None if value is None else to_moment(value)
            if value is not None and moment is None:
                problems.add(name, "Must be a date in epoch milliseconds.")
            values[MOMENT_INPUTS[name]] = moment
        elif name in BOOL_INPUTS:
            flag = to_bool(value)
            if flag is None:
                problems.add(name, "Must be true or false.")
            values[BOOL_INPUTS[name]] = flag
        elif name == "sale_type":
            kind = KINDS.get(str(value).strip().lower()) if value is not None else None
            if kind is None:
                message = (
                    "Hybrid sales are not supported."
                    if str(value).strip().lower() == "hybrid"
                    else "Must be live, online or hybrid."
                )
                problems.add(name, message)
            values["kind"] = kind
        elif name == "buyers_premium":
            rate = _premium(value, problems)
            if rate is not None:
                values["buyers_premium_rate"] = rate
        elif name == "post_sale_discount":
            discount = None if value is None else number(value)
            if value is not None and discount is None:
                problems.add(name, "Must be a number (a percentage).")
            values[name] = discount
        elif name == "additional_charges":
            values[name] = charge_rows(value)
        elif name in TERM_FIELDS:
            values[name] = term_shapes.term_input(value)
        elif name == "external_ids":
            values[name] = external_id_rows(value)
        elif name not in FIELDS:
            logger.info("ignored unknown sale field %r", name)
    problems.raise_any()
    return values


# -- output --------------------------------------------------------------------------------


def label(sale: models.Sale) -> str:
    """D16: the title; else the subtitle, the sale number, ``"Sale <id>"``."""
    return sale.title or sale.subtitle or sale.sale_number or f"Sale {sale.id}"


def _premium_text(rate: Decimal) -> str:
    percent = (rate * 100).normalize()
    return f"{percent:f}%"


def _number(value: Decimal | None) -> float | None:
    """A JSON number for a percentage (``12.5``)."""
    if value is None:
        return None
    return float(value)


def represent(
    sale: models.Sale,
    now: datetime,
    stats: tuple[int, Decimal, Decimal],
    consignments: int,
    images: tuple[int, int],
    url: str | None,
    staff: bool,
    terms: Mapping[str, Sequence[TermRow]],
) -> dict[str, Any]:
    """The B6.0 representation (every field, in the table's order); ``STAFF_FIELDS`` read
    null (or ``[]``) for other callers."""
    status = sale_status(sale, now)
    item_count, estimates, hammer = stats
    return {
        "id": str(sale.id),
        "uuid": str(sale.uuid),
        "label": label(sale),
        "subtitle": sale.subtitle,
        "description": sale.description,
        "published": sale.published,
        "status": enum_value(status.value),
        "sale_type": "online" if sale.kind is models.SaleKind.TIMED else sale.kind.value,
        "sale_number": sale.sale_number,
        "auctioneer_name": sale.auctioneer_name,
        "sale_date": iso(sale.live_starts_at or sale.starts_at),
        "mail_sale_date_from": iso(sale.starts_at),
        "mail_sale_date_to": iso(sale.ends_at),
        "live_sale_date_from": iso(sale.live_starts_at),
        "live_sale_date_to": iso(sale.live_ends_at),
        "last_date_for_consignment": iso(sale.last_date_for_consignment),
        "auto_sync_image_end_date": iso(sale.auto_sync_image_end_date) if staff else None,
        "buyers_premium": _premium_text(sale.buyers_premium_rate),
        "post_sale_discount": _number(sale.post_sale_discount),
        "initial_finder_fees_orders": sale.initial_finder_fees_orders if staff else None,
        "additional_charges": [
            {
                "term": {"id": str(row.get("term")), "label": str(row.get("term"))},
                "amount": money(Decimal(str(row.get("amount") or "0"))),
                "tax": money(Decimal(str(row.get("tax") or "0"))),
                "description": str(row.get("description") or ""),
                "attached_to": row.get("attached_to"),
            }
            for row in sale.additional_charges
        ],
        "bid_steps": terms["bid_steps"][0].name if terms.get("bid_steps") else None,
        "lots_locked": sale.lots_locked,
        "next_consignment_notice": sale.next_consignment_notice,
        "date_and_location_string": sale.date_and_location_string,
        "item_images_dir": sale.item_images_dir if staff else None,
        "sync_active": sale.sync_active if staff else None,
        "display_live_links": sale.display_live_links,
        "hide_sold_information": sale.hide_sold_information,
        "hide_sale": sale.hidden,
        "pdf_link": sale.pdf_link,
        "pdf_sale_result": sale.pdf_sale_result,
        "e_book_link": sale.e_book_link,
        "departments": term_shapes.refs(terms.get("departments", [])),
        "external_ids": external_id_refs(sale.external_ids) if staff else [],
        "catalog": term_shapes.single(terms.get("catalog", [])),
        "venue": sale.venue,
        "currency": sale.currency,
        "item_count": item_count,
        "consignment_count": consignments,
        "total_estimates": money(estimates),
        "total_hammer_price": money(hammer),
        "logo": None,
        "image_stats": {"items_with_images": images[0], "items_without_images": images[1]},
        "sale_url": url,
        "saleWebsiteLink": url,
        "migrate_item_info": None,
        "migrate_delcampe_info": None,
        "migrate_san_info": None,
        "created": iso(sale.created_at),
        "updated": iso(sale.updated_at),
    }


async def represent_all(
    db: OperationDB,
    principal: Principal,
    sales: Sequence[models.Sale],
    public_url: str | None = None,
) -> list[dict[str, Any]]:
    """B6.0 rows for ``sales``: four statements whatever their number."""
    ids = [s.id for s in sales]
    if not ids:
        return []
    stats = await item_stats_by_sale_ids(db, principal, ids)
    counts = await consignment_counts_by_sale_ids(db, principal, ids)
    images = await image_stats_by_sale_ids(db, principal, ids)
    terms = await terms_by_owner_ids(db, SALE_LINKS, ids)
    now = datetime.now(UTC)
    staff = principal.is_staff
    return [
        represent(
            sale, now, stat, count, image, use_cases.sale_url(public_url, sale.id), staff, filed
        )
        for sale, stat, count, image, filed in zip(sales, stats, counts, images, terms, strict=True)
    ]


async def _fresh(
    db: OperationDB, principal: Principal, sale_id: int, public_url: str | None
) -> dict[str, Any]:
    db.session.expunge_all()  # re-read what the use case committed
    (sale,) = await sales_by_ids(db, principal, [sale_id])
    (row,) = await represent_all(db, principal, [sale], public_url)
    return row


def _not_found(value: str) -> RestError:
    return not_found("Sale", value)


def _path_id(value: str) -> int:
    return entity_id(value, "Sale")


# -- response models -----------------------------------------------------------------------


class ChargeRow(BaseModel):
    term: Ref | None
    amount: str
    tax: str
    description: str
    attached_to: str | None


class Sale(BaseModel):
    """B6.0. With ``fields=`` only the named fields (and ``id``) are present."""

    id: str = Field(examples=["456"])
    uuid: str | None = None
    label: str | None = Field(default=None, description="Title; derived when absent (D16).")
    subtitle: str | None = None
    description: str | None = None
    published: bool | None = None
    status: EnumValue | None = Field(
        default=None, description="Computed (D17): draft, upcoming, published or closed."
    )
    sale_type: str | None = Field(default=None, description="live or online.")
    sale_number: str | None = None
    auctioneer_name: str | None = None
    sale_date: str | None = Field(default=None, description="Live start, else online start.")
    mail_sale_date_from: str | None = None
    mail_sale_date_to: str | None = None
    live_sale_date_from: str | None = None
    live_sale_date_to: str | None = None
    last_date_for_consignment: str | None = None
    auto_sync_image_end_date: str | None = None
    buyers_premium: str | None = Field(default=None, description="Percentage text, e.g. 25%.")
    post_sale_discount: float | None = Field(default=None, description="A percentage, 0-100.")
    initial_finder_fees_orders: str | None = None
    additional_charges: list[ChargeRow] | None = None
    bid_steps: str | None = Field(default=None, description="The bid_steps term's label.")
    lots_locked: bool | None = None
    next_consignment_notice: str | None = None
    date_and_location_string: str | None = None
    item_images_dir: str | None = None
    sync_active: bool | None = None
    display_live_links: bool | None = None
    hide_sold_information: bool | None = None
    hide_sale: bool | None = None
    pdf_link: str | None = None
    pdf_sale_result: str | None = None
    e_book_link: str | None = None
    departments: list[Ref] | None = None
    external_ids: list[ExternalIdRow] | None = None
    catalog: Ref | None = None
    venue: str | None = None
    currency: str | None = None
    item_count: int | None = None
    consignment_count: int | None = None
    total_estimates: str | None = None
    total_hammer_price: str | None = None
    logo: dict[str, Any] | None = None
    image_stats: dict[str, int] | None = Field(
        default=None, description="{items_with_images, items_without_images}."
    )
    sale_url: str | None = Field(
        default=None, description="<GAVEL_PUBLIC_URL>/sales/<id>; null when it is not set."
    )
    saleWebsiteLink: str | None = Field(default=None, description="Same as sale_url.")
    migrate_item_info: dict[str, Any] | None = None
    migrate_delcampe_info: dict[str, Any] | None = None
    migrate_san_info: dict[str, Any] | None = None
    created: str | None = None
    updated: str | None = None


class SaleInput(BaseModel):
    """B6.3/B6.4 body: any writable field; read-only, unknown and unstored fields are ignored."""

    label: str | None = Field(default=None, description="The title (D16).")
    subtitle: str | None = None
    description: str | None = None
    published: Flag | None = None
    sale_type: str | None = Field(default=None, description="live or online.")
    sale_number: str | None = Field(default=None, description="Unique.")
    auctioneer_name: str | None = None
    mail_sale_date_from: Millis | None = None
    mail_sale_date_to: Millis | None = None
    live_sale_date_from: Millis | None = None
    live_sale_date_to: Millis | None = None
    last_date_for_consignment: Millis | None = None
    buyers_premium: str | float | None = Field(
        default=None, description="A percentage sets the buyer's premium rate."
    )
    additional_charges: list[dict[str, Any]] | None = Field(
        default=None, description="Rows {term, amount, tax, description, attached_to}."
    )
    lots_locked: Flag | None = None
    departments: list[Id] | None = Field(default=None, description="Term ids or labels.")
    bid_steps: Id | None = Field(default=None, description="A bid_steps term id or label.")
    catalog: Id | None = Field(default=None, description="A catalogs term id or label.")
    hide_sold_information: Flag | None = None
    hide_sale: Flag | None = None
    venue: str | None = None
    auto_sync_image_end_date: Millis | None = None
    post_sale_discount: float | None = Field(default=None, description="A percentage, 0-100.")
    initial_finder_fees_orders: str | None = None
    next_consignment_notice: str | None = None
    date_and_location_string: str | None = None
    item_images_dir: str | None = None
    sync_active: Flag | None = None
    display_live_links: Flag | None = None
    pdf_link: str | None = None
    pdf_sale_result: str | None = None
    e_book_link: str | None = None
    external_ids: list[dict[str, Any]] | None = Field(
        default=None, description="Rows {system (term id or label), external_id}; replace all."
    )


LIST_PARAMETERS = (
    "Common list parameters (A3-A7): range, page, sort, fields, global_search, filter[...]."
)

# -- routes --------------------------------------------------------------------------------


@router.get(
    "/datatable-sales",
    response_model=ListEnvelope[Sale],
    responses=errors(),
    openapi_extra=list_openapi(SALES),
    summary="List sales",
    description="B6.1. "
    + LIST_PARAMETERS
    + " Filters: "
    + ", ".join(SALES.filters)
    + ". Sorts: "
    + ", ".join(SALES.sorts)
    + ". Default sort: -sale_date.",
)
async def list_sales(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    params = parse_list(request.query_params.multi_items(), SALES)
    sales, count = await run_list(
        db, readable_sales(principal), SALE_LIST, params, is_staff=principal.is_staff
    )
    rows = await represent_all(db, principal, sales, state.public_url)
    return listing(request, rows, count, params)


@router.get(
    "/datatable-sales/{id}",
    response_model=SingleEnvelope[Sale],
    responses=errors(404),
    openapi_extra=parameters(fields_parameter(SALES)),
    summary="Get a sale",
)
async def get_sale(
    id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    """B6.2."""
    sale_id = _path_id(id)
    fields = parse_fields(SALES, fields_param(request))
    (sale,) = await sales_by_ids(db, principal, [sale_id])
    if sale is None:
        raise _not_found(id)
    (row,) = await represent_all(db, principal, [sale], state.public_url)
    return single(select(row, fields))


@router.post(
    "/datatable-sales",
    status_code=201,
    response_model=SingleEnvelope[Sale],
    responses=errors(422),
    summary="Create a sale",
    openapi_extra=json_body(SaleInput),
)
async def create_sale(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    """B6.3: writable B6.0 fields (date ranges in ms); ``status`` is ignored (D17)."""
    body = await json_object(request)
    cmd = use_cases.CreateSale(values=sale_values(body))
    try:
        sale = await use_cases.create_sale(db, principal, cmd)
    except DomainError as exc:
        raise from_domain(exc, RENAMES) from exc
    row = await _fresh(db, principal, sale.id, state.public_url)
    return single(row, 201, absolute(request, f"/api/v1.0/datatable-sales/{sale.id}"))


@router.patch(
    "/datatable-sales/{id}",
    response_model=SingleEnvelope[Sale],
    responses=errors(404, 422),
    summary="Update a sale",
    openapi_extra=json_body(SaleInput),
)
async def update_sale(
    id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    """B6.4: only the fields sent change (multifield arrays replace)."""
    sale_id = _path_id(id)
    body = await json_object(request)
    cmd = use_cases.UpdateSale(sale_id=sale_id, changes=sale_values(body))
    try:
        await use_cases.update_sale(db, principal, cmd)
    except DomainError as exc:
        error = from_domain(exc, RENAMES)
        raise (_not_found(id) if error.status == 404 else error) from exc
    return single(await _fresh(db, principal, sale_id, state.public_url))
