"""Field checks shared by the catalogue use cases (sales, items, consignments).

A ``Checks`` collects one ``RuleViolation`` per invalid field, so a use case reports every broken
rule of a request at once (``raise_if_any`` raises ``RuleViolations`` inside the transaction:
nothing is written). Field names are the camelCase input names the clients sent.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.errors import RuleViolation, RuleViolations, UserErrorCode

CENT = Decimal("0.01")
RATE_STEP = Decimal("0.0001")
MONEY_LIMIT = Decimal("10000000000")
"""Amounts are stored as NUMERIC(12, 2): below ten billion."""

# ISO 4217 active codes (the alphabetic list; funds and precious metals left out).
_ISO_4217_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD
    TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
"""
ISO_4217 = frozenset(_ISO_4217_CODES.split())

LOT = re.compile(r"^(\d{1,9})([A-Za-z]{0,3})$")
LOT_LETTER = re.compile(r"^[A-Za-z]{0,3}$")
MAX_LOT_NUMBER = 999_999_999
MAX_INT = 2_147_483_647
"""The largest value of a PostgreSQL ``integer`` column."""


@dataclass(slots=True)
class Checks:
    """Collects violations; ``prefix`` is prepended to each field (``items.3.``)."""

    prefix: str = ""
    violations: list[RuleViolation] = field(default_factory=list)

    def fail(self, name: str | None, code: UserErrorCode, message: str) -> None:
        path = None if name is None else f"{self.prefix}{name}"
        self.violations.append(RuleViolation(code, message, path))

    def failed(self, name: str) -> bool:
        path = f"{self.prefix}{name}"
        return any(violation.field == path for violation in self.violations)

    def required_text(self, name: str, value: str | None) -> None:
        if value is None or not value.strip():
            self.fail(name, UserErrorCode.REQUIRED, f"`{name}` is required.")

    def not_null(self, values: Mapping[str, Any], names: Iterable[str]) -> None:
        """Fields that cannot be cleared: sending null for them is REQUIRED."""
        for name in names:
            if name in values and values[name] is None:
                self.fail(camel(name), UserErrorCode.REQUIRED, f"`{camel(name)}` cannot be null.")

    def money(self, name: str, value: Decimal | None) -> None:
        """A non-negative amount with at most two decimals (null allowed)."""
        if value is None:
            return
        if not value.is_finite() or value < 0:
            self.fail(name, UserErrorCode.INVALID_AMOUNT, f"`{name}` must not be negative.")
        elif value >= MONEY_LIMIT:
            self.fail(name, UserErrorCode.INVALID_AMOUNT, f"`{name}` must be below {MONEY_LIMIT}.")
        elif value != value.quantize(CENT):
            self.fail(
                name, UserErrorCode.INVALID_AMOUNT, f"`{name}` must have at most two decimals."
            )

    def rate(self, name: str, value: Decimal | None) -> None:
        """A fraction from 0 to 1 with at most four decimals (null allowed)."""
        if value is None:
            return
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
            self.fail(name, UserErrorCode.INVALID, f"`{name}` must be between 0 and 1.")
        elif value != value.quantize(RATE_STEP):
            self.fail(name, UserErrorCode.INVALID, f"`{name}` must have at most four decimals.")

    def percentage(self, name: str, value: Decimal | None) -> None:
        """A percentage from 0 to 100 with at most two decimals (null allowed)."""
        if value is None:
            return
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
            self.fail(name, UserErrorCode.INVALID, f"`{name}` must be between 0 and 100.")
        elif value != value.quantize(CENT):
            self.fail(name, UserErrorCode.INVALID, f"`{name}` must have at most two decimals.")

    def currency(self, name: str, value: str) -> None:
        if value not in ISO_4217:
            self.fail(
                name, UserErrorCode.INVALID, f"`{name}` must be an ISO 4217 code such as EUR."
            )

    def non_negative(self, name: str, value: int | None) -> None:
        if value is not None and value < 0:
            self.fail(name, UserErrorCode.INVALID, f"`{name}` must not be negative.")

    def text(self, name: str, value: Any, max_length: int) -> None:
        """Text of at most ``max_length`` characters (null allowed)."""
        if value is None:
            return
        if not isinstance(value, str):
            self.fail(name, UserErrorCode.INVALID, f"`{name}` must be text.")
        elif len(value) > max_length:
            self.fail(
                name, UserErrorCode.INVALID, f"`{name}` must be at most {max_length} characters."
            )

    def whole(self, name: str, value: Any, low: int, high: int) -> None:
        """A whole number from ``low`` to ``high`` (null allowed; a boolean is not a number)."""
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, UserErrorCode.INVALID, f"`{name}` must be a whole number.")
        elif not low <= value <= high:
            self.fail(name, UserErrorCode.INVALID, f"`{name}` must be from {low} to {high}.")

    def flag(self, name: str, value: Any) -> None:
        """True or false (null is the caller's ``not_null`` rule)."""
        if value is not None and not isinstance(value, bool):
            self.fail(name, UserErrorCode.INVALID, f"`{name}` must be true or false.")

    def in_order(
        self, first: str, first_value: datetime | None, last: str, last_value: datetime | None
    ) -> None:
        """``first`` must not come after ``last`` (both set); reported on ``last``."""
        if first_value is not None and last_value is not None and first_value > last_value:
            self.fail(last, UserErrorCode.INVALID, f"`{last}` must not be before `{first}`.")

    def range(
        self, low: str, low_value: Decimal | None, high: str, high_value: Decimal | None
    ) -> None:
        """``low`` <= ``high`` (both set, both valid); reported on ``high``."""
        if low_value is None or high_value is None or self.failed(low) or self.failed(high):
            return
        if low_value > high_value:
            self.fail(high, UserErrorCode.INVALID, f"`{high}` must not be below `{low}`.")

    def lot_number(self, name: str, value: int | None) -> None:
        if value is not None and not 1 <= value <= MAX_LOT_NUMBER:
            self.fail(name, UserErrorCode.INVALID, f"`{name}` must be a positive whole number.")

    def lot_letter(self, name: str, value: str | None) -> None:
        if value is not None and not LOT_LETTER.match(value):
            self.fail(
                name, UserErrorCode.INVALID, f"`{name}` must be up to three letters (A to Z)."
            )

    def increments(self, name: str, rows: Sequence[Mapping[str, Any]] | None) -> None:
        """An increment table: bands ``{from, increment}``, first from 0, rising, increments > 0."""
        if rows is None or not rows:
            return
        starts: list[Decimal] = []
        for row in rows:
            start, step = _decimal(row.get("from")), _decimal(row.get("increment"))
            if start is None or step is None or start < 0 or step <= 0:
                self.fail(
                    name,
                    UserErrorCode.INVALID,
                    f"Each band of `{name}` needs a `from` >= 0 and an `increment` > 0.",
                )
                return
            if start != start.quantize(CENT) or step != step.quantize(CENT):
                self.fail(
                    name, UserErrorCode.INVALID, f"`{name}` amounts have at most two decimals."
                )
                return
            starts.append(start)
        if starts[0] != 0:
            self.fail(name, UserErrorCode.INVALID, f"The first band of `{name}` starts at 0.")
        elif any(later <= earlier for earlier, later in itertools.pairwise(starts)):
            self.fail(name, UserErrorCode.INVALID, f"The bands of `{name}` must rise.")

    def raise_if_any(self) -> None:
        if self.violations:
            raise RuleViolations(list(self.violations))


def parse_lot(value: str) -> tuple[int, str] | None:
    """``"150A"`` → ``(150, "A")``; None when it is not digits followed by up to three letters."""
    match = LOT.match(value.strip())
    if match is None or int(match.group(1)) < 1:
        return None
    return int(match.group(1)), match.group(2).upper()


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool | float):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def camel(name: str) -> str:
    """``estimate_low`` → ``estimateLow`` (the input's field name)."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


NUL = "\x00"
NUL_MESSAGE = "Text cannot contain NUL characters."
"""PostgreSQL's text cannot hold U+0000: input carrying one is refused before any use case."""


def nul_paths(value: Any, path: str = "") -> list[str]:
    """Dotted paths (``address.city``, ``items.2``) of the strings in ``value`` holding a NUL;
    ``""`` for ``value`` itself. Mapping keys are checked too."""
    if isinstance(value, str):
        return [path] if NUL in value else []
    found: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found += [where] if NUL in str(key) else nul_paths(item, where)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += nul_paths(item, f"{path}.{index}" if path else str(index))
    return found
