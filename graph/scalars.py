"""Custom scalars: money as a two-decimal string, never a float."""

from __future__ import annotations

import typing
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import strawberry
from strawberry.types.scalar import ScalarDefinition

from graph.errors import BadUserInputError

CENT = Decimal("0.01")


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
    if not amount.is_finite():
        raise BadUserInputError("Decimal must be finite")
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
    if not number.is_finite() or number != number.quantize(CENT):
        raise BadUserInputError(f"{value!r} is not a number with at most two decimals")
    return number


MEASURE = strawberry.scalar(
    name="Measure",
    description="A length in centimetres or a weight in kilograms as a decimal string with two "
    'decimals ("30.50"). Inputs accept a string or a number with at most two decimals.',
    serialize=serialize_money,
    parse_value=parse_measure,
)

SCALARS: dict[object, ScalarDefinition] = {Decimal: MONEY, Rate: RATE, Measure: MEASURE}
"""``StrawberryConfig.scalar_map``: Python types to their GraphQL scalars."""
