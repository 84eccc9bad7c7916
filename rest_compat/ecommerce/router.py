"""``/api/v2/auction/...``: the seed's e-commerce auction endpoints (rest-api.md Part C).

Thin adapters: products are read through ``db.queries.auction`` and bids go through the graph's
own ``place_bid`` (same lock, same sequence, same events), so a bid placed here is the same as
one placed with ``placeBid``. Errors use this API's own body (``ecommerce/errors.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request

from db import models
from db.queries import auction
from db.session import OperationDB
from domain.auth import authenticate, bearer_token
from domain.bidding import rules
from domain.bidding.service import PlaceBid, place_bid
from domain.errors import DomainError, Unauthenticated
from domain.fields import NUL_MESSAGE, nul_paths
from domain.files import file_url
from domain.principal import ANONYMOUS, Principal
from rest_compat.deps import TOKEN_SECURITY, RestState, operation_db, rest_state
from rest_compat.ecommerce import schemas
from rest_compat.ecommerce.errors import (
    NOT_FOUND,
    UNAUTHENTICATED,
    AuctionError,
    from_domain,
    from_violations,
    invalid,
)
from rest_compat.openapi import parameters, query_parameter
from rest_compat.query import MAX_ID, digits, path_id

PREFIX = "/api/v2/auction"
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
PAYMENT_STATUSES = ("paid", "unpaid")
DELIVERY_STATUSES = ("pending", "confirmed", "picked_up", "on_the_way", "delivered", "cancelled")

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": schemas.AuctionErrorBody, "description": description}
    for status, description in {
        401: "Missing, invalid or expired token (`Unauthenticated.`).",
        403: "The account may not bid (no approved client).",
        404: "Not a published auction product.",
        422: "Validation failure (`errors`) or a broken auction rule (`code`).",
    }.items()
}

router = APIRouter(prefix=PREFIX, tags=["e-commerce auction (v2)"])

T = TypeVar("T")


# -- callers and paging ------------------------------------------------------------------------


async def optional_bidder(request: Request, db: OperationDB = Depends(operation_db)) -> Principal:
    """The caller if a valid token came; an invalid one is ignored on public endpoints (C1.2)."""
    try:
        return await authenticate(
            db, bearer_token(request.headers, request.query_params), datetime.now(UTC)
        )
    except Unauthenticated:
        return ANONYMOUS


async def bidder(request: Request, db: OperationDB = Depends(operation_db)) -> Principal:
    """The authenticated caller; 401 ``Unauthenticated.`` otherwise."""
    try:
        principal = await authenticate(
            db, bearer_token(request.headers, request.query_params), datetime.now(UTC)
        )
    except Unauthenticated as exc:
        raise AuctionError(401, UNAUTHENTICATED) from exc
    if not principal.is_authenticated:
        raise AuctionError(401, UNAUTHENTICATED)
    return principal


def _positive_int(name: str, raw: str | None, default: int, maximum: int) -> int:
    if raw is None:
        return default
    text = raw.strip().removeprefix("+")
    value = int(text) if digits(text) else 0
    if not 1 <= value <= maximum:
        raise invalid(
            {name: [f"The {name} field must be an integer of at least 1 and at most {maximum}."]}
        )
    return value


PAGING = [
    query_parameter(
        "page", {"type": "integer", "minimum": 1, "maximum": MAX_ID, "default": 1}, "From 1."
    ),
    query_parameter(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        "Page size.",
    ),
]
"""What ``Paging`` reads, declared with its types (it reads strings, to answer C1.4 errors)."""


class Paging:
    """``page`` (1-based) and ``per_page`` of a list request."""

    def __init__(
        self,
        page: str | None = Query(None, include_in_schema=False),
        per_page: str | None = Query(None, include_in_schema=False),
    ) -> None:
        self.page = _positive_int("page", page, 1, MAX_ID)
        self.per_page = _positive_int("per_page", per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _page_url(request: Request, page: int) -> str:
    return str(request.url.include_query_params(page=page))


def envelope(request: Request, paging: Paging, data: Sequence[T], total: int) -> dict[str, Any]:
    """The Laravel resource-collection envelope of C1.3 around one page."""
    last = max(1, math.ceil(total / paging.per_page))
    first_index = paging.offset + 1 if data else None
    return {
        "data": data,
        "links": {
            "first": _page_url(request, 1),
            "last": _page_url(request, last),
            "prev": _page_url(request, paging.page - 1) if paging.page > 1 else None,
            "next": _page_url(request, paging.page + 1) if paging.page < last else None,
        },
        "meta": {
            "current_page": paging.page,
            "from": first_index,
            "last_page": last,
            "path": str(request.url.remove_query_params(["page"]).replace(query="")),
            "per_page": paging.per_page,
            "to": paging.offset + len(data) if data else None,
            "total": total,
        },
        "success": True,
        "status": 200,
    }


# -- products --------------------------------------------------------------------------------


def _absolute(request: Request, path: str) -> str:
    return str(request.base_url).rstrip("/") + path


def _image(request: Request, state: RestState, file: models.File | None) -> str | None:
    if file is None:
        return None
    return _absolute(request, file_url(state.file_store, file, datetime.now(UTC)))


def _status(product: auction.Product, now: datetime) -> schemas.AuctionStatus:
    item = product.item
    if item.status in models.CLOSED_ITEM_STATUSES or item.closed_at is not None:
        return "ended"
    if product.ends_at is not None and now >= product.ends_at:
        return "ended"
    if product.starts_at is not None and now < product.starts_at:
        return "upcoming"
    return "active"


def _product_fields(request: Request, state: RestState, product: auction.Product) -> dict[str, Any]:
    item, sale = product.item, product.sale
    table = rules.increment_table(sale.increments)
    increment = rules.increment_for(item.current_bid or item.starting_price, table)
    return {
        "id": item.id,
        "name": item.title,
        "thumbnail_image": _image(request, state, product.first_image),
        "unit_price": schemas.number(item.starting_price),
        "currency": sale.currency,
        "lot": f"{item.lot_number}{item.lot_letter}" if item.lot_number is not None else "",
        "auction_product": 1,
        "auction_start_date": schemas.unix(product.starts_at),
        "auction_end_date": schemas.unix(product.ends_at),
        "current_bid": schemas.number(item.current_bid),
        "total_bids": item.bid_count,
        "min_bid_increment": schemas.number(increment),
        "next_minimum_bid": schemas.number(
            rules.next_minimum(item.current_bid, item.starting_price, table)
        ),
    }


def _bid(row: models.Bid, paddle: str | None, viewer: Principal) -> schemas.Bid:
    own = viewer.is_staff or (viewer.client_id is not None and viewer.client_id == row.client_id)
    return schemas.Bid(
        id=row.id,
        product_id=row.item_id,
        user_id=row.user_id if own else None,
        paddle=paddle,
        amount=schemas.number(row.amount),
        created_at=schemas.iso(row.placed_at),
    )


@router.get(
    "/products",
    response_model=schemas.ProductPage,
    responses={422: ERRORS[422]},
    summary="List active auction products (C2)",
    openapi_extra=parameters(PAGING),
)
async def list_products(
    request: Request,
    paging: Paging = Depends(),
    db: OperationDB = Depends(operation_db),
    state: RestState = Depends(rest_state),
) -> dict[str, Any]:
    """Lots whose auction runs now, ending soonest first."""
    products, total = await auction.active_products(
        db,
        datetime.now(UTC),
        seller_products=state.seller_auction_product,
        offset=paging.offset,
        limit=paging.per_page,
    )
    data = [_product_fields(request, state, product) for product in products]
    return envelope(request, paging, data, total)


@router.get(
    "/products/{product_id}",
    response_model=schemas.ProductDetailEnvelope,
    responses={404: ERRORS[404]},
    summary="Auction product details (C3)",
    dependencies=TOKEN_SECURITY,
    openapi_extra={"security": [{}]},  # the token is optional here
)
async def get_product(
    request: Request,
    product_id: str,
    db: OperationDB = Depends(operation_db),
    state: RestState = Depends(rest_state),
    viewer: Principal = Depends(optional_bidder),
) -> dict[str, Any]:
    """One auction product, upcoming, active or ended, with its bid history."""
    product = await _product_or_404(db, state, product_id)
    item = product.item
    history = [_bid(row, paddle, viewer) for row, paddle in await auction.bid_history(db, item.id)]
    photos = [_image(request, state, file) for file in await auction.images(db, item.id)]
    detail = {
        **_product_fields(request, state, product),
        "description": item.description or "",
        "photos": [photo for photo in photos if photo is not None],
        "auction_status": _status(product, datetime.now(UTC)),
        "highest_bid": history[0] if history else None,
        "bids": history,
        "estimate_low": schemas.number(item.estimate_low) if item.estimate_low else None,
        "estimate_high": schemas.number(item.estimate_high) if item.estimate_high else None,
    }
    return {"data": detail, "success": True, "status": 200}


async def _product_or_404(db: OperationDB, state: RestState, raw_id: object) -> auction.Product:
    product_id = path_id(str(raw_id))
    if product_id is None:
        raise AuctionError(404, NOT_FOUND)
    product = await auction.product_by_id(
        db, product_id, seller_products=state.seller_auction_product
    )
    if product is None:
        raise AuctionError(404, NOT_FOUND)
    return product


# -- bidding ---------------------------------------------------------------------------------


def _amount(name: str, raw: object, errors: dict[str, list[str]]) -> Decimal | None:
    label = name.replace("_", " ")
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        errors[name] = [f"The {label} field must be a number."]
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        errors[name] = [f"The {label} field must be a number."]
        return None
    if not value.is_finite() or value <= 0:
        errors[name] = [f"The {label} field must be greater than 0."]
    elif value.as_tuple().exponent < -2:  # type: ignore[operator]
        errors[name] = [f"The {label} field must have at most 2 decimal places."]
    else:
        return value
    return None


def parse_bid(body: Mapping[str, Any]) -> tuple[int, Decimal, Decimal | None]:
    """``product_id``, ``amount`` and ``max_amount`` of a place-bid body, or 422 (rule 2)."""
    errors: dict[str, list[str]] = {}
    raw_id = body.get("product_id")
    product_id: int | None = None
    if raw_id is None or raw_id == "":
        errors["product_id"] = ["The product id field is required."]
    elif isinstance(raw_id, bool) or not (
        isinstance(raw_id, int) or (isinstance(raw_id, str) and raw_id.strip().isdigit())
    ):
        errors["product_id"] = ["The product id field must be an integer."]
    else:
        product_id = int(raw_id)
    if body.get("amount") in (None, ""):
        errors["amount"] = ["The amount field is required."]
    amount = _amount("amount", body.get("amount"), errors)
    maximum = _amount("max_amount", body.get("max_amount"), errors)
    if amount is not None and maximum is not None and maximum < amount:
        errors["max_amount"] = ["The max amount field must be greater than or equal to amount."]
    if errors:
        raise invalid(errors)
    assert product_id is not None
    assert amount is not None
    return product_id, amount, maximum


async def _body(request: Request) -> Mapping[str, Any]:
    content_type = request.headers.get("content-type", "")
    body: Any
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        body = {key: value for key, value in form.items() if isinstance(value, str)}
    else:
        try:
            body = orjson.loads(await request.body() or b"{}")
        except orjson.JSONDecodeError as exc:
            raise invalid({"body": ["The request body must be JSON."]}) from exc
    if not isinstance(body, dict):
        raise invalid({"body": ["The request body must be a JSON object."]})
    refused = nul_paths(body)
    if refused:
        raise invalid({path: [NUL_MESSAGE] for path in refused})
    return body


@router.post(
    "/place-bid",
    response_model=schemas.PlaceBidResult,
    responses={status: ERRORS[status] for status in (401, 403, 404, 422)},
    summary="Place a bid (C4)",
    dependencies=TOKEN_SECURITY,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["product_id", "amount"],
                        "properties": {
                            "product_id": {"type": "integer"},
                            "amount": {"type": "number", "exclusiveMinimum": 0},
                            "max_amount": {"type": "number"},
                        },
                    }
                }
            },
        }
    },
)
async def post_place_bid(
    request: Request,
    db: OperationDB = Depends(operation_db),
    state: RestState = Depends(rest_state),
    principal: Principal = Depends(bidder),
    idempotency_key: str | None = Header(None, description="Retry-safe key: same answer again."),
) -> dict[str, Any]:
    """Bid on an auction product through the same serialized engine as GraphQL ``placeBid``."""
    product_id, amount, maximum = parse_bid(await _body(request))
    await _product_or_404(db, state, product_id)
    command = PlaceBid(product_id, amount, maximum, idempotency_key=idempotency_key)
    try:
        result = await place_bid(db, principal, command, datetime.now(UTC))
    except DomainError as exc:
        raise from_domain(exc) from exc
    if result.errors:
        raise from_violations(result.errors)
    own = result.bid
    assert own is not None
    assert result.rows
    return {
        "result": True,
        "message": "Bid placed successfully",
        "bid_id": own.id,
        "current_bid": schemas.number(result.rows[-1].amount),
        "is_highest_bidder": result.rows[-1].client_id == own.client_id,
        "auction_end_date": schemas.unix(result.item.closes_at),
    }


# -- the caller's bids and purchases ----------------------------------------------------------


@router.get(
    "/bided-products",
    response_model=schemas.ProductBidOnPage,
    responses={status: ERRORS[status] for status in (401, 422)},
    summary="Products the user has bid on (C5)",
    openapi_extra=parameters(PAGING),
    dependencies=TOKEN_SECURITY,
)
async def bided_products(
    request: Request,
    paging: Paging = Depends(),
    db: OperationDB = Depends(operation_db),
    state: RestState = Depends(rest_state),
    principal: Principal = Depends(bidder),
) -> dict[str, Any]:
    """Every auction product the caller's client bid on, most recent bid first."""
    if principal.client_id is None:
        return envelope(request, paging, [], 0)
    rows, total = await auction.products_bid_on(
        db,
        principal.client_id,
        seller_products=state.seller_auction_product,
        offset=paging.offset,
        limit=paging.per_page,
    )
    now = datetime.now(UTC)
    data = []
    for row in rows:
        status = _status(row.product, now)
        item = row.product.item
        data.append(
            {
                **_product_fields(request, state, row.product),
                "my_highest_bid": schemas.number(row.my_highest_bid),
                "my_last_bid_at": schemas.iso(row.my_last_bid_at),
                "is_highest_bidder": row.leading_client_id == principal.client_id,
                "auction_status": status,
                "won": status == "ended"
                and item.status is models.ItemStatus.SOLD
                and item.winner_id == principal.client_id,
            }
        )
    return envelope(request, paging, data, total)


