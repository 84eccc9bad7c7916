"""The REST error body (rest-api.md A10) and the mapping from domain errors to it.

Every 4xx/5xx of ``/api/…`` is ``{"type", "title", "status", "detail"?, "errors"?}``; this
module and ``graph/errors.py`` are the only two places that translate ``DomainError``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import orjson
from fastapi import Request
from fastapi.responses import Response

from domain.auth import TokenExpired, TooManyFailedLogins
from domain.errors import (
    DomainError,
    Forbidden,
    NotFound,
    RuleViolation,
    RuleViolations,
    Unauthenticated,
    UserErrorCode,
    violations_of,
)

_RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
ERROR_TYPES = {
    400: f"{_RFC2616}#sec10.4.1",
    401: f"{_RFC2616}#sec10.4.2",
    403: f"{_RFC2616}#sec10.4.4",
    404: f"{_RFC2616}#sec10.4.5",
    405: f"{_RFC2616}#sec10.4.6",
    409: f"{_RFC2616}#sec10.4.10",
    413: f"{_RFC2616}#sec10.4.14",
    415: f"{_RFC2616}#sec10.4.16",
    422: "https://tools.ietf.org/html/rfc4918#section-11.2",
    429: "https://tools.ietf.org/html/rfc6585#section-4",
    500: f"{_RFC2616}#sec10.5.1",
    501: f"{_RFC2616}#sec10.5.2",
    503: f"{_RFC2616}#sec10.5.4",
}
DEFAULT_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Resource not found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Rate limit exceeded",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}
STATUS_BY_CODE = {
    UserErrorCode.FILE_TOO_LARGE: 413,
    UserErrorCode.FILE_TYPE_NOT_ALLOWED: 415,
    UserErrorCode.UPLOADS_DISABLED: 501,
    UserErrorCode.CONFLICT: 409,
}
"""Rule violations answered with their own status; every other one is 422."""

ACCESS_DENIED = "You do not have permission to perform this action"


class RestError(Exception):
    """An error response with the A10 body; raise it from REST routes and dependencies."""

    def __init__(
        self,
        status: int,
        title: str | None = None,
        detail: str | None = None,
        *,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(detail or title or str(status))
        self.status = status
        self.title = title or DEFAULT_TITLES.get(status, "Error")
        self.detail = detail
        self.errors = dict(errors) if errors else None
        self.headers = dict(headers or {})
        self.retry_after = retry_after
        if retry_after is not None:
            self.headers["Retry-After"] = str(retry_after)

    def response(self) -> Response:
        body: dict[str, object] = {
            "type": ERROR_TYPES.get(self.status, ERROR_TYPES[500]),
            "title": self.title,
            "status": self.status,
        }
        if self.detail is not None:
            body["detail"] = self.detail
        if self.errors:
            body["errors"] = self.errors
        if self.retry_after is not None:
            body["retry_after"] = self.retry_after
        return Response(
            orjson.dumps(body),
            status_code=self.status,
            media_type="application/json",
            headers=self.headers,
        )


TOO_MANY_REQUESTS = "Too many requests. Please try again later."


def rate_limited(retry_after: int, headers: Mapping[str, str] | None = None) -> RestError:
    """The A11 429: ``retry_after`` in the body and as ``Retry-After``."""
    return RestError(
        429, "Rate limit exceeded", TOO_MANY_REQUESTS, headers=headers, retry_after=retry_after
    )


def unauthenticated(detail: str) -> RestError:
    return RestError(401, "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def rest_field(path: str, renames: Mapping[str, str]) -> str:
    """A domain field path (``address.postalCode``, ``clientIds``) in REST names
    (``address.postal_code``, ``clients``): each segment renamed, else snake_cased."""
    parts = []
    for segment in path.split("."):
        name, bracket, rest = segment.partition("[")
        name = renames.get(name, _CAMEL.sub(r"_\1", name).lower())
        parts.append(name + bracket + rest)
    return ".".join(parts)


def from_domain(error: DomainError, renames: Mapping[str, str] | None = None) -> RestError:
    """The REST error for a domain error (A2.3 for auth, A10.2 for the rest).

    ``renames`` maps the domain's input names to the endpoint's field names for ``errors``.
    """
    if isinstance(error, TokenExpired):
        return RestError(403, "Forbidden", str(error))
    if isinstance(error, TooManyFailedLogins):
        return rate_limited(error.retry_after)
    if isinstance(error, Unauthenticated):
        return unauthenticated(str(error))
    if isinstance(error, Forbidden):
        return RestError(403, "Access denied", ACCESS_DENIED)
    if isinstance(error, NotFound):
        return RestError(404, "Resource not found", str(error))
    if isinstance(error, RuleViolation | RuleViolations):
        violations = violations_of(error)
        status = STATUS_BY_CODE.get(violations[0].code, 422)
        by_field: dict[str, list[str]] = {}
        for violation in violations:
            where = rest_field(violation.field, renames or {}) if violation.field else "_request"
            by_field.setdefault(where, []).append(violation.message)
        return RestError(status, violations[0].message, str(error), errors=by_field)
    return RestError(500, "Internal Server Error")


async def rest_error_handler(request: Request, exc: Exception) -> Response:
    """FastAPI exception handler for ``RestError``."""
    assert isinstance(exc, RestError)
    return exc.response()


async def domain_error_handler(request: Request, exc: Exception) -> Response:
    """FastAPI exception handler for a ``DomainError`` a REST route let through."""
    assert isinstance(exc, DomainError)
    return from_domain(exc).response()


def not_found(entity: str, entity_id: object) -> RestError:
    """404 for the entity a path names (A10.2: ``<Entity> with ID <id> does not exist``)."""
    return RestError(404, "Resource not found", f"{entity} with ID {entity_id} does not exist")
