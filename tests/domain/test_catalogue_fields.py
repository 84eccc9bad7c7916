"""The field checks the catalogue use cases share (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import RuleViolations, UserErrorCode
from domain.fields import Checks, parse_lot


def _codes(checks: Checks) -> list[tuple[str | None, UserErrorCode]]:
    return [(violation.field, violation.code) for violation in checks.violations]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("0"), []),
        (Decimal("12.50"), []),
        (Decimal("12.505"), [("items.2.price", UserErrorCode.INVALID_AMOUNT)]),
        (Decimal("-0.01"), [("items.2.price", UserErrorCode.INVALID_AMOUNT)]),
        (None, []),
    ],
)
def test_money_is_non_negative_with_cents(amount: Decimal | None, expected: list[Any]) -> None:
    checks = Checks(prefix="items.2.")

    checks.money("price", amount)

    assert _codes(checks) == expected


@pytest.mark.parametrize(
    ("rate", "valid"),
    [
        (Decimal("0"), True),
        (Decimal("1"), True),
        (Decimal("0.1234"), True),
        (Decimal("1.01"), False),
        (Decimal("-0.1"), False),
        (Decimal("0.12345"), False),
    ],
)
def test_rates_are_fractions_with_four_decimals(rate: Decimal, valid: bool) -> None:
    checks = Checks()

    checks.rate("taxRate", rate)

    assert (checks.violations == []) is valid


@pytest.mark.parametrize(
    ("code", "valid"), [("EUR", True), ("USD", True), ("eur", False), ("XYZ", False)]
)
def test_currencies_are_iso_4217(code: str, valid: bool) -> None:
    checks = Checks()

    checks.currency("currency", code)

    assert (checks.violations == []) is valid


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"from": "0", "increment": "5"}, {"from": "100", "increment": "10"}], None),
        ([{"from": "10", "increment": "5"}], "The first band of `increments` starts at 0."),
        (
            [{"from": "0", "increment": "5"}, {"from": "0", "increment": "10"}],
            "The bands of `increments` must rise.",
        ),
        (
            [{"from": "0", "increment": "0"}],
            "Each band of `increments` needs a `from` >= 0 and an `increment` > 0.",
        ),
        ([{"from": "0", "increment": "0.001"}], "`increments` amounts have at most two decimals."),
        ([{"from": "0"}], "Each band of `increments` needs a `from` >= 0 and an `increment` > 0."),
    ],
)
def test_increment_tables_are_well_formed(rows: list[dict[str, str]], message: str | None) -> None:
    checks = Checks()

    checks.increments("increments", rows)

    assert [violation.message for violation in checks.violations] == ([message] if message else [])


def test_dates_out_of_order_are_reported_on_the_later_field() -> None:
    checks = Checks()
    start, end = datetime(2026, 6, 2, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)

    checks.in_order("startsAt", start, "endsAt", end)

    assert _codes(checks) == [("endsAt", UserErrorCode.INVALID)]


def test_every_violation_is_raised_at_once() -> None:
    checks = Checks()
    checks.required_text("title", "")
    checks.money("estimateLow", Decimal("-1"))

    with pytest.raises(RuleViolations) as raised:
        checks.raise_if_any()

    assert [violation.field for violation in raised.value.violations] == ["title", "estimateLow"]


@pytest.mark.parametrize(
    ("text", "lot"),
    [
        ("150", (150, "")),
        ("150a", (150, "A")),
        (" 7BC ", (7, "BC")),
        ("A12", None),
        ("0", None),
        ("12ABCD", None),
        ("", None),
    ],
)
def test_lots_are_digits_then_letters(text: str, lot: tuple[int, str] | None) -> None:
    assert parse_lot(text) == lot
