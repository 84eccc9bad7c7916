"""domain.rows on the shapes the REST layer will send (strings and numbers, not typed inputs)."""

from __future__ import annotations

from decimal import Decimal

from domain import rows
from domain.errors import UserErrorCode
from domain.fields import Checks


def test_rest_shaped_rows_are_checked_with_their_paths() -> None:
    # given
    checks = Checks()

    # when
    rows.shipping_methods(
        checks,
        [
            {"type": "sideways", "date": "yesterday", "tax_customs_number": "12"},
            {"amount": 10},
        ],
    )
    rows.dimensions(checks, {"height": 10})
    rows.charges(checks, [{"term": "Shipping", "amount": 1.005}], rows.ITEM_ATTACHMENTS)

    # then
    assert [(v.field, v.code, v.message) for v in checks.violations] == [
        (
            "shippingMethods[0].type",
            UserErrorCode.INVALID,
            "The shipping type is incoming or outgoing.",
        ),
        ("shippingMethods[0].date", UserErrorCode.INVALID, "Must be a date (YYYY-MM-DD)."),
        (
            "shippingMethods[0].taxCustomsNumber",
            UserErrorCode.INVALID,
            "The number must be a whole number >= 0.",
        ),
        ("shippingMethods[1].type", UserErrorCode.REQUIRED, "The shipping type is required."),
        ("dimensions", UserErrorCode.INVALID, "Must be a list of rows."),
        (
            "additionalCharges[0].amount",
            UserErrorCode.INVALID_AMOUNT,
            "The amount must be zero or more, with at most two decimals.",
        ),
    ]


def test_stored_rows_clean_to_themselves() -> None:
    # given
    checks = Checks()
    charges = rows.charges(
        checks, [{"term": "Shipping", "amount": 25, "tax": 4.5}], rows.SALE_ATTACHMENTS
    )
    dimensions = rows.dimensions(checks, [{"height": 30, "packed_date": "2026-11-02"}])

    # when
    again = (
        rows.charges(checks, charges, rows.SALE_ATTACHMENTS),
        rows.dimensions(checks, dimensions),
    )

    # then
    assert checks.violations == []
    assert charges == [
        {
            "term": "Shipping",
            "amount": "25.00",
            "tax": "4.50",
            "description": "",
            "attached_to": None,
        }
    ]
    assert again == (charges, dimensions)


def test_a_finder_commission_is_stored_as_rest_writes_it() -> None:
    # given
    checks = Checks()

    # when
    fees = rows.finder_fees(
        checks,
        [
            {"finder_id": 1, "rate": Decimal("0.125")},
            {"finder_id": 2, "item_id": 9, "amount": Decimal("50")},
        ],
    )

    # then
    assert fees == [
        {"commission": "12.5%", "finder": 1, "item": None},
        {"commission": "50.00", "finder": 2, "item": 9},
    ]
    assert rows.stored_commission("12.5%") == (Decimal("0.125"), None)
    assert rows.stored_commission("50.00") == (None, Decimal("50.00"))