@router.get(
    "/purchase-history",
    response_model=schemas.PurchasePage,
    responses={status: ERRORS[status] for status in (401, 422)},
    summary="Purchase history (C6)",
    openapi_extra=parameters(
        PAGING,
        query_parameter(
            "payment_status", {"type": "string", "enum": list(PAYMENT_STATUSES)}, "Paid or not."
        ),
        query_parameter(
            "delivery_status", {"type": "string", "enum": list(DELIVERY_STATUSES)}, "Shipping."
        ),
    ),
    dependencies=TOKEN_SECURITY,
)
async def purchase_history(
    request: Request,
    paging: Paging = Depends(),
    payment_status: str | None = Query(None, include_in_schema=False),
    delivery_status: str | None = Query(None, include_in_schema=False),
    db: OperationDB = Depends(operation_db),
    state: RestState = Depends(rest_state),
    principal: Principal = Depends(bidder),
) -> dict[str, Any]:
    """The caller's invoices of won lots, newest first."""
    errors: dict[str, list[str]] = {}
    if payment_status is not None and payment_status not in PAYMENT_STATUSES:
        errors["payment_status"] = ["The selected payment status is invalid."]
    if delivery_status is not None and delivery_status not in DELIVERY_STATUSES:
        errors["delivery_status"] = ["The selected delivery status is invalid."]
    if errors:
        raise invalid(errors)
    if principal.client_id is None:
        return envelope(request, paging, [], 0)
    rows, total = await auction.purchases(
        db,
        principal.client_id,
        paid=None if payment_status is None else payment_status == "paid",
        delivery_status=delivery_status,
        offset=paging.offset,
        limit=paging.per_page,
    )
    data = [
        {
            "id": row.order.id,
            "code": row.order.number,
            "created_at": schemas.iso(row.order.created_at),
            "payment_status": "paid"
            if row.order.grand_total - row.order.amount_paid <= 0
            else "unpaid",
            "delivery_status": "cancelled"
            if row.order.status is models.OrderStatus.CANCELED
            else row.order.delivery_status,
            "grand_total": schemas.number(row.order.grand_total),
            "currency": row.order.currency,
            "products": [
                {
                    "product_id": item.id,
                    "name": item.title,
                    "thumbnail_image": _image(request, state, image),
                    "price": schemas.number(hammer),
                    "quantity": 1,
                }
                for item, hammer, image in row.lots
            ],
        }
        for row in rows
    ]
    return envelope(request, paging, data, total)
