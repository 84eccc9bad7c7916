"""B4 Orders: list, get, create, update (status included), split, credit note, cancel & reissue.

Thin adapters over ``domain.orders.service``: read the Circuit body, call the use case, shape
the B4.0 representation. Row scoping is ``readable_orders`` (a bidder sees only their own
orders, token mode A2.4); every write is staff-only in the domain (403 otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db import models
from db.queries.address import addresses_by_client_ids
from db.queries.client import clients_by_ids
from db.queries.consignment import consignments_by_ids
from db.queries.item import items_by_ids
from db.queries.order import ORDER_LIST, order_exists, order_lines_by_order_ids, orders_by_ids
from db.queries.sale import sales_by_ids
from db.queries.visibility import readable_orders
from db.session import OperationDB
from domain.address_format import render
from domain.errors import DomainError
from domain.orders import pricing
from domain.orders import service as use_cases
from domain.principal import Principal
from rest_compat.circuit.bodies import FormatErrors, json_object, number, required, to_date, to_id
from rest_compat.circuit.clients import label as client_label
from rest_compat.deps import caller, operation_db
from rest_compat.errors import ACCESS_DENIED, RestError, from_domain, not_found
from rest_compat.openapi import fields_parameter, list_openapi, parameters
from rest_compat.query import (
    FilterField,
    Kind,
    Match,
    Resource,
    entity_id,
    parse_fields,
    parse_list,
    run_list,
)
from rest_compat.shapes import (
    EnumValue,
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

router = APIRouter(tags=["Orders"])

TYPE_LABELS = {
    models.OrderType.BIDDER: "Bidder Order",
    models.OrderType.CONSIGNOR: "Consignor Order",
    models.OrderType.CREDIT_NOTE: "Credit Note",
    models.OrderType.TRANSPORT_INVOICE: "Transport Invoice",
}
STATUS_LABELS = {
    models.OrderStatus.NEW: "New",
    models.OrderStatus.IN_PROCESS: "In Process",
    models.OrderStatus.FINISHED: "Finished",
    models.OrderStatus.LOCKED: "Locked",
    models.OrderStatus.CANCELED: "Canceled",
}

FIELDS = (
    "id",
    "label",
    "order_id",
    "type",
    "status",
    "sale",
    "owner",
    "items",
    "item_count",
    "grand_total",
    "payment_received",
    "amount_due",
    "customer_number",
    "bidder_ids",
    "shipping_weight",
    "payment_type_letter",
    "additional_charges",
    "use_custom_address",
    "custom_address",
    "invoice_data",
    "original_order",
    "created",
    "changed",
    "updated",
)

ORDERS = Resource(
    filters={
        "type": FilterField("type", Kind.ENUM, choices=tuple(t.value for t in models.OrderType)),
        "status": FilterField(
            "status", Kind.ENUM, choices=tuple(s.value for s in models.OrderStatus)
        ),
        "sale": FilterField("sale_id", Kind.ID),
        "owner": FilterField("client_id", Kind.ID),
        "order_id": FilterField("number"),
        "customer_number": FilterField("customer_number"),
        "total_invoice": FilterField("grand_total", Kind.MONEY),
        "payment_received": FilterField("amount_paid", Kind.MONEY),
        "bidder_ids": FilterField("bidder_number"),
        "payment_type_letter": FilterField("payment_type_letter"),
        "sale_name": FilterField("sale_title", match=Match.SEARCH),
        "shipping_weight": FilterField("shipping_weight", Kind.MONEY),
    },
    sorts={
        "id": ("id",),
        "order_id": ("number",),
        "type": ("type",),
        "status": ("status",),
        "grand_total": ("grand_total",),
        "total_invoice": ("grand_total",),
        "amount_due": ("amount_due",),
        "payment_received": ("amount_paid",),
        "created": ("created_at",),
        "changed": ("updated_at",),
    },
    fields=FIELDS,
    default_sort=ORDER_LIST.default_sort,
)

RENAMES = {
    "orderId": "order",
    "itemIds": "items",
    "saleId": "sale",
    "ownerId": "owner",
    "additionalCharges": "additional_charges",
    "customAddress": "custom_address",
}
"""Domain input names whose REST name is not their snake_case."""

ADDRESS_KEYS = (
    "country",
    "administrative_area",
    "locality",
    "postal_code",
    "thoroughfare",
    "premise",
    "first_name",
    "last_name",
    "organisation_name",
)

# -- output --------------------------------------------------------------------------------


def _address(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {key: values.get(key) for key in ADDRESS_KEYS}


def _address_of(address: models.Address | None) -> dict[str, Any] | None:
    if address is None:
        return None
    fields = _address({key: getattr(address, key, None) for key in ADDRESS_KEYS})
    assert fields is not None
    return {**fields, "rendered": render(address)}


def _charge(line: models.OrderLine) -> dict[str, Any]:
    term, _, description = line.description.partition(": ")
    return {
        "term": {"id": term, "label": term},
        "amount": money(abs(line.amount)),
        "tax": money(abs(line.tax)),
        "description": description,
        "date": line.created_at.date().isoformat(),
    }


def _display(amount: Decimal) -> str:
    value = Decimal(amount).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def _totals(order: models.Order, charges: Sequence[models.OrderLine]) -> list[list[dict[str, str]]]:
    first = [
        {"label": "Subtotal", "value": _display(order.subtotal)},
        {"label": "Buyer's Premium", "value": _display(order.buyers_premium)},
    ]
    second = [{"label": "Tax", "value": _display(order.tax)}]
    second += [
        {"label": str(_charge(line)["term"]["label"]), "value": _display(line.amount)}
        for line in charges
    ]
    second.append({"label": "Grand Total", "value": _display(order.grand_total)})
    return [first, second]


def represent(
    order: models.Order,
    client: models.Client | None,
    sale: models.Sale | None,
    lines: Sequence[models.OrderLine],
    items: Mapping[int, models.Item],
    consignments: Mapping[int, models.Consignment],
    addresses: Sequence[models.Address],
    original: models.Order | None,
) -> dict[str, Any]:
    """The B4.0 representation (every field, in the table's order)."""
    item_lines = [
        line
        for line in lines
        if line.kind is models.OrderLineKind.ITEM and line.item_id is not None
    ]
    own_charges = [
        line for line in lines if line.kind is models.OrderLineKind.CHARGE and not line.item_id
    ]
    bidder_number = client.bidder_number if client else None
    default = next((a for a in addresses if a.is_default), addresses[0] if addresses else None)
    if order.use_custom_address and order.custom_address:
        custom = _address(order.custom_address)
        billing: dict[str, Any] | None = custom
        shipping: dict[str, Any] | None = custom
    else:
        billing = shipping = _address_of(default)
    invoice_lines = []
    for line in item_lines:
        item = items.get(line.item_id or 0)
        consignment = consignments.get(item.consignment_id or 0) if item else None
        premium_or_commission = (
            line.commission if order.type is models.OrderType.CONSIGNOR else line.premium
        )
        invoice_lines.append(
            {
                "nid": str(line.item_id),
                "lot": str(item.lot_number) if item else "",
                "description": line.description,
                "hammer_price": money(line.hammer_price),
                "commission": money(premium_or_commission),
                "tax_id": f"{sale.tax_rate:.4f}" if sale else "",
                "consignment_number": consignment.number if consignment else "",
            }
        )
    return {
        "id": str(order.id),
        "label": f"Order #{order.number}",
        "order_id": order.number,
        "type": enum_value(order.type.value, TYPE_LABELS[order.type]),
        "status": enum_value(order.status.value, STATUS_LABELS[order.status]),
        "sale": ref(sale.id, sale.title) if sale else None,
        "owner": (
            {**(ref(client.id, client_label(client)) or {}), "email": client.email}
            if client
            else None
        ),
        "items": [str(line.item_id) for line in item_lines],
        "item_count": len(item_lines),
        "grand_total": money(order.grand_total),
        "payment_received": money(order.amount_paid),
        "amount_due": money(order.grand_total - order.amount_paid),
        "customer_number": client.customer_number if client else None,
        "bidder_ids": [bidder_number] if bidder_number else [],
        "shipping_weight": (
            None if order.shipping_weight is None else float(order.shipping_weight)
        ),
        "payment_type_letter": order.payment_type_letter,
        "additional_charges": [_charge(line) for line in own_charges],
        "use_custom_address": order.use_custom_address,
        "custom_address": _address(order.custom_address),
        "invoice_data": {
            "header_left": {"buyer_address": billing, "shipping_address": shipping},
            "header_right": {
                "invoice_number": order.number,
                "customer_number": (client.customer_number if client else None) or "",
                "bidder_number": bidder_number or "",
                "vat_number": client.tax_id if client else None,
            },
            "items": {bidder_number or "": invoice_lines} if invoice_lines else {},
            "totals_for_display": _totals(order, own_charges),
        },
        "original_order": (
            ref(original.id, f"Order #{original.number}") if original is not None else None
        ),
        "created": iso(order.created_at),
        "changed": iso(order.updated_at),
        "updated": iso(order.updated_at),
    }


async def represent_all(
    db: OperationDB, principal: Principal, orders: Sequence[models.Order]
) -> list[dict[str, Any]]:
    """B4.0 rows for ``orders``: a fixed number of statements whatever their number."""
    if not orders:
        return []
    client_ids = sorted({o.client_id for o in orders})
    sale_ids = sorted({o.sale_id for o in orders if o.sale_id is not None})
    original_ids = sorted({o.original_order_id for o in orders if o.original_order_id})
    clients = dict(zip(client_ids, await clients_by_ids(db, principal, client_ids), strict=True))
    addresses = dict(
        zip(client_ids, await addresses_by_client_ids(db, principal, client_ids), strict=True)
    )
    sales = dict(zip(sale_ids, await sales_by_ids(db, principal, sale_ids), strict=True))
    originals = dict(
        zip(original_ids, await orders_by_ids(db, principal, original_ids), strict=True)
    )
    lines = await order_lines_by_order_ids(db, principal, [o.id for o in orders])
    item_ids = sorted({line.item_id for own in lines for line in own if line.item_id})
    items = {
        i: item
        for i, item in zip(item_ids, await items_by_ids(db, principal, item_ids), strict=True)
        if item is not None
    }
    consignment_ids = sorted({i.consignment_id for i in items.values() if i.consignment_id})
    found = await consignments_by_ids(db, principal, consignment_ids)
    consignments = {c.id: c for c in found if c is not None}
    return [
        represent(
            order,
            clients.get(order.client_id),
            sales.get(order.sale_id) if order.sale_id else None,
            own,
            items,
            consignments,
            addresses.get(order.client_id) or [],
            originals.get(order.original_order_id) if order.original_order_id else None,
        )
        for order, own in zip(orders, lines, strict=True)
    ]


async def _fresh(db: OperationDB, principal: Principal, order_id: int) -> dict[str, Any]:
    db.session.expunge_all()  # re-read what the use case committed
    (order,) = await orders_by_ids(db, principal, [order_id])
    (row,) = await represent_all(db, principal, [order])
    return row


def _not_found(value: str) -> RestError:
    return not_found("Order", value)


def _path_id(value: str) -> int:
    return entity_id(value, "Order")


# -- input ---------------------------------------------------------------------------------


def _charges(rows: Any, problems: FormatErrors) -> tuple[pricing.Charge, ...]:
    if not isinstance(rows, list):
        problems.add("additional_charges", "Must be a list of charge rows.")
        return ()
    charges = []
    for index, row in enumerate(rows):
        where = f"additional_charges.{index}"
        if not isinstance(row, dict):
            problems.add(where, "Must be an object.")
            continue
        term = row.get("term")
        if isinstance(term, dict):
            term = term.get("label", term.get("id"))
        amount = number(row.get("amount"))
        tax = number(row.get("tax", "0"))
        if amount is None:
            problems.add(f"{where}.amount", "Must be a decimal string.")
        if tax is None:
            problems.add(f"{where}.tax", "Must be a decimal string.")
        if row.get("date") is not None and to_date(row["date"]) is None:
            problems.add(f"{where}.date", "Must be an ISO date.")
        if amount is not None and tax is not None:
            charges.append(
                pricing.Charge(
                    term="" if term is None else str(term),
                    amount=amount,
                    tax=tax,
                    description=str(row.get("description") or ""),
                )
            )
    return tuple(charges)


def _id_list(body: Mapping[str, Any], name: str, *, needed: bool) -> tuple[int, ...]:
    value = required(body, name) if needed else body.get(name, [])
    if value is None:
        value = []
    if not isinstance(value, list):
        raise RestError(
            400, f"The field '{name}' must be a list", errors={name: ["Must be a list."]}
        )
    if needed and not value:
        raise RestError(
            400, f"The field '{name}' is required", errors={name: ["List at least one id."]}
        )
    ids = [to_id(v) for v in value]
    if any(i is None for i in ids):
        raise RestError(422, "Unknown item id", errors={name: ["Ids must be numbers."]})
    return tuple(i for i in ids if i is not None)


def _choice(choices: Sequence[str], value: Any, name: str) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    text = str(value).strip().lower()
    if text not in choices:
        message = "Must be one of " + ", ".join(choices) + "."
        raise RestError(422, f"Invalid {name}", errors={name: [message]})
    return text


def _order_type(value: Any) -> models.OrderType:
    return models.OrderType(_choice([t.value for t in models.OrderType], value, "type"))


def _status(value: Any) -> models.OrderStatus:
    return models.OrderStatus(_choice([s.value for s in models.OrderStatus], value, "status"))


def _entity_id(body: Mapping[str, Any], name: str) -> int:
    value = required(body, name)
    if isinstance(value, dict):
        value = value.get("id")
    found = to_id(value)
    if found is None:
        raise RestError(422, f"Unknown {name}", errors={name: ["Must be an id."]})
    return found


# -- response models -----------------------------------------------------------------------


class OrderOwner(Ref):
    email: str | None = None


class OrderCharge(BaseModel):
    term: Ref
    amount: str
    tax: str
    description: str
    date: str


class Order(BaseModel):
    """B4.0. With ``fields=`` only the named fields (and ``id``) are present."""

    id: str = Field(examples=["789"])
    label: str | None = Field(default=None, examples=["Order #12345"])
    order_id: str | None = Field(default=None, description="Invoice number.")
    type: EnumValue | None = None
    status: EnumValue | None = None
    sale: Ref | None = None
    owner: OrderOwner | None = None
    items: list[str] | None = None
    item_count: int | None = None
    grand_total: str | None = None
    payment_received: str | None = None
    amount_due: str | None = None
    customer_number: str | None = None
    bidder_ids: list[str] | None = None
    shipping_weight: float | None = None
    payment_type_letter: str | None = None
    additional_charges: list[OrderCharge] | None = None
    use_custom_address: bool | None = None
    custom_address: dict[str, str | None] | None = None
    invoice_data: dict[str, Any] | None = None
    original_order: Ref | None = None
    created: str | None = None
    changed: str | None = None
    updated: str | None = None


class OrderInput(BaseModel):
    """B4.3 body (B4.4: ``status``, ``additional_charges``, ``use_custom_address``,
    ``custom_address``)."""

    type: str | None = Field(default=None, description="bidder, consignor, transport_invoice.")
    sale: Id | None = None
    owner: Id | None = None
    status: str | None = Field(default=None, description="new or in_process on create.")
    items: list[Id] | None = None
    additional_charges: list[dict[str, Any]] | None = Field(
        default=None, description="Rows {term, amount, tax, description, date}."
    )
    use_custom_address: bool | None = None
    custom_address: dict[str, str | None] | None = None


class ItemsInput(BaseModel):
    items: list[Id]


class SplitInput(BaseModel):
    order: Id
    items: list[Id]


class SplitResult(BaseModel):
    new_order_id: str
    original_order_id: str
    moved_items: list[str]


class SplitEnvelope(BaseModel):
    data: SplitResult


class CreditNoteResult(BaseModel):
    credit_note_order_nid: str


class CreditNoteEnvelope(BaseModel):
    data: CreditNoteResult


class ReissueResult(BaseModel):
    new_order_nid: str
    credit_note_nid: str


class ReissueEnvelope(BaseModel):
    data: ReissueResult


# -- routes --------------------------------------------------------------------------------


@router.get(
    "/orders",
    response_model=ListEnvelope[Order],
    responses=errors(),
    openapi_extra=list_openapi(ORDERS),
    summary="List orders",
    description="B4.1. Common list parameters (A3-A7). Filters: "
    + ", ".join(ORDERS.filters)
    + ". Sorts: "
    + ", ".join(ORDERS.sorts)
    + ". Default sort: -created.",
)
async def list_orders(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    params = parse_list(request.query_params.multi_items(), ORDERS)
    orders, count = await run_list(
        db, readable_orders(principal), ORDER_LIST, params, is_staff=principal.is_staff
    )
    return listing(request, await represent_all(db, principal, orders), count, params)


@router.get(
    "/orders/{id}",
    response_model=SingleEnvelope[Order],
    responses=errors(404),
    openapi_extra=parameters(fields_parameter(ORDERS)),
    summary="Get an order",
)
async def get_order(
    id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B4.2. 403 for another client's order in token mode."""
    order_id = _path_id(id)
    raw = request.query_params.get("fields") or ""
    fields = parse_fields(ORDERS, [p.strip() for p in raw.split(",") if p.strip()])
    (order,) = await orders_by_ids(db, principal, [order_id])
    if order is None:
        if not principal.is_staff and await order_exists(db, order_id):
            raise RestError(403, "Access denied", ACCESS_DENIED)
        raise _not_found(id)
    (row,) = await represent_all(db, principal, [order])
    return single(select(row, fields))


@router.post(
    "/orders",
    status_code=201,
    response_model=SingleEnvelope[Order],
    responses=errors(422),
    summary="Create an order",
    openapi_extra=json_body(OrderInput),
)
async def create_order(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B4.3: totals are computed by the service from the items, the sale and the charges."""
    body = await json_object(request)
    order_type = _order_type(required(body, "type"))
    sale_id = _entity_id(body, "sale")
    client_id = _entity_id(body, "owner")
    status = models.OrderStatus.NEW if body.get("status") is None else _status(body["status"])
    item_ids = _id_list(body, "items", needed=False)
    problems = FormatErrors()
    charges = (
        _charges(body["additional_charges"], problems)
        if body.get("additional_charges") is not None
        else ()
    )
    problems.raise_any()
    cmd = use_cases.CreateOrder(
        order_type=order_type,
        sale_id=sale_id,
        client_id=client_id,
        status=status,
        item_ids=item_ids,
        charges=charges,
    )
    try:
        order = await use_cases.create_order(db, principal, cmd)
    except DomainError as exc:
        raise from_domain(exc, RENAMES) from exc
    location = absolute(request, f"/api/v1.0/orders/{order.id}")
    return single(await _fresh(db, principal, order.id), 201, location)


@router.patch(
    "/orders/{id}",
    response_model=SingleEnvelope[Order],
    responses=errors(404, 422),
    summary="Update an order (status included)",
    openapi_extra=json_body(OrderInput),
)
async def update_order(
    id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B4.4: ``status`` (the B4.0 workflow), ``additional_charges`` (recomputes the totals),
    ``use_custom_address``, ``custom_address``; other fields are ignored."""
    order_id = _path_id(id)
    body = await json_object(request)
    changes: dict[str, Any] = {}
    problems = FormatErrors()
    if "status" in body:
        changes["status"] = _status(body["status"])
    if "additional_charges" in body:
        changes["additional_charges"] = _charges(body["additional_charges"] or [], problems)
    if "use_custom_address" in body:
        flag = body["use_custom_address"]
        if not isinstance(flag, bool):
            problems.add("use_custom_address", "Must be true or false.")
        changes["use_custom_address"] = flag
    if "custom_address" in body:
        address = body["custom_address"]
        if address is not None and not isinstance(address, dict):
            problems.add("custom_address", "Must be an object.")
        changes["custom_address"] = address
    problems.raise_any()
    try:
        await use_cases.update_order(
            db, principal, use_cases.UpdateOrder(order_id=order_id, changes=changes)
        )
    except DomainError as exc:
        error = from_domain(exc, RENAMES)
        raise (_not_found(id) if error.status == 404 else error) from exc
    return single(await _fresh(db, principal, order_id))


@router.patch(
    "/order-split",
    response_model=SplitEnvelope,
    responses=errors(422),
    summary="Split an order",
    openapi_extra=json_body(SplitInput),
)
async def split_order(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B4.5: move ``items`` of ``order`` to the owner's other open order of the same type and
    sale, or to a new one."""
    body = await json_object(request)
    order_id = _entity_id(body, "order")
    item_ids = _id_list(body, "items", needed=True)
    try:
        result = await use_cases.split_order(
            db, principal, use_cases.SplitOrder(order_id=order_id, item_ids=item_ids)
        )
    except DomainError as exc:
        error = from_domain(exc, RENAMES)
        if error.status == 404:  # B4.5: ids are in the body, so an unknown order is a 422
            error = RestError(422, "Unknown order", errors={"order": ["Order not found."]})
        raise error from exc
    return json_response(
        {
            "data": {
                "new_order_id": str(result.target.id),
                "original_order_id": str(result.source.id),
                "moved_items": [str(i) for i in result.moved_item_ids],
            }
        }
    )


@router.post(
    "/order-create-credit-note/{order_id}",
    response_model=CreditNoteEnvelope,
    responses=errors(404, 422),
    summary="Create a credit note",
    openapi_extra=json_body(ItemsInput),
)
async def create_credit_note(
    order_id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B4.6: 1 to 100 ``items`` of a finished or locked order."""
    source_id = _path_id(order_id)
    body = await json_object(request)
    item_ids = _id_list(body, "items", needed=True)
    try:
        result = await use_cases.create_credit_note(
            db, principal, use_cases.CreateCreditNote(order_id=source_id, item_ids=item_ids)
        )
    except DomainError as exc:
        error = from_domain(exc, RENAMES)
        raise (_not_found(order_id) if error.status == 404 else error) from exc
    return json_response({"data": {"credit_note_order_nid": str(result.credit_note.id)}})


@router.post(
    "/order-cancel-and-reissue/{order_id}",
    response_model=ReissueEnvelope,
    responses=errors(404, 422),
    summary="Cancel and reissue a locked order",
)
async def cancel_and_reissue(
    order_id: str,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B4.7: a credit note for every item, a new order with them, the source canceled."""
    source_id = _path_id(order_id)
    try:
        result = await use_cases.cancel_and_reissue_order(
            db, principal, use_cases.CancelAndReissue(order_id=source_id)
        )
    except DomainError as exc:
        error = from_domain(exc, RENAMES)
        raise (_not_found(order_id) if error.status == 404 else error) from exc
    return json_response(
        {
            "data": {
                "new_order_nid": str(result.new_order.id),
                "credit_note_nid": str(result.credit_note.id),
            }
        }
    )
