"""What the create/update/delete adapters share: sent fields, error mapping, the error policy.

Update inputs default every field to ``strawberry.UNSET``; ``sent_fields`` keeps only the fields
the client sent (null included: it clears the field), so the domain changes only those.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Awaitable, Mapping
from typing import Any, TypeVar

import strawberry

from domain import bulk, errors
from domain.fields import camel
from graph.errors import from_domain
from graph.filtering import decode_id, decode_ids
from graph.payloads import UserError, user_errors

T = TypeVar("T")


@strawberry.enum(
    description="What a bulk mutation does with rows that break a rule (Saleor's policies)."
)
class ErrorPolicy(enum.Enum):
    REJECT_EVERYTHING = strawberry.enum_value(
        bulk.ErrorPolicy.REJECT_EVERYTHING.value,
        description="Reject all rows if there is at least one error in any of them.",
    )
    REJECT_FAILED_ROWS = strawberry.enum_value(
        bulk.ErrorPolicy.REJECT_FAILED_ROWS.value, description="Reject rows with errors."
    )
    IGNORE_FAILED = strawberry.enum_value(
        bulk.ErrorPolicy.IGNORE_FAILED.value,
        description="Save what is possible within a single row. If there are errors in an input "
        "data row, try to save it partially and skip the invalid part (the skipped fields are "
        "still reported in the row's errors).",
    )

    @property
    def domain(self) -> bulk.ErrorPolicy:
        return bulk.ErrorPolicy[self.name]


def sent_fields(
    input: object, ids: Mapping[str, str] | None = None, skip: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The input's fields the client sent (snake_case); ``ids`` decodes global IDs by type."""
    values: dict[str, Any] = {}
    for item in dataclasses.fields(input):  # type: ignore[arg-type]
        value = getattr(input, item.name)
        if value is strawberry.UNSET or item.name in skip:
            continue
        if ids and item.name in ids and value is not None:
            kind, field = ids[item.name], camel(item.name)
            value = (
                decode_ids(value, kind, field)
                if isinstance(value, list)
                else decode_id(value, kind, field)
            )
        values[item.name] = value
    return values


async def attempt(call: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Run a use case: its result, or the rules it refused; coded errors for the rest."""
    try:
        return await call, []
    except (errors.RuleViolation, errors.RuleViolations) as refused:
        return None, user_errors(errors.violations_of(refused))
    except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
        raise from_domain(exc) from exc
