"""B3 Consignments: list, create and update.

A thin adapter over the consignment list spec; the B3.0 representation keeps integer cents for
``estimated`` and ``insurance_value`` and numbers in the row fields (Decision D7). Token-mode
callers see only the consignments they own (``readable_consignments``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db import models
from db.queries.client import clients_by_ids
from db.queries.consignment import CONSIGNMENT_LIST, consignments_by_ids
from db.queries.file import files_by_entity_ids
from db.queries.listing import Condition, Sort
from db.queries.order import settlements_by_sale_and_client
from db.queries.sale import sales_by_ids
from db.queries.visibility import readable_consignments
from db.session import OperationDB
from domain import consignments as use_cases
from domain import responsible as domain_responsible
from domain.errors import DomainError
from domain.files import file_url
from domain.principal import Principal
from rest_compat.circuit import responsible
from rest_compat.circuit import sales as sale_shapes
from rest_compat.circuit.bodies import (
    FormatErrors,
    cents,
    json_object,
    number,
    required,
    to_bool,
    to_date,
    to_id,
)
from rest_compat.circuit.clients import label as client_label
from rest_compat.deps import caller, operation_db, rest_state
from rest_compat.errors import RestError, from_domain, not_found
from rest_compat.openapi import ID_SCHEMA, list_openapi, query_parameter
from rest_compat.query import (
    FilterField,
    Kind,
    Match,
    Resource,
    convert,
    entity_id,
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
    listing,
    ref,
    single,
)

router = APIRouter(tags=["Consignments"])
ENTITY = models.EntityType.CONSIGNMENT

FIELDS = (
    "id",
    "consignment_id",
    "label",
    "symbol",
    "sub_symbol",
    "published",
    "promoted",
    "status",
    "owner",
    "customer_number",
    "sale",
    "estimated",
    "insurance_value",
    "insurance_type",
    "underbid",
    "house_consignment",
    "no_post_sale",
    "consignor_commission_step_type",
    "consignor_commission_steps",
    "shipping_methods",
    "additional_charges",
    "finder_fees",
    "tax_type",
    "tax_customs_number",
    "current_custom_shipping_id",
    "payment_instructions",
    "files",
    "responsible_user",
    "workflow",
    "statements",
    "closed_statements",
    "created",
    "updated",
)
NOT_STORED = ("current_custom_shipping_id", "workflow")
"""B3.0 fields Gavel has no data for: null and ``{"tasks": []}`` (no workflow tasks exist; the
installation-wide custom-shipping counter is not a consignment's data)."""
CLOSED_STATEMENTS = frozenset({models.OrderStatus.FINISHED, models.OrderStatus.LOCKED})
"""Settlement statuses listed in ``closed_statements``: paid out (finished) or booked (locked)."""

CONSIGNMENTS = Resource(
    filters={
        "status": FilterField("status", Kind.ENUM, choices=("active",)),
        "owner": FilterField("consignor_id", Kind.ID),
        "owner_name": FilterField("owner_name", match=Match.SEARCH),
        "finder_fees": FilterField("finder_names", match=Match.SEARCH),
        "has_email": FilterField("has_email", Kind.BOOL),
        "house_consignment": FilterField("is_house", Kind.BOOL),
        "symbol": FilterField("symbol"),
        "sale": FilterField("sale_id", Kind.ID),
    },
    sorts={
        "id": ("id",),
        "consignment_id": ("number",),
        "label": ("title",),
        "symbol": ("symbol",),
        "estimated": ("estimated",),
        "created": ("created_at",),
        "updated": ("updated_at",),
    },
    fields=FIELDS,
    default_sort=(Sort("updated_at", descending=True), Sort("id", descending=True)),
)

# -- output --------------------------------------------------------------------------------


def _cents(amount: Any) -> int | None:
    return None if amount is None else int(Decimal(str(amount)) * 100)


def _number(amount: Any) -> float | None:
    return None if amount is None else float(Decimal(str(amount)))


def _commission(row: Mapping[str, Any]) -> str | None:
    if row.get("rate") is not None:
        return f"{(Decimal(str(row['rate'])) * 100).normalize():f}%"
    return None if row.get("amount") is None else str(row["amount"])


@dataclass(frozen=True, slots=True)
class Related:
    """What a consignment's representation reads from other tables (batched per page)."""

    responsible_users: Sequence[Mapping[str, str]] = ()
    statements: Sequence[models.Order] = ()
    files: Sequence[Mapping[str, str]] = ()


def represent(
    consignment: models.Consignment,
    request: Request,
    owner: models.Client | None,
    sale: models.Sale | None,
    clients: Mapping[int, models.Client],
    related: Related = Related(),
) -> dict[str, Any]:
    """The B3.0 representation (every field, in the table's order)."""
    shipping = consignment.shipping_methods
    customs = [row["tax_customs_number"] for row in shipping if row.get("tax_customs_number")]
    owner_id = consignment.consignor_id
    return {
        "id": str(consignment.id),
        "consignment_id": consignment.number,
        "label": consignment.title,
        "symbol": consignment.symbol,
        "sub_symbol": consignment.sub_symbol,
        "published": consignment.published,
        "promoted": consignment.promoted,
        "status": enum_value("active"),
        "owner": {
            "id": str(owner_id),
            "label": client_label(owner) if owner else "",
            "self": absolute(request, f"/api/v1.0/datatable-clients/{owner_id}"),
        },
        "customer_number": owner.customer_number if owner else None,
        "sale": ref(sale.id, sale_shapes.label(sale)) if sale else None,
        "estimated": _cents(consignment.estimated),
        "insurance_value": _cents(consignment.insurance_value),
        "insurance_type": consignment.insurance_type,
        "underbid": _number(consignment.underbid),
        "house_consignment": consignment.is_house,
        "no_post_sale": consignment.no_post_sale,
        "consignor_commission_step_type": consignment.commission_step_type,
        "consignor_commission_steps": [
            {"step_from": _cents(row.get("from")), "consignor_commission": _commission(row)}
            for row in consignment.commission_steps
        ],
        "shipping_methods": [
            {
                "shipping_id": row.get("shipping_id"),
                "amount": _number(row.get("amount")),
                "tax_customs_number": row.get("tax_customs_number"),
                "tax_customs_type": row.get("tax_customs_type"),
                "date": row.get("date"),
                "type": row.get("type"),
                "method_type": ref(row.get("method_type"), row.get("method_type")),
                "customs_tracking_number": row.get("customs_tracking_number"),
                "shipping_notes": row.get("shipping_notes"),
                "description": row.get("description"),
            }
            for row in shipping
        ],
        "additional_charges": [
            {
                "amount": _number(row.get("amount")),
                "term": ref(str(row.get("term")), str(row.get("term"))),
                "description": str(row.get("description") or ""),
                "attached_to": row.get("attached_to"),
                "tax": _number(row.get("tax") or 0),
            }
            for row in consignment.additional_charges
        ],
        "finder_fees": [
            {
                "commission": row.get("commission"),
                "finder": _finder(row.get("finder"), clients),
                "item": ref(row.get("item"), f"Item {row.get('item')}"),
            }
            for row in consignment.finder_fees
        ],
        "tax_type": consignment.tax_type,
        "tax_customs_number": max(customs) if customs else None,
        "current_custom_shipping_id": None,
        "payment_instructions": consignment.payment_instructions,
        "files": list(related.files),
        "responsible_user": list(related.responsible_users),
        "workflow": {"tasks": []},
        "statements": [ref(order.id, order.number) for order in related.statements],
        "closed_statements": [
            ref(order.id, order.number)
            for order in related.statements
            if order.status in CLOSED_STATEMENTS
        ],
        "created": iso(consignment.created_at),
        "updated": iso(consignment.updated_at),
    }


def _finder(finder_id: Any, clients: Mapping[int, models.Client]) -> dict[str, str] | None:
    if finder_id is None:
        return None
    client = clients.get(int(finder_id))
    return ref(finder_id, client_label(client) if client else "")


async def represent_all(
    request: Request,
    db: OperationDB,
    principal: Principal,
    consignments: Sequence[models.Consignment],
) -> list[dict[str, Any]]:
    """B3.0 rows for ``consignments``: five statements whatever their number."""
    if not consignments:
        return []
    ids = [c.id for c in consignments]
    client_ids = {c.consignor_id for c in consignments} | {
        int(row["finder"])
        for c in consignments
        for row in c.finder_fees
        if row.get("finder") is not None
    }
    found = await clients_by_ids(db, principal, sorted(client_ids))
    clients = {c.id: c for c in found if c is not None}
    sale_ids = sorted({c.sale_id for c in consignments if c.sale_id is not None})
    sales = {s.id: s for s in await sales_by_ids(db, principal, sale_ids) if s is not None}
    users = await responsible.refs_by_owner_ids(db, principal, ENTITY, ids)
    statements = await settlements_by_sale_and_client(
        db, principal, [(c.sale_id, c.consignor_id) for c in consignments if c.sale_id]
    )
    store, now = rest_state(request).file_store, datetime.now(UTC)
    files = [
        [
            {
                "id": str(file.id),
                "filename": file.filename,
                "url": absolute(request, file_url(store, file, now)),
            }
            for file in attached
        ]
        for attached in await files_by_entity_ids(db, principal, ENTITY, ids)
    ]
    return [
        represent(
            c,
            request,
            clients.get(c.consignor_id),
            sales.get(c.sale_id) if c.sale_id else None,
            clients,
            Related(
                responsible_users=own_users,
                statements=statements.get((c.sale_id, c.consignor_id), []) if c.sale_id else [],
                files=own_files,
            ),
        )
        for c, own_users, own_files in zip(consignments, users, files, strict=True)
    ]


# -- response models -----------------------------------------------------------------------


class OwnerRef(BaseModel):
    id: str
    label: str
    self: str = Field(description="Absolute URL of the owner's client resource.")


class Consignment(BaseModel):
    """B3.0 (integer cents for ``estimated`` and ``insurance_value``, D7)."""

    id: str = Field(examples=["789"])
    consignment_id: str | None = None
    label: str | None = None
    symbol: str | None = None
    sub_symbol: str | None = None
    published: bool | None = None
    promoted: bool | None = None
    status: EnumValue | None = None
    owner: OwnerRef | None = None
    customer_number: str | None = None
    sale: Ref | None = None
    estimated: int | None = Field(default=None, description="Integer cents.")
    insurance_value: int | None = Field(default=None, description="Integer cents.")
    insurance_type: str | None = None
    underbid: float | None = None
    house_consignment: bool | None = None
    no_post_sale: bool | None = None
    consignor_commission_step_type: str | None = None
    consignor_commission_steps: list[dict[str, Any]] | None = None
    shipping_methods: list[dict[str, Any]] | None = None
    additional_charges: list[dict[str, Any]] | None = None
    finder_fees: list[dict[str, Any]] | None = None
    tax_type: str | None = None
    tax_customs_number: int | None = None
    current_custom_shipping_id: int | None = None
    payment_instructions: str | None = None
    files: list[dict[str, str]] | None = Field(
        default=None, description="Files attached to the consignment: {id, filename, url}."
    )
    responsible_user: list[Ref] | None = Field(
        default=None, description="Responsible staff users (staff only; [] for others)."
    )
    workflow: dict[str, Any] | None = Field(default=None, description='Always {"tasks": []}.')
    statements: list[Ref] | None = Field(
        default=None,
        description="The consignor's settlements for this sale (not canceled); label = number.",
    )
    closed_statements: list[Ref] | None = Field(
        default=None, description="Those of `statements` that are finished or locked."
    )
    created: str | None = None
    updated: str | None = None


# -- routes --------------------------------------------------------------------------------


def _extra(request: Request) -> tuple[dict[str, tuple[str, Condition]], bool]:
    """``sale_id`` (A8), ``autocomplete[string]`` (A7) and ``workflow_filter`` (no workflow
    tasks are stored, so it excludes nothing); whether autocomplete is on."""
    extra: dict[str, tuple[str, Condition]] = {}
    raw_sale = request.query_params.get("sale_id")
    if raw_sale is not None:
        sale_id = convert(CONSIGNMENTS.filters["sale"], raw_sale, "sale_id")
        extra["sale_id"] = ("sale_id", Condition(eq=sale_id))
    workflow = request.query_params.get("workflow_filter")
    if workflow is not None and not workflow.strip().isdigit():
        message = "Invalid value: expected a workflow task id."
        raise RestError(400, "Bad Request", message, errors={"workflow_filter": [message]})
    text = (request.query_params.get("autocomplete[string]") or "").strip()
    if text:
        extra["autocomplete"] = ("number_and_title", Condition(contains=text))
    return extra, bool(text)


@router.get(
    "/datatable-consignments",
    response_model=ListEnvelope[Consignment],
    responses=errors(),
    openapi_extra=list_openapi(
        CONSIGNMENTS,
        query_parameter("sale_id", ID_SCHEMA, "Only the consignments of this sale (A8)."),
        query_parameter(
            "workflow_filter",
            {"type": "integer", "minimum": 0},
            "A workflow task id (no tasks are stored yet, so it excludes nothing).",
        ),
        query_parameter(
            "autocomplete[string]",
            {"type": "string"},
            "Consignments whose number or label contains the text, by number unless sorted (A7).",
        ),
    ),
    summary="List consignments",
    description="B3.1. Common list parameters (A3-A7) and sale_id, workflow_filter, "
    "autocomplete[string]. Filters: "
    + ", ".join(CONSIGNMENTS.filters)
    + ". Sorts: "
    + ", ".join(CONSIGNMENTS.sorts)
    + ". Default sort: -updated.",
)
async def list_consignments(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    extra, autocomplete = _extra(request)
    pairs = request.query_params.multi_items()
    if autocomplete and "sort" not in request.query_params:
        pairs = [*pairs, ("sort", "consignment_id")]
    params = parse_list(pairs, CONSIGNMENTS, extra)
    consignments, count = await run_list(
        db,
        readable_consignments(principal),
        CONSIGNMENT_LIST,
        params,
        is_staff=principal.is_staff,
    )
    rows = await represent_all(request, db, principal, consignments)
    return listing(request, rows, count, params)


# -- input ---------------------------------------------------------------------------------

TEXT_INPUTS = {
    "consignment_id": "number",
    "label": "title",
    "symbol": "symbol",
    "sub_symbol": "sub_symbol",
    "insurance_type": "insurance_type",
    "consignor_commission_step_type": "commission_step_type",
    "tax_type": "tax_type",
    "payment_instructions": "payment_instructions",
}
BOOL_INPUTS = ("published", "promoted", "no_post_sale")
RENAMES = {
    "number": "consignment_id",
    "title": "label",
    "consignorId": "owner",
    "saleId": "sale_id",
    "commissionStepType": "consignor_commission_step_type",
    "commissionSteps": "consignor_commission_steps",
    "finderId": "finder",
    "itemId": "item",
    **responsible.RENAMES,
}
"""Domain input names whose REST name is not their snake_case."""

logger = logging.getLogger(__name__)


def _commission_input(value: Any) -> dict[str, Decimal | None]:
    """``"15%"`` as a rate, anything else as an amount."""
    text = "" if value is None else str(value).strip()
    if text.endswith("%"):
        percent = number(text)
        return {"rate": None if percent is None else percent / 100}
    return {"amount": number(text)}


def _steps(rows: Any, problems: FormatErrors) -> Any:
    if not isinstance(rows, list):
        return rows
    converted = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            problems.add(f"consignor_commission_steps[{index}]", "Must be an object.")
            continue
        start = cents(row.get("step_from", 0))
        if start is None:
            problems.add(f"consignor_commission_steps[{index}].step_from", "Must be cents.")
        converted.append({"from": start, **_commission_input(row.get("consignor_commission"))})
    return converted


def _term_text(value: Any) -> Any:
    if isinstance(value, dict):
        value = value.get("label", value.get("id"))
    return None if value is None else str(value)


def _shipping(rows: Any, problems: FormatErrors) -> Any:
    if not isinstance(rows, list):
        return rows
    converted = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            converted.append(row)
            continue
        row = {**row, "method_type": _term_text(row.get("method_type"))}
        if row.get("date") is not None:
            day = to_date(row["date"])
            if day is None:
                problems.add(f"shipping_methods[{index}].date", "Must be a date in ms.")
            row["date"] = day
        converted.append(row)
    return converted


def _finder_fees(rows: Any, problems: FormatErrors) -> Any:
    if not isinstance(rows, list):
        return rows
    converted = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            converted.append(row)
            continue
        ids: dict[str, int | None] = {}
        for name in ("finder", "item"):
            raw = row.get(name)
            raw = raw.get("id") if isinstance(raw, dict) else raw
            ids[name] = None if raw is None else to_id(raw)
            if raw is not None and ids[name] is None:
                problems.add(f"finder_fees[{index}].{name}", "Must be an id.")
        commission = _commission_input(row.get("commission"))
        converted.append({"finder_id": ids["finder"], "item_id": ids["item"], **commission})
    return converted


def consignment_values(body: Mapping[str, Any]) -> dict[str, Any]:
    """The writable B3.0 fields of ``body`` as domain values; 422 for format problems."""
    values: dict[str, Any] = {}
    problems = FormatErrors()
    for name, value in body.items():
        if name in TEXT_INPUTS:
            values[TEXT_INPUTS[name]] = value
        elif name in BOOL_INPUTS:
            flag = to_bool(value)
            if flag is None:
                problems.add(name, "Must be true or false.")
            values[name] = flag
        elif name in ("estimated", "insurance_value"):
            amount = None if value is None else cents(value)
            if value is not None and amount is None:
                problems.add(name, "Must be integer cents.")
            values[name] = amount
        elif name == "underbid":
            rate = None if value is None else number(value)
            if value is not None and rate is None:
                problems.add(name, "Must be a number.")
            values[name] = rate
        elif name == "owner":
            raw = value.get("id") if isinstance(value, dict) else value
            owner = None if raw is None else to_id(raw)
            if raw is not None and owner is None:
                problems.add(name, "Must be a client id.")
            values["consignor_id"] = owner
        elif name == "consignor_commission_steps":
            values["commission_steps"] = _steps(value, problems)
        elif name == "shipping_methods":
            values[name] = _shipping(value, problems)
        elif name == "finder_fees":
            values[name] = _finder_fees(value, problems)
        elif name == "additional_charges":
            values[name] = sale_shapes.charge_rows(value)
        elif name == responsible.NAME:
            values[domain_responsible.FIELD] = responsible.user_ids(value, problems)
        elif name not in FIELDS:
            logger.info("ignored unknown consignment field %r", name)
    problems.raise_any()
    return values


class ConsignmentInput(BaseModel):
    """B3.2/B3.3 body: any writable field; read-only and unknown fields are ignored."""

    consignment_id: str | None = Field(default=None, description="Generated when absent.")
    label: str | None = Field(default=None, description="Required on create.")
    symbol: str | None = None
    sub_symbol: str | None = None
    published: Flag | None = None
    promoted: Flag | None = None
    owner: Id | None = Field(default=None, description="Client id; required on create.")
    estimated: Cents | None = None
    insurance_value: Cents | None = None
    insurance_type: str | None = None
    underbid: float | None = None
    no_post_sale: Flag | None = None
    consignor_commission_step_type: str | None = None
    consignor_commission_steps: list[dict[str, Any]] | None = None
    shipping_methods: list[dict[str, Any]] | None = None
    additional_charges: list[dict[str, Any]] | None = None
    finder_fees: list[dict[str, Any]] | None = None
    tax_type: str | None = None
    payment_instructions: str | None = None
    responsible_user: list[Id] | None = Field(
        default=None, description="Staff user ids, in order; replace all."
    )


async def _fresh(request: Request, db: OperationDB, principal: Principal, cid: int) -> Any:
    db.session.expunge_all()  # re-read what the use case committed
    (consignment,) = await consignments_by_ids(db, principal, [cid])
    (row,) = await represent_all(request, db, principal, [consignment])
    return row


def _not_found(value: str) -> RestError:
    return not_found("Consignment", value)


@router.post(
    "/datatable-consignments",
    status_code=201,
    response_model=SingleEnvelope[Consignment],
    responses=errors(422),
    summary="Create a consignment",
    openapi_extra=json_body(ConsignmentInput),
)
async def create_consignment(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B3.2: ``?sale_id=`` (required) and the writable B3.0 fields; ``label`` and ``owner``
    are required (400)."""
    raw_sale = request.query_params.get("sale_id")
    if not raw_sale:
        message = "The sale context sale_id is required"
        raise RestError(400, message, errors={"sale_id": ["This parameter is required."]})
    sale_id = to_id(raw_sale)
    if sale_id is None:
        raise RestError(400, "Invalid sale_id", errors={"sale_id": ["Must be a sale id."]})
    body = await json_object(request)
    required(body, "label")
    required(body, "owner")
    values = {**consignment_values(body), "sale_id": sale_id}
    try:
        consignment = await use_cases.create_consignment(
            db, principal, use_cases.CreateConsignment(values=values)
        )
    except DomainError as exc:
        raise from_domain(exc, RENAMES) from exc
    row = await _fresh(request, db, principal, consignment.id)
    location = absolute(request, f"/api/v1.0/datatable-consignments/{consignment.id}")
    return single(row, 201, location)


@router.patch(
    "/datatable-consignments/{id}",
    response_model=SingleEnvelope[Consignment],
    responses=errors(404, 422),
    summary="Update a consignment",
    openapi_extra=json_body(ConsignmentInput),
)
async def update_consignment(
    id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B3.3: only the fields sent change (multifield arrays replace)."""
    consignment_id = entity_id(id, "Consignment")
    body = await json_object(request)
    cmd = use_cases.UpdateConsignment(
        consignment_id=consignment_id, changes=consignment_values(body)
    )
    try:
        await use_cases.update_consignment(db, principal, cmd)
    except DomainError as exc:
        error = from_domain(exc, RENAMES)
        raise (_not_found(id) if error.status == 404 else error) from exc
    return single(await _fresh(request, db, principal, int(id)))
