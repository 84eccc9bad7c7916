"""Order money, as pure functions over Decimals: line amounts, commissions, charges, totals.

Every amount is rounded half-up to cents **once, at line level** (premium, tax, commission,
charge); order totals are then exact sums of their lines, so a printed invoice always adds up.

One formula gives every line's total, whatever its kind::

    total = hammer_price + premium + amount + tax - commission

- a **bidder** line: hammer price, buyer's premium = hammer x the sale's premium rate, tax =
  premium x the sale's tax rate (tax is charged on the premium, the house's service, not on the
  hammer price);
- a **consignor** line: hammer price less the consignor's commission (no premium, no tax);
- a **charge** line: ``amount`` and its ``tax`` (both amounts, as the charge rows carry them); on
  a consignor settlement a charge is a *deduction*, so its amount and tax are stored negative;
- a **credit-note** line: the credited line with every amount negated, so a credit note's grand
  total is negative (what the house gives back).

Commission tiers (``consignor_commissions`` of a client, ``commission_steps`` of a consignment,
which override the client's when present) are read by ``client_tiers`` / ``consignment_tiers``
and applied by ``commission`` according to the step type:

- ``percentage`` and ``fixed`` are **threshold** schedules: the highest tier the hammer price
  reaches applies to the whole price (its rate x hammer, or its fixed amount). They suit one
  flat rate or one flat fee, which is what those names promise.
- ``tiered`` (the default when the type is missing, and always for a client's own tiers) is a
  **marginal** schedule, like a buyer's premium or income-tax schedule: each tier's rate applies
  only to the part of the hammer price inside its band ``[from, next from)``; a tier given as an
  amount adds that fee once the price reaches its band. Marginal bands are continuous: selling
  a lot for more never leaves the consignor with less, whereas a threshold schedule does (at
  10 % below 1000 and 15 % from 1000, a lot sold at 999 nets 899.10 but one sold at 1000 nets
  only 850.00; marginally, 1000 nets 900.00). That is why "tiered", which names a schedule of
  several rates, means marginal bands.

A commission never exceeds the hammer price (a settlement line never goes negative) and is never
below zero.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def to_cents(value: Decimal) -> Decimal:
    """``value`` rounded half-up to cents (``2.675`` → ``2.68``, ``-2.675`` → ``-2.68``)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# -- commission tiers ----------------------------------------------------------------------


class StepType(enum.StrEnum):
    """How commission tiers apply (``commission_step_type``)."""

    PERCENTAGE = "percentage"
    FIXED = "fixed"
    TIERED = "tiered"


def step_type(value: str | None) -> StepType:
    """The step type a stored value names; missing or unknown values mean ``tiered``."""
    try:
        return StepType((value or "").strip().lower())
    except ValueError:
        return StepType.TIERED


@dataclass(frozen=True, slots=True)
class CommissionTier:
    """From ``start`` (inclusive) upwards: ``rate`` (a fraction, 0.15) or a fixed ``amount``."""

    start: Decimal
    rate: Decimal | None = None
    amount: Decimal | None = None


def decimal_or_none(value: Any) -> Decimal | None:
    """A finite Decimal from a stored JSON value (string or number), else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _percent(value: Any) -> Decimal | None:
    """``"15%"``, ``"15.00"`` or ``15`` → ``0.15``."""
    text = str(value).strip().removesuffix("%") if value is not None else None
    number = decimal_or_none(text)
    return number / HUNDRED if number is not None else None


def _tier(row: Mapping[str, Any], *, step_from_in_cents: bool) -> CommissionTier | None:
    if "from" in row:
        start = decimal_or_none(row["from"])
    else:
        start = decimal_or_none(row.get("step_from", 0))
        if start is not None and step_from_in_cents:
            start = start / HUNDRED
    rate, amount = decimal_or_none(row.get("rate")), decimal_or_none(row.get("amount"))
    commission = row.get("consignor_commission")
    if isinstance(commission, str) and commission.strip().endswith("%"):
        rate = _percent(commission)
    elif commission is not None:
        if step_from_in_cents:
            amount = decimal_or_none(commission)  # consignment rows: "50" is an amount
        else:
            rate = _percent(commission)  # client rows: "15.00" is a percentage
    if start is None or (rate is None and amount is None):
        return None
    return CommissionTier(start=start, rate=rate, amount=amount)


def _sorted(tiers: Iterable[CommissionTier | None]) -> list[CommissionTier]:
    return sorted((tier for tier in tiers if tier is not None), key=lambda tier: tier.start)


def consignment_tiers(rows: Iterable[Mapping[str, Any]] | None) -> list[CommissionTier]:
    """A consignment's readable tiers, lowest first; unreadable rows are skipped.

    Rows are ``{"from", "rate"|"amount"}`` or the REST shape ``{"step_from": cents,
    "consignor_commission": "15%" (a percentage) | "50" (an amount)}``.
    """
    return _sorted(_tier(row, step_from_in_cents=True) for row in rows or ())


def client_tiers(rows: Iterable[Mapping[str, Any]] | None) -> list[CommissionTier]:
    """A client's ``consignor_commissions`` tiers, lowest first.

    Rows are ``{"from", "rate"|"amount"}`` or the REST shape ``{"step_from": "0.00" (currency
    units), "consignor_commission": "15.00" (a percentage, with or without "%")}``.
    """
    return _sorted(_tier(row, step_from_in_cents=False) for row in rows or ())


def commission(hammer: Decimal, tiers: list[CommissionTier], kind: StepType) -> Decimal:
    """The consignor's commission on ``hammer``, in cents, between 0 and the hammer price."""
    reached = [tier for tier in tiers if hammer >= tier.start]
    if not reached:
        return ZERO
    if kind is StepType.TIERED:
        raw = Decimal(0)
        for index, tier in enumerate(tiers):
            if hammer < tier.start:
                break
            if tier.rate is not None:
                end = tiers[index + 1].start if index + 1 < len(tiers) else None
                top = hammer if end is None else min(hammer, end)
                raw += (top - tier.start) * tier.rate
            else:
                raw += tier.amount or Decimal(0)
    else:
        tier = reached[-1]
        raw = hammer * tier.rate if tier.rate is not None else tier.amount or Decimal(0)
    return min(max(to_cents(raw), ZERO), to_cents(hammer))


