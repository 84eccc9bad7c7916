"""Part D: ``GET /api/me`` (the current user and the installation configuration, D1) and
``GET|POST /api/v1.0/pusher_auth`` (the optional Pusher bridge, D2).

Gavel's real-time transport is GraphQL subscriptions (D5); no Pusher bridge exists, so
``pusherConfig`` is null and ``pusher_auth`` answers 501 to a valid staff token (403 otherwise).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db import models
from db.queries.sale import latest_published_sale_id
from db.queries.user import active_staff, users_by_ids
from db.session import OperationDB
from domain.auth import authenticate, bearer_token
from domain.errors import Unauthenticated
from domain.principal import Principal
from rest_compat.deps import TOKEN_SECURITY, operation_db
from rest_compat.errors import RestError
from rest_compat.openapi import parameters, query_parameter
from rest_compat.shapes import ErrorBody, json_response

router = APIRouter(tags=["Startup and real-time"])
"""``/api/me`` (outside ``/api/v1.0``)."""
pusher = APIRouter(tags=["Startup and real-time"])
"""``/pusher_auth`` (under ``/api/v1.0``)."""

ROLES = {
    models.Role.ADMIN: ["authenticated user", "administrator"],
    models.Role.STAFF: ["authenticated user", "clerk"],
    models.Role.BIDDER: ["authenticated user"],
}
"""D1.2: Circuit role machine names of each graph role (Proposal)."""
PERMISSIONS = {
    models.Role.ADMIN: ["access content", "access backoffice", "administer site"],
    models.Role.STAFF: ["access content", "access backoffice"],
    models.Role.BIDDER: ["access content"],
}
"""D1.2 ``permissions`` (Proposal, additive): what each role grants."""
ACCOUNTING_COUNTRY = "DE"
CURRENCY = {
    "key": "eur",
    "symbol": "€",
    "template": "@amount @symbol",
    "decimal_sign": ",",
    "decimal_amount": 2,
    "thousands_sign": ".",
}
CONTENT_LANGUAGES = {"en": "en"}
"""Installation settings Gavel has no setting for yet: the documented defaults."""
PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]
UNAUTHORIZED = {"error": "Unauthorized", "message": "Invalid or expired access token"}


def _person(user: models.User) -> dict[str, str]:
    """``{id, label, mail, value, uuid}``; users have no uuid in Gavel (empty)."""
    return {
        "id": str(user.id),
        "label": user.full_name or user.email,
        "mail": user.email,
        "value": str(user.id),
        "uuid": "",
    }


def _config(request: Request, staff: list[models.User], is_staff: bool) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    websocket = "ws" + base.removeprefix("http")  # http -> ws, https -> wss
    return {
        "pusherConfig": None,
        "bidServer": f"{websocket}/graphql",
        "bidServerAccessToken": None,
        "realtime": {
            "graphqlUrl": f"{base}/graphql",
            "subscriptionsUrl": f"{websocket}/graphql",
            "protocols": PROTOCOLS,
        },
        "websiteBasePath": base,
        "accountingCountry": ACCOUNTING_COUNTRY,
        "currency": CURRENCY,
        "contentLanguages": CONTENT_LANGUAGES,
        "staff": [_person(user) for user in staff] if is_staff else [],
        "task_types": [],
        "activity_types": [],
        "itemPageSettings": {},
    }


# -- response models -----------------------------------------------------------------------


class Person(BaseModel):
    id: str
    label: str
    mail: str
    value: str
    uuid: str


class Realtime(BaseModel):
    graphqlUrl: str
    subscriptionsUrl: str
    protocols: list[str]


class Config(BaseModel):
    pusherConfig: dict[str, str] | None = Field(description="null: no Pusher bridge.")
    bidServer: str | None = Field(description="The GraphQL WebSocket URL.")
    bidServerAccessToken: str | None = Field(description="null: the bearer token works.")
    realtime: Realtime
    websiteBasePath: str
    accountingCountry: str
    currency: dict[str, str | int]
    contentLanguages: dict[str, str]
    staff: list[Person] = Field(description="Staff only; [] for others.")
    task_types: list[dict[str, Any]]
    activity_types: list[dict[str, Any]]
    itemPageSettings: dict[str, Any]


class Me(BaseModel):
    id: str
    label: str = Field(description="Login name (the e-mail).")
    mail: str
    roles: list[str]
    permissions: list[str]
    picture: str | None
    full_name: str
    sale_context: str | None = Field(description="Last sale worked on, else the latest one.")
    config: Config


class MeEnvelope(BaseModel):
    data: list[Me] = Field(min_length=1, max_length=1)


class MeError(BaseModel):
    """D1.3: this endpoint's own error body."""

    error: str
    message: str


