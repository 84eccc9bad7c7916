"""A9 envelopes and A12 wire types shared by every Circuit resource.

Ids are strings, money is a decimal string with two decimals, date-times are ISO 8601 UTC with
``Z`` and whole seconds, references are ``{id, label}`` and enums ``{id, value, label}`` (D8).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import orjson
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from rest_compat.query import ListParams

_CENT = Decimal("0.01")
M = TypeVar("M", bound=BaseModel)


def rest_id(value: int | None) -> str | None:
    return None if value is None else str(value)


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(Decimal(amount).quantize(_CENT))


def formatted_money(amount: Decimal) -> dict[str, str]:
    """``{value, formatted}`` (A12.2); no currency symbol until the installation has one."""
    value = Decimal(amount).quantize(_CENT)
    return {"value": str(value), "formatted": f"{value:,.2f}"}


def ref(entity_id: int | str | None, label: str | None) -> dict[str, str] | None:
    if entity_id is None:
        return None
    return {"id": str(entity_id), "label": label or ""}


def enum_value(value: str, label: str | None = None) -> dict[str, str]:
    """``{id, value, label}``: both machine-name members, for both client families (D8)."""
    return {"id": value, "value": value, "label": label or value.replace("_", " ").capitalize()}


def json_response(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type="application/json",
        headers=dict(headers or {}),
    )


def select(row: Mapping[str, Any], fields: Sequence[str] | None) -> dict[str, Any]:
    """The row limited to ``fields`` (A6), in representation order."""
    if fields is None:
        return dict(row)
    return {name: row[name] for name in fields if name in row}


def single(row: Mapping[str, Any], status: int = 200, location: str | None = None) -> Response:
    """``{"data": [obj]}`` (A9)."""
    headers = {"Location": location} if location else None
    return json_response({"data": [row]}, status, headers)


def listing(
    request: Request,
    rows: Sequence[Mapping[str, Any]],
    count: int,
    params: ListParams,
    next_query: Sequence[tuple[str, str]] | None = None,
) -> Response:
    """``{"data", "count", "self", "next"?}`` (A9); ``count`` is before pagination.

    The links repeat the query (``next_query`` for the next link, when given) without
    ``access_token``: a link must not carry a secret.
    """
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "access_token"]
    onward = [(k, v) for k, v in (next_query or pairs) if k != "access_token"]

    path = language_prefix(request) + request.url.path

    def link(query: list[tuple[str, str]]) -> str:
        return str(request.url.replace(path=path, query=urlencode(query) if query else None))

    body: dict[str, Any] = {
        "data": [select(row, params.fields) for row in rows],
        "count": count,
        "self": {"title": "Self", "href": link(pairs)},
    }
    if params.offset + params.size < count:
        following = [(k, v) for k, v in onward if k != "page"] + [("page", str(params.page + 1))]
        body["next"] = {"title": "Next", "href": link(following)}
    return json_response(body)


LANGUAGE_PREFIX = "gavel.language_prefix"
"""Scope key holding ``/en`` when a request came in as ``/en/api/v1.0/…`` (A1)."""


def language_prefix(request: Request) -> str:
    """``/en`` for a request made under a language prefix, else ``""``."""
    return str(request.scope.get(LANGUAGE_PREFIX, ""))


def absolute(request: Request, path: str) -> str:
    """An absolute URL of ``path``; resource paths keep the request's language prefix (A1)."""
    if path.startswith("/api/v1.0/"):
        path = language_prefix(request) + path
    return f"{str(request.base_url).rstrip('/')}{path}"


# -- response models (OpenAPI) ---------------------------------------------------------------


class Ref(BaseModel):
    """A related entity (A12.4)."""

    id: str = Field(examples=["456"])
    label: str = Field(examples=["Summer Auction 2025"])


class EnumValue(BaseModel):
    """An enumeration value (A12.5, Decision D8): ``id`` and ``value`` are the machine name."""

    id: str = Field(examples=["approved"])
    value: str = Field(examples=["approved"])
    label: str = Field(examples=["Approved"])


class FormattedMoney(BaseModel):
    """An amount with its display form (A12.2)."""

    value: str = Field(description="Decimal string, two decimals.", examples=["1250.50"])
    formatted: str = Field(examples=["1,250.50"])


class Link(BaseModel):
    title: str
    href: str


class ListEnvelope(BaseModel, Generic[M]):
    """A9 list envelope; ``count`` is the number of matching rows before pagination."""

    data: list[M]
    count: int
    self_: Link | None = Field(default=None, alias="self")
    next: Link | None = None


class SingleEnvelope(BaseModel, Generic[M]):
    """A9 single-entity envelope: an array holding exactly one object."""

    data: list[M] = Field(min_length=1, max_length=1)


class ErrorBody(BaseModel):
    """A10 error body."""

    type: str
    title: str
    status: int
    detail: str | None = None
    errors: dict[str, list[str]] | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "Malformed request (query syntax, JSON, missing required field)."),
        (401, "No, unknown or invalid credentials."),
        (403, "Token expired, or the role may not do this."),
    )
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The A10 error responses of an endpoint, for its OpenAPI entry."""
    described = {
        404: "Unknown id in the path.",
        409: "Concurrent modification.",
        422: "Well-formed but invalid data, or a broken business rule.",
        429: "Too many requests (A11): `retry_after` says when to try again.",
    }
    result = dict(ERRORS)
    for status in statuses:
        result[status] = {"model": ErrorBody, "description": described.get(status, "Error.")}
    return result


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting a JSON body that the route reads itself (so that format
    errors get the A10 body rather than FastAPI's)."""
    schema = model.model_json_schema()
    return {"requestBody": {"content": {"application/json": {"schema": schema}}}}


Flag = bool | int | str
"""A12.6: true/false, 1/0, "1"/"0", "true"/"false"."""
Millis = int | str
"""A12.1: epoch milliseconds (or an ISO date string)."""
Cents = int | str
"""A12.2: integer cents."""
Id = int | str
"""A12.3: an id as an integer or a numeric string."""
