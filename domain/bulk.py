"""Bulk operations: the caller's error policy and a result per input row.

The policies are Saleor's ``ErrorPolicyEnum``, with the same meaning:

- ``REJECT_EVERYTHING``: reject all rows if there is at least one error in any of them (nothing
  is written; every row comes back with its errors, if any, and no object).
- ``REJECT_FAILED_ROWS``: reject rows with errors; the other rows are written.
- ``IGNORE_FAILED``: save what is possible within a single row: the invalid fields of a row are
  skipped and its valid fields written. The skipped fields are still reported in the row's
  errors (as Saleor does), so the caller knows what did not change.

Each row's errors carry a path into the input (``items.3.estimateLow``) in ``field``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from domain.errors import RuleViolation

T = TypeVar("T")

MAX_ROWS = 1000
"""Most rows one bulk request may carry (REST B5.3 Proposal limit)."""


class ErrorPolicy(enum.StrEnum):
    REJECT_EVERYTHING = "reject_everything"
    REJECT_FAILED_ROWS = "reject_failed_rows"
    IGNORE_FAILED = "ignore_failed"


@dataclass(slots=True)
class RowResult(Generic[T]):
    """One input row: its position, the object written (or None), and what failed."""

    index: int
    object: T | None = None
    errors: list[RuleViolation] = field(default_factory=list)


@dataclass(slots=True)
class BulkResult(Generic[T]):
    """Every row's result, in input order, and how many rows were written."""

    rows: list[RowResult[T]]
    count: int = 0

    @property
    def errors(self) -> list[RuleViolation]:
        return [error for row in self.rows for error in row.errors]

    @property
    def status(self) -> str:
        """``success`` (no error), ``warning`` (some rows or fields failed) or ``error``."""
        if not self.errors:
            return "success"
        return "warning" if self.count else "error"


def row_path(collection: str, index: int) -> str:
    """The path prefix of a row's fields: ``items.3.``."""
    return f"{collection}.{index}."
