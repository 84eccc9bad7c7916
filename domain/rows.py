"""Multi-row JSON fields (REST A12.9): additional charges, dimensions, shipping methods, finder
fees, external ids and catalogue references, validated and put in their stored form in one
place for every entity that has them.

Each field is replaced as a whole. A cleaner reads the rows a client sent (snake_case keys,
Decimals or decimal strings), records one violation per broken rule on a ``Checks`` with the
row's path (``additionalCharges[1].amount``, the style of the client rows) and returns the rows
as stored: money and measures as decimal strings with two decimals (what
``domain.orders.pricing.stored_charges`` reads), dates as ISO strings, ids as integers.
Cleaning a stored charge or dimension row again gives the same row, so a use case may check a
batch more than once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import UserErrorCode
from domain.fields import CENT, Checks, camel

CLIENT_ATTACHMENTS = frozenset({"consignment", "item", "sale"})
"""What a client's charge may be attached to (REST B1.0)."""
ITEM_ATTACHMENTS = frozenset({"item"})
SALE_ATTACHMENTS = frozenset({"sale"})
CONSIGNMENT_ATTACHMENTS = frozenset({"consignment", "item"})
SHIPPING_TYPES = ("incoming", "outgoing")
MEASURES = ("height", "width", "depth", "weight")

RowCleaner = Callable[[Checks, str, Mapping[str, Any]], dict[str, Any]]


def rows(checks: Checks, name: str, value: Any, clean_row: RowCleaner) -> list[dict[str, Any]]:
    """The stored rows of field ``name`` (snake_case); null or ``[]`` clears the field."""
    if value is None:
        return []
    label = camel(name)
    if not isinstance(value, list | tuple):
        checks.fail(label, UserErrorCode.INVALID, "Must be a list of rows.")
        return []
    cleaned = []
    for index, row in enumerate(value):
        where = f"{label}[{index}]"
        if not isinstance(row, Mapping):
            checks.fail(where, UserErrorCode.INVALID, "Must be an object.")
            continue
        cleaned.append(clean_row(checks, where, row))
    return cleaned


def _decimal(value: Any) -> Decimal | None:
    """A JSON number (a float through its shortest repr, 12.5 → 12.5) or a decimal string."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _amount(checks: Checks, path: str, value: Any, what: str) -> str | None:
    """An amount >= 0 in cents as a two-decimal string; null stays null."""
    if value is None:
        return None
    number = _decimal(value)
    if number is None or number < 0 or number != number.quantize(CENT):
        checks.fail(
            path,
            UserErrorCode.INVALID_AMOUNT,
            f"The {what} must be zero or more, with at most two decimals.",
        )
        return None
    return str(number.quantize(CENT))


def _count(checks: Checks, path: str, value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        checks.fail(path, UserErrorCode.INVALID, f"The {what} must be a whole number >= 0.")
        return None
    return value


def _date(checks: Checks, path: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        checks.fail(path, UserErrorCode.INVALID, "Must be a date (YYYY-MM-DD).")
        return None


# -- additional charges --------------------------------------------------------------------


def charge_row(attachments: frozenset[str]) -> RowCleaner:
    """A cleaner of charge rows ``{term, amount, tax, description, attached_to}``."""

    def clean(checks: Checks, where: str, row: Mapping[str, Any]) -> dict[str, Any]:
        term = _text(row, "term")
        if not term:
            checks.fail(f"{where}.term", UserErrorCode.REQUIRED, "The charge needs a term.")
        if row.get("amount") is None:
            checks.fail(f"{where}.amount", UserErrorCode.REQUIRED, "The charge needs an amount.")
        amount = _amount(checks, f"{where}.amount", row.get("amount"), "amount")
        tax = _amount(checks, f"{where}.tax", row.get("tax") or 0, "tax")
        attached_to = _text(row, "attached_to") or None
        if attached_to is not None and attached_to not in attachments:
            allowed = " or ".join(sorted(attachments))
            checks.fail(
                f"{where}.attachedTo",
                UserErrorCode.INVALID,
                f"This charge can only be attached to {allowed}.",
            )
        return {
            "term": term,
            "amount": amount,
            "tax": tax,
            "description": _text(row, "description"),
            "attached_to": attached_to,
        }

    return clean


def charges(
    checks: Checks, value: Any, attachments: frozenset[str], name: str = "additional_charges"
) -> list[dict[str, Any]]:
    """Additional-charge rows as stored (amount and tax >= 0, in cents)."""
    return rows(checks, name, value, charge_row(attachments))


# -- dimensions ----------------------------------------------------------------------------


def dimension_row(checks: Checks, where: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """``{number_on_box, height, width, depth (cm), weight (kg), type, packed_date}``."""
    cleaned: dict[str, Any] = {"number_on_box": _text(row, "number_on_box")}
    for measure in MEASURES:
        value = row.get(measure)
        number = _decimal(value)
        if value is not None and (number is None or number <= 0 or number != number.quantize(CENT)):
            checks.fail(
                f"{where}.{measure}",
                UserErrorCode.INVALID,
                f"The {measure} must be more than 0, with at most two decimals.",
            )
            number = None
        cleaned[measure] = None if number is None else str(number.quantize(CENT))
    cleaned["type"] = _text(row, "type")
    cleaned["packed_date"] = _date(checks, f"{where}.packedDate", row.get("packed_date"))
    if all(row.get(measure) is None for measure in MEASURES):
        checks.fail(
            where, UserErrorCode.REQUIRED, "A dimension row needs a height, width, depth or weight."
        )
    return cleaned


def dimensions(checks: Checks, value: Any) -> list[dict[str, Any]]:
    """Dimension rows as stored (measures > 0 as two-decimal strings)."""
    return rows(checks, "dimensions", value, dimension_row)


# -- shipping methods ----------------------------------------------------------------------


def shipping_row(checks: Checks, where: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A shipping method row of a consignment (REST B3.0)."""
    kind = _text(row, "type").lower()
    if not kind:
        checks.fail(f"{where}.type", UserErrorCode.REQUIRED, "The shipping type is required.")
    elif kind not in SHIPPING_TYPES:
        checks.fail(
            f"{where}.type", UserErrorCode.INVALID, "The shipping type is incoming or outgoing."
        )
    return {
        "type": kind,
        "method_type": _text(row, "method_type"),
        "amount": _amount(checks, f"{where}.amount", row.get("amount"), "amount"),
        "date": _date(checks, f"{where}.date", row.get("date")),
        "shipping_id": _count(checks, f"{where}.shippingId", row.get("shipping_id"), "id"),
        "tax_customs_number": _count(
            checks, f"{where}.taxCustomsNumber", row.get("tax_customs_number"), "number"
        ),
        "tax_customs_type": _text(row, "tax_customs_type"),
        "customs_tracking_number": _text(row, "customs_tracking_number"),
        "shipping_notes": _text(row, "shipping_notes"),
        "description": _text(row, "description"),
    }


