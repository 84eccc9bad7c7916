"""GraphQL errors with ``extensions.code``, and the mapping from domain errors.

These are the only errors that reach clients as they are; anything else is masked.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.relay import GlobalIDValueError

from db.queries.listing import ListError
from domain.errors import DomainError, Forbidden, NotFound, Unauthenticated


class GavelError(Exception):
    """Base of the coded errors a client may see."""

    code = "INTERNAL"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.extensions = {"code": self.code, **extensions}


class UnauthenticatedError(GavelError):
    code = "UNAUTHENTICATED"


class ForbiddenError(GavelError):
    code = "FORBIDDEN"


class NotFoundError(GavelError):
    code = "NOT_FOUND"


class BadUserInputError(GavelError):
    code = "BAD_USER_INPUT"


class RateLimitedError(GavelError):
    code = "RATE_LIMITED"


def from_domain(error: DomainError) -> GavelError:
    """Map a transport-free domain error to its GraphQL error."""
    if isinstance(error, Unauthenticated):
        return UnauthenticatedError(str(error))
    if isinstance(error, Forbidden):
        return ForbiddenError(str(error))
    if isinstance(error, NotFound):
        return NotFoundError(str(error))
    return BadUserInputError(str(error))


def bad_list_arguments(error: ListError) -> BadUserInputError:
    return BadUserInputError(str(error), field=error.field)


def should_mask_error(error: GraphQLError) -> bool:
    """Mask everything but Gavel's coded errors and GraphQL's own validation errors."""
    original = error.original_error
    if original is None:
        return False  # parse/validation errors carry no Python exception and leak nothing
    if isinstance(original, GraphQLError):
        return should_mask_error(original)
    return not isinstance(original, GavelError | GlobalIDValueError)
