"""Transport-free errors raised by use cases; each API maps them to its own wire format."""

from __future__ import annotations

import enum


class UserErrorCode(enum.StrEnum):
    """Codes for rules a user can break; shared by GraphQL payloads and REST bodies."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    UNIQUE = "UNIQUE"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ITEM_NOT_OPEN = "ITEM_NOT_OPEN"
    ITEM_CLOSED = "ITEM_CLOSED"
    BELOW_MINIMUM = "BELOW_MINIMUM"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    CLIENT_NOT_APPROVED = "CLIENT_NOT_APPROVED"
    OWN_ITEM = "OWN_ITEM"
    ITEM_ALREADY_OPEN = "ITEM_ALREADY_OPEN"
    NOT_LIVE_SALE = "NOT_LIVE_SALE"
    NO_BUY_NOW = "NO_BUY_NOW"
    HAS_BIDS = "HAS_BIDS"
    BID_RETRACTED = "BID_RETRACTED"
    PROXY_BID = "PROXY_BID"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_TYPE_NOT_ALLOWED = "FILE_TYPE_NOT_ALLOWED"
    UPLOADS_DISABLED = "UPLOADS_DISABLED"
    LOTS_LOCKED = "LOTS_LOCKED"
    HAS_ORDERS = "HAS_ORDERS"
    HAS_ITEMS = "HAS_ITEMS"
    ITEM_SOLD = "ITEM_SOLD"
    ONLY_DEFAULT_ADDRESS = "ONLY_DEFAULT_ADDRESS"
    MERGE_BLOCKED = "MERGE_BLOCKED"
    CLIENT_DELETED = "CLIENT_DELETED"
    SALE_NOT_CLOSED = "SALE_NOT_CLOSED"
    ITEM_NOT_ELIGIBLE = "ITEM_NOT_ELIGIBLE"
    ALREADY_INVOICED = "ALREADY_INVOICED"
    ALREADY_CREDITED = "ALREADY_CREDITED"
    INVALID_STATUS_TRANSITION = "INVALID_STATUS_TRANSITION"
    ORDER_LOCKED = "ORDER_LOCKED"
    ORDER_CANCELED = "ORDER_CANCELED"
    OVERPAYMENT = "OVERPAYMENT"
    REFUND_EXCEEDS_PAID = "REFUND_EXCEEDS_PAID"
    CONFLICT = "CONFLICT"
    """Another operation on the same records is running (REST 409); try again."""
    IN_USE = "IN_USE"


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class Unauthenticated(DomainError):
    """No valid credentials."""


class Forbidden(DomainError):
    """Authenticated, but not allowed."""


class NotFound(DomainError):
    """The entity does not exist or the caller may not see it."""


class RuleViolation(DomainError):
    """A rule the user broke: reported in the payload's ``errors``, never as a GraphQL error."""

    def __init__(self, code: UserErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class RuleViolations(DomainError):
    """Several rules broken at once (one per input field, say); the use case changed nothing.

    Raised inside the use case's transaction so that it rolls back; adapters report every
    violation (GraphQL payload ``errors``, REST 422 ``errors`` per field).
    """

    def __init__(self, violations: list[RuleViolation]) -> None:
        super().__init__("; ".join(violation.message for violation in violations))
        self.violations = violations


def violations_of(error: RuleViolation | RuleViolations) -> list[RuleViolation]:
    """The violations an error carries, one or many."""
    return error.violations if isinstance(error, RuleViolations) else [error]
