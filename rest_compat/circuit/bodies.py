"""Reading Circuit request bodies: JSON objects, A12 input formats (ms dates, cents, booleans in
any A12.6 form, ids as strings or integers) and the 400 for a missing required field.

Only formats are read here; every rule about the values is the domain's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson
from fastapi import Request

from domain.fields import NUL_MESSAGE, nul_paths
from rest_compat.errors import RestError
from rest_compat.query import MAX_ID, digits, path_id


class FormatErrors:
    """Collects 422 format problems per field, raised together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            raise RestError(422, first, "Some fields are invalid.", errors=self.errors)


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; 415 for another content type, 400 for anything else, 422
    for text holding a NUL character (which PostgreSQL cannot store)."""
    content_type = request.headers.get("content-type", "application/json")
    if content_type.split(";", 1)[0].strip().lower() not in ("application/json", ""):
        raise RestError(415, "Unsupported Media Type", "Send the body as application/json.")
    raw = await request.body()
    try:
        body = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError as exc:
        raise RestError(400, "Invalid JSON", "The request body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise RestError(400, "Bad Request", "The request body must be a JSON object.")
    refused = nul_paths(body)
    if refused:
        errors = {path: [NUL_MESSAGE] for path in refused}
        raise RestError(422, NUL_MESSAGE, NUL_MESSAGE, errors=errors)
    return body


def required(body: Mapping[str, Any], name: str) -> Any:
    value = body.get(name)
    if value is None or value == "":
        raise RestError(
            400, f"The field '{name}' is required", errors={name: ["This field is required."]}
        )
    return value


def to_bool(value: Any) -> bool | None:
    """A12.6: true/false, 1/0, "1"/"0", "true"/"false"; None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "0", "true", "false"):
        return value.strip().lower() in ("1", "true")
    return None


def to_id(value: Any) -> int | None:
    """An id sent as an integer or a numeric string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    if isinstance(value, str):
        return path_id(value)
    return None


def to_date(value: Any) -> date | None:
    """Epoch milliseconds (A12.1) or an ISO date / date-time string; None if neither."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value / 1000, UTC).date()
        if isinstance(value, str):
            text = value.strip()
            if digits(text.removeprefix("-")):
                return datetime.fromtimestamp(int(text) / 1000, UTC).date()
            return date.fromisoformat(text[:10])
    except (ValueError, OverflowError, OSError):
        return None
    return None


def cents(value: Any) -> Decimal | None:
    """Integer cents (A12.2 ``datatable-*`` bodies) as an amount in currency units."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value) / 100
    if isinstance(value, str) and digits(value.strip().removeprefix("-")):
        return Decimal(int(value.strip())) / 100
    return None


def number(value: Any) -> Decimal | None:
    """A decimal number (or numeric string) in currency units or percent."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def to_moment(value: Any) -> datetime | None:
    """Epoch milliseconds (A12.1) or an ISO date-time string as an aware UTC datetime."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value / 1000, UTC)
        if isinstance(value, str):
            text = value.strip()
            if digits(text.removeprefix("-")):
                return datetime.fromtimestamp(int(text) / 1000, UTC)
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):  # out of range, or not a date at all
        return None
    return None