# -- lines and totals ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineAmounts:
    """The money columns of one order line; ``total`` always follows the one formula."""

    hammer_price: Decimal = ZERO
    premium: Decimal = ZERO
    commission: Decimal = ZERO
    tax: Decimal = ZERO
    amount: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.hammer_price + self.premium + self.amount + self.tax - self.commission

    def negated(self) -> LineAmounts:
        return LineAmounts(
            hammer_price=-self.hammer_price,
            premium=-self.premium,
            commission=-self.commission,
            tax=-self.tax,
            amount=-self.amount,
        )


def bidder_line(hammer: Decimal, premium_rate: Decimal, tax_rate: Decimal) -> LineAmounts:
    """A lot on a buyer's invoice: hammer, premium at the sale's rate, tax on the premium."""
    hammer = to_cents(hammer)
    premium = to_cents(hammer * premium_rate)
    return LineAmounts(hammer_price=hammer, premium=premium, tax=to_cents(premium * tax_rate))


def consignor_line(hammer: Decimal, tiers: list[CommissionTier], kind: StepType) -> LineAmounts:
    """A lot on a consignor's settlement: hammer price less the commission."""
    hammer = to_cents(hammer)
    return LineAmounts(hammer_price=hammer, commission=commission(hammer, tiers, kind))


def charge_line(amount: Decimal, tax: Decimal, *, deduction: bool = False) -> LineAmounts:
    """An additional charge; a ``deduction`` (on a consignor settlement) is stored negative."""
    line = LineAmounts(amount=to_cents(amount), tax=to_cents(tax))
    return line.negated() if deduction else line


def credit_line(line: LineAmounts) -> LineAmounts:
    """The line of a credit note that reverses ``line``."""
    return line.negated()


@dataclass(frozen=True, slots=True)
class OrderTotals:
    """An order's totals: exact sums of its lines."""

    subtotal: Decimal = ZERO
    buyers_premium: Decimal = ZERO
    tax: Decimal = ZERO
    charges: Decimal = ZERO
    grand_total: Decimal = ZERO


def order_totals(lines: Iterable[LineAmounts]) -> OrderTotals:
    """Subtotal (hammer prices), premium, tax, charges (amounts) and grand total of ``lines``."""
    rows = list(lines)
    return OrderTotals(
        subtotal=sum((line.hammer_price for line in rows), ZERO),
        buyers_premium=sum((line.premium for line in rows), ZERO),
        tax=sum((line.tax for line in rows), ZERO),
        charges=sum((line.amount for line in rows), ZERO),
        grand_total=sum((line.total for line in rows), ZERO),
    )


# -- charge rows ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Charge:
    """One additional-charge row (shipping, handling, …): an amount and the tax on it."""

    term: str
    amount: Decimal
    tax: Decimal = ZERO
    description: str = ""


def stored_charges(rows: Iterable[Mapping[str, Any]] | None) -> list[Charge]:
    """The readable charge rows of a JSONB ``additional_charges`` column (others skipped).

    ``term`` may be a string or a ``{id, label}`` reference; amounts are decimal strings or
    numbers in currency units.
    """
    charges = []
    for row in rows or ():
        amount = decimal_or_none(row.get("amount"))
        if amount is None:
            continue
        tax = decimal_or_none(row.get("tax")) or ZERO
        term = row.get("term")
        if isinstance(term, Mapping):
            term = term.get("label") or term.get("name") or term.get("id")
        charges.append(
            Charge(
                term=str(term or "charge"),
                amount=amount,
                tax=tax,
                description=str(row.get("description") or ""),
            )
        )
    return charges
