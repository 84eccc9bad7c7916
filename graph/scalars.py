"""Custom scalars: money as a two-decimal string, never a float; moments that PostgreSQL can
store."""

from __future__ import annotations

import typing
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import dateutil.parser
import strawberry
from strawberry.types.scalar import ScalarDefinition

from graph.errors import BadUserInputError

CENT = Decimal("0.01")
LARGEST_DIGITS = 18
"""Amounts and measures of 10**18 or more are refused (no column holds them)."""


def _bounded(number: Decimal, value: Any) -> Decimal:
    if not number.is_finite():
        raise BadUserInputError(f"{value!r} is not a finite number")
    if number.adjusted() >= LARGEST_DIGITS:  # no arithmetic: 1e1000000 would overflow
        raise BadUserInputError(f"{value!r} is too large")
    return number


def serialize_money(value: Decimal) -> str:
    """``Decimal('1250.5')`` → ``"1250.50"``."""
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def parse_money(value: Any) -> Decimal:
    """Accept ``"1250.50"`` or a JSON number; reject anything with more than two decimals."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadUserInputError('Decimal must be a string such as "1250.00"')
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise BadUserInputError(f"{value!r} is not a decimal number") from exc
    _bounded(amount, value)
    if amount != amount.quantize(CENT):
        raise BadUserInputError(f"{value!r} has more than two decimals")
    return amount.quantize(CENT)


MONEY = strawberry.scalar(
    name="Decimal",
    description=(
        "An exact decimal amount in the sale's currency, serialized as a string with two "
        'decimals ("1250.00"). Inputs accept a string or a number with at most two decimals.'
    ),
    serialize=serialize_money,
    parse_value=parse_money,
)


def parse_rate(value: Any) -> Decimal:
    """A fraction between 0 and 1 with at most four decimals."""
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise BadUserInputError(f"{value!r} is not a decimal fraction") from exc
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
        raise BadUserInputError('a rate is a fraction between 0 and 1, such as "0.25"')
    if rate != rate.quantize(Decimal("0.0001")):
        raise BadUserInputError(f"{value!r} has more than four decimals")
    return rate


Rate = typing.NewType("Rate", Decimal)
"""A fraction (0.25 = 25 %); its own scalar so it is never confused with money."""

RATE = strawberry.scalar(
    name="Rate",
    description='A fraction as a decimal string, e.g. "0.25" for 25 %.',
    serialize=lambda value: format(Decimal(value).normalize(), "f"),
    parse_value=parse_rate,
)

Measure = typing.NewType("Measure", Decimal)
"""A length in cm or a weight in kg; its own scalar so it is never confused with money."""


def parse_measure(value: Any) -> Decimal:
    """A decimal number with at most two decimals (its sign is the domain's rule)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadUserInputError('a measure is a string such as "30.5"')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise BadUserInputError(f"{value!r} is not a decimal number") from exc
    if _bounded(number, value) != number.quantize(CENT):
        raise BadUserInputError(f"{value!r} is not a number with at most two decimals")
    return number


MEASURE = strawberry.scalar(
    name="Measure",
    description="A length in centimetres or a weight in kilograms as a decimal string with two "
    'decimals ("30.50"). Inputs accept a string or a number with at most two decimals.',
    serialize=serialize_money,
    parse_value=parse_measure,
)


def parse_datetime(value: Any) -> datetime:
    """An ISO 8601 date or date-time as an aware moment (UTC when no offset is given) that
    stays within years 1-9999 in UTC, PostgreSQL's and Python's common range."""
    if not isinstance(value, str):
        raise BadUserInputError(f"{value!r} is not an ISO 8601 date-time")
    try:
        moment: datetime = dateutil.parser.isoparse(value)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise BadUserInputError(f"{value!r} is not an ISO 8601 date-time in years 1-9999") from exc
    return moment


DATETIME = strawberry.scalar(
    name="DateTime",
    description="Date with time (isoformat). Inputs without an offset are UTC.",
    serialize=lambda value: value.isoformat(),
    parse_value=parse_datetime,
)

SCALARS: dict[object, ScalarDefinition] = {
    Decimal: MONEY,
    Rate: RATE,
    Measure: MEASURE,
    datetime: DATETIME,
}
"""``StrawberryConfig.scalar_map``: Python types to their GraphQL scalars."""
