"""What every mutation payload shares: ``errors: [UserError!]!`` for rules a user broke.

Rules live in ``domain/`` and are raised as ``RuleViolation``; this module is the one place that
turns them into payload errors. Authentication and permission failures are GraphQL errors
instead (``graph/errors.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

import strawberry

from domain import errors

strawberry.enum(
    errors.UserErrorCode,
    description=(
        "Why a mutation was refused: INVALID, REQUIRED, NOT_FOUND, UNIQUE, INVALID_CREDENTIALS, "
        "or an auction rule (ITEM_NOT_OPEN, ITEM_CLOSED, BELOW_MINIMUM, …)."
    ),
)
UserErrorCode: TypeAlias = errors.UserErrorCode


@strawberry.type(description="A rule the request broke; the mutation changed nothing.")
class UserError:
    field: str | None = strawberry.field(
        default=None,
        description="The input field at fault (camelCase, as in the input), or null for the "
        "request as a whole.",
    )
    code: UserErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")

    @classmethod
    def from_violation(cls, violation: errors.RuleViolation) -> UserError:
        return cls(field=violation.field, code=violation.code, message=violation.message)


def user_errors(violations: Iterable[errors.RuleViolation]) -> list[UserError]:
    """Payload errors for the given rule violations, in order."""
    return [UserError.from_violation(violation) for violation in violations]
