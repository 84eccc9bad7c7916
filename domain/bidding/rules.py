"""The auction rules as pure functions over plain values (no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

DEFAULT_TABLE: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal("0"), Decimal("5")),
    (Decimal("100"), Decimal("10")),
    (Decimal("200"), Decimal("20")),
    (Decimal("500"), Decimal("50")),
    (Decimal("1000"), Decimal("100")),
    (Decimal("2000"), Decimal("200")),
    (Decimal("5000"), Decimal("500")),
    (Decimal("10000"), Decimal("1000")),
    (Decimal("20000"), Decimal("2000")),
    (Decimal("50000"), Decimal("5000")),
)


@dataclass(frozen=True, slots=True)
class IncrementBand:
    """From ``start`` (inclusive) upwards, bids rise by ``increment``."""

    start: Decimal
    increment: Decimal


def increment_table(rows: Iterable[Mapping[str, Any]] | None) -> tuple[IncrementBand, ...]:
    """A sale's stored increment rows (``{"from", "increment"}``), or the default table."""
    parsed = [
        IncrementBand(Decimal(str(r["from"])), Decimal(str(r["increment"]))) for r in rows or ()
    ]
    if not parsed:
        parsed = [IncrementBand(start, inc) for start, inc in DEFAULT_TABLE]
    return tuple(sorted(parsed, key=lambda band: band.start))


def increment_for(amount: Decimal, table: Sequence[IncrementBand]) -> Decimal:
    """The increment that applies at ``amount``: the band whose start is the highest <= amount."""
    current = table[0].increment
    for band in table:
        if amount >= band.start:
            current = band.increment
        else:
            break
    return current


def next_minimum(
    current_bid: Decimal | None, starting_price: Decimal, table: Sequence[IncrementBand]
) -> Decimal:
    """Lowest acceptable bid: the starting price first, then current + one increment."""
    if current_bid is None:
        return starting_price
    return current_bid + increment_for(current_bid, table)


def reserve_met(current_bid: Decimal | None, reserve: Decimal | None) -> bool:
    """Whether the price has reached the reserve (a lot without reserve always has)."""
    if reserve is None:
        return True
    return current_bid is not None and current_bid >= reserve
