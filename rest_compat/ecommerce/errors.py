"""The e-commerce API's error body (rest-api.md C1.4): ``{result: false, message, errors?, code?}``.

Its endpoints answer with this shape, not the Circuit A10 body, so they raise ``AuctionError``
(handled by ``auction_error_handler``) and turn domain errors into it with ``from_domain``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import orjson
from fastapi import Request
from fastapi.responses import Response

from domain.errors import (
    DomainError,
    Forbidden,
    NotFound,
    RuleViolation,
    Unauthenticated,
    UserErrorCode,
)

NOT_FOUND = "Auction product not found."
NOT_APPROVED = "Your account is not approved for bidding."
UNAUTHENTICATED = "Unauthenticated."


class AuctionError(Exception):
    """An e-commerce error response."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.errors = errors

    def body(self) -> dict[str, object]:
        body: dict[str, object] = {"result": False, "message": self.message}
        if self.errors:
            body["errors"] = dict(self.errors)
        if self.code is not None:
            body["code"] = self.code
        return body


def invalid(errors: Mapping[str, list[str]]) -> AuctionError:
    """422 for input that fails validation (Laravel style: field -> messages)."""
    first = next(iter(errors.values()))[0]
    return AuctionError(422, first, errors=errors)


def from_violations(violations: Sequence[RuleViolation]) -> AuctionError:
    """The first broken auction rule: 403 for an unapproved bidder, else 422 with its code."""
    first = violations[0]
    if first.code is UserErrorCode.CLIENT_NOT_APPROVED:
        return AuctionError(403, NOT_APPROVED)
    return AuctionError(422, first.message, code=first.code.value)


def from_domain(error: DomainError) -> AuctionError:
    """Map a domain error raised by a use case to its C1.4 status and message."""
    if isinstance(error, Unauthenticated):
        return AuctionError(401, UNAUTHENTICATED)
    if isinstance(error, Forbidden):
        return AuctionError(403, NOT_APPROVED)
    if isinstance(error, NotFound):
        return AuctionError(404, NOT_FOUND)
    if isinstance(error, RuleViolation):
        return from_violations([error])
    return AuctionError(422, str(error))


async def auction_error_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AuctionError)
    return Response(orjson.dumps(exc.body()), status_code=exc.status, media_type="application/json")