class PusherAuth(BaseModel):
    auth: str = Field(description="<key>:<hex HMAC-SHA256 of socket_id:channel_name>.")


# -- routes --------------------------------------------------------------------------------


async def _principal(request: Request, db: OperationDB) -> Principal | None:
    """The caller, or None for a missing, unknown or expired token."""
    token = bearer_token(request.headers, request.query_params)
    if not token:
        return None
    try:
        principal = await authenticate(db, token, datetime.now(UTC))
    except Unauthenticated:
        return None
    return principal if principal.is_authenticated else None


@router.get(
    "/api/me",
    response_model=MeEnvelope,
    dependencies=TOKEN_SECURITY,
    responses={401: {"model": MeError, "description": "Missing, unknown or expired token."}},
    summary="The current user and the installation configuration",
)
async def me(request: Request, db: OperationDB = Depends(operation_db)) -> Response:
    """D1: ``?access_token=`` or ``Authorization: Bearer`` (D2)."""
    principal = await _principal(request, db)
    if principal is None or principal.user_id is None:
        return json_response(UNAUTHORIZED, 401, {"WWW-Authenticate": "Bearer"})
    (user,) = await users_by_ids(db, principal, [principal.user_id])
    sale_context = user.last_sale_id or await latest_published_sale_id(db)
    staff = await active_staff(db) if principal.is_staff else []
    body = {
        "id": str(user.id),
        "label": user.email,
        "mail": user.email,
        "roles": ROLES[user.role],
        "permissions": PERMISSIONS[user.role],
        "picture": None,
        "full_name": user.full_name or "",
        "sale_context": str(sale_context) if sale_context is not None else None,
        "config": _config(request, staff, principal.is_staff),
    }
    return json_response({"data": [body]})


async def _pusher_auth(request: Request, db: OperationDB) -> Response:
    principal = await _principal(request, db)
    if principal is None or not principal.is_staff:
        raise RestError(403, "Forbidden", "Invalid access token for the Pusher channel.")
    raise RestError(501, "Not Implemented", "No Pusher bridge is configured.")


PUSHER_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": PusherAuth, "description": "With a configured bridge (none yet)."},
    403: {"model": ErrorBody, "description": "Invalid token or not staff."},
    501: {"model": ErrorBody, "description": "No Pusher bridge is configured."},
}


@pusher.get(
    "/pusher_auth",
    responses=PUSHER_RESPONSES,
    summary="Pusher channel authorisation (optional bridge)",
    openapi_extra=parameters(
        query_parameter("socket_id", {"type": "string"}, "The Pusher connection."),
        query_parameter("channel_name", {"type": "string"}, "The private channel to join."),
    ),
)
async def pusher_auth_get(request: Request, db: OperationDB = Depends(operation_db)) -> Response:
    """D2: ``socket_id`` and ``channel_name`` in the query."""
    return await _pusher_auth(request, db)


@pusher.post(
    "/pusher_auth",
    responses=PUSHER_RESPONSES,
    summary="Pusher channel authorisation (optional bridge)",
)
async def pusher_auth_post(request: Request, db: OperationDB = Depends(operation_db)) -> Response:
    """D2: ``socket_id`` and ``channel_name`` as form fields."""
    return await _pusher_auth(request, db)