def shipping_methods(checks: Checks, value: Any) -> list[dict[str, Any]]:
    """Shipping method rows as stored."""
    return rows(checks, "shipping_methods", value, shipping_row)


# -- finder fees ---------------------------------------------------------------------------


def finder_fee_row(checks: Checks, where: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """``{finder_id, item_id, rate | amount}`` → ``{finder, item, commission}`` (REST B3.0).

    The commission is stored as the REST string: ``"5%"`` for a rate of 0.05, ``"50.00"`` for an
    amount. Whether the finder and the lot exist is the use case's check (it needs the database).
    """
    finder = row.get("finder_id")
    if finder is None:
        checks.fail(f"{where}.finderId", UserErrorCode.REQUIRED, "The finder is required.")
    item = row.get("item_id")
    rate, amount = row.get("rate"), row.get("amount")
    commission: str | None = None
    if (rate is None) == (amount is None):
        checks.fail(where, UserErrorCode.INVALID, "A finder fee is either a `rate` or an `amount`.")
    elif rate is not None:
        number = _decimal(rate)
        if number is None or not Decimal(0) <= number <= Decimal(1):
            checks.fail(f"{where}.rate", UserErrorCode.INVALID, "The rate is between 0 and 1.")
        else:
            commission = f"{(number * 100).normalize():f}%"
    else:
        commission = _amount(checks, f"{where}.amount", amount, "amount")
    return {"commission": commission, "finder": finder, "item": item}


def finder_fees(checks: Checks, value: Any) -> list[dict[str, Any]]:
    """Finder fee rows as stored (the references still to be checked by the caller)."""
    return rows(checks, "finder_fees", value, finder_fee_row)


# -- external ids --------------------------------------------------------------------------


def external_id_row(checks: Checks, where: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """``{system, external_id}`` (REST B1.0, also on sales): both required text."""
    cleaned = {"system": _text(row, "system"), "external_id": _text(row, "external_id")}
    if not cleaned["system"]:
        checks.fail(f"{where}.system", UserErrorCode.REQUIRED, "The system is required.")
    if not cleaned["external_id"]:
        checks.fail(f"{where}.externalId", UserErrorCode.REQUIRED, "The external id is required.")
    return cleaned


def external_ids(checks: Checks, value: Any) -> list[dict[str, Any]]:
    """External id rows as stored."""
    return rows(checks, "external_ids", value, external_id_row)


def stored_commission(value: Any) -> tuple[Decimal | None, Decimal | None]:
    """A stored finder-fee commission as ``(rate, amount)``: ``"5%"`` → ``(0.05, None)``."""
    text = "" if value is None else str(value).strip()
    if text.endswith("%"):
        percent = _decimal(text.removesuffix("%"))
        return (None if percent is None else percent / 100), None
    return None, _decimal(text)


# -- catalogue references ------------------------------------------------------------------

CATALOG_TEXT = 255


def catalog_row(checks: Checks, where: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A lot's entry in a reference catalogue (REST B5.0 ``catalogs``).

    ``{catalog_name, catalog_number, ordering_number (int >= 0), catalog_value (>= 0)}``; the
    row needs a catalogue name or number, and the value is stored as a two-decimal string.
    """
    cleaned: dict[str, Any] = {}
    for key in ("catalog_name", "catalog_number"):
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            checks.fail(f"{where}.{camel(key)}", UserErrorCode.INVALID, "Must be text.")
        elif value is not None and len(value.strip()) > CATALOG_TEXT:
            checks.fail(
                f"{where}.{camel(key)}",
                UserErrorCode.INVALID,
                f"Must be at most {CATALOG_TEXT} characters.",
            )
        cleaned[key] = _text(row, key)
    if not cleaned["catalog_name"] and not cleaned["catalog_number"]:
        checks.fail(
            where, UserErrorCode.REQUIRED, "A catalogue row needs a catalogue name or number."
        )
    cleaned["ordering_number"] = _count(
        checks, f"{where}.orderingNumber", row.get("ordering_number"), "ordering number"
    )
    cleaned["catalog_value"] = _amount(
        checks, f"{where}.catalogValue", row.get("catalog_value"), "catalogue value"
    )
    return cleaned


def catalogs(checks: Checks, value: Any) -> list[dict[str, Any]]:
    """Catalogue reference rows as stored (the value >= 0 as a two-decimal string)."""
    return rows(checks, "catalogs", value, catalog_row)
