"""The pure order money rules: lines, commissions, charges, totals, rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.orders.pricing import (
    Charge,
    CommissionTier,
    LineAmounts,
    StepType,
    bidder_line,
    charge_line,
    client_tiers,
    commission,
    consignment_tiers,
    consignor_line,
    credit_line,
    order_totals,
    step_type,
    stored_charges,
    to_cents,
)

D = Decimal


@pytest.mark.parametrize(
    ("hammer", "premium_rate", "tax_rate", "premium", "tax", "total"),
    [
        ("1000", "0.25", "0.20", "250.00", "50.00", "1300.00"),
        ("1000.00", "0.2500", "0", "250.00", "0.00", "1250.00"),
        ("0", "0.25", "0.20", "0.00", "0.00", "0.00"),
        ("333", "0.25", "0.19", "83.25", "15.82", "432.07"),  # 15.8175 → 15.82
        ("10.10", "0.15", "0.21", "1.52", "0.32", "11.94"),  # 1.515 → 1.52 (half up)
        ("10.30", "0.15", "0.21", "1.55", "0.33", "12.18"),  # 1.545 → 1.55, 0.3255 → 0.33
        ("99.99", "0.1234", "0.077", "12.34", "0.95", "113.28"),  # 12.338766, 0.95018
        ("1", "0.005", "0", "0.01", "0.00", "1.01"),  # 0.005 → 0.01
        ("1", "0.0049", "0", "0.00", "0.00", "1.00"),
        ("250000", "0.30", "0.25", "75000.00", "18750.00", "343750.00"),
    ],
)
def test_bidder_line_has_premium_at_the_sale_rate_and_tax_on_the_premium(
    hammer: str, premium_rate: str, tax_rate: str, premium: str, tax: str, total: str
) -> None:
    # when
    line = bidder_line(D(hammer), D(premium_rate), D(tax_rate))

    # then
    assert (line.hammer_price, line.premium, line.tax, line.total) == (
        to_cents(D(hammer)),
        D(premium),
        D(tax),
        D(total),
    )
    assert line.commission == line.amount == D("0.00")


FLAT_15 = [CommissionTier(D("0"), rate=D("0.15"))]
RISING = [CommissionTier(D("0"), rate=D("0.10")), CommissionTier(D("1000"), rate=D("0.15"))]
FALLING = [
    CommissionTier(D("0"), rate=D("0.20")),
    CommissionTier(D("1000"), rate=D("0.10")),
    CommissionTier(D("5000"), rate=D("0.05")),
]
WITH_FEE = [CommissionTier(D("0"), rate=D("0.10")), CommissionTier(D("500"), amount=D("25"))]
FROM_100 = [CommissionTier(D("100"), rate=D("0.10"))]
FEE_ONLY = [CommissionTier(D("0"), amount=D("50"))]


@pytest.mark.parametrize(
    ("hammer", "tiers", "kind", "expected"),
    [
        # one flat rate: every type agrees
        ("1000", FLAT_15, StepType.PERCENTAGE, "150.00"),
        ("1000", FLAT_15, StepType.TIERED, "150.00"),
        ("1000", FLAT_15, StepType.FIXED, "150.00"),
        ("0", FLAT_15, StepType.TIERED, "0.00"),
        ("10.10", FLAT_15, StepType.TIERED, "1.52"),  # 1.515 rounds half up
        # threshold (percentage): the reached tier's rate on the whole price
        ("999", RISING, StepType.PERCENTAGE, "99.90"),
        ("1000", RISING, StepType.PERCENTAGE, "150.00"),
        ("2000", RISING, StepType.PERCENTAGE, "300.00"),
        # marginal (tiered): each rate on its own band
        ("999", RISING, StepType.TIERED, "99.90"),
        ("1000", RISING, StepType.TIERED, "100.00"),
        ("2000", RISING, StepType.TIERED, "250.00"),  # 100 + 1000 x 0.15
        ("6000", FALLING, StepType.TIERED, "650.00"),  # 200 + 400 + 50
        ("6000", FALLING, StepType.PERCENTAGE, "300.00"),
        ("4999.99", FALLING, StepType.TIERED, "600.00"),  # 200 + 399.999 → 600.00
        # fixed fees
        ("1000", FEE_ONLY, StepType.FIXED, "50.00"),
        ("30", FEE_ONLY, StepType.FIXED, "30.00"),  # capped at the hammer price
        ("600", WITH_FEE, StepType.TIERED, "75.00"),  # 10 % of 500 + 25 fee from 500
        ("600", WITH_FEE, StepType.FIXED, "25.00"),
        ("499", WITH_FEE, StepType.FIXED, "49.90"),  # the reached tier is a rate
        # below the first tier: nothing
        ("99", FROM_100, StepType.TIERED, "0.00"),
        ("99", FROM_100, StepType.PERCENTAGE, "0.00"),
        ("150", FROM_100, StepType.TIERED, "5.00"),  # only the part above 100
        ("150", FROM_100, StepType.PERCENTAGE, "15.00"),
        # no tiers: no commission
        ("1000", [], StepType.TIERED, "0.00"),
    ],
)
def test_commission_follows_the_step_type(
    hammer: str, tiers: list[CommissionTier], kind: StepType, expected: str
) -> None:
    assert commission(D(hammer), tiers, kind) == D(expected)


@given(
    low=st.decimals(min_value=0, max_value=100000, places=2),
    step=st.decimals(min_value=D("0.01"), max_value=1000, places=2),
)
def test_a_higher_hammer_never_nets_the_consignor_less_under_tiered(
    low: Decimal, step: Decimal
) -> None:
    # the property that makes "tiered" marginal: the net payout never falls as the price rises
    for tiers in (RISING, FALLING, FLAT_15):
        lower = consignor_line(low, tiers, StepType.TIERED)
        higher = consignor_line(low + step, tiers, StepType.TIERED)
        assert higher.total >= lower.total


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("percentage", StepType.PERCENTAGE),
        ("Fixed", StepType.FIXED),
        ("tiered", StepType.TIERED),
        (None, StepType.TIERED),
        ("", StepType.TIERED),
        ("something else", StepType.TIERED),
    ],
)
def test_missing_or_unknown_step_types_mean_tiered(value: str | None, expected: StepType) -> None:
    assert step_type(value) is expected


def test_consignment_tiers_read_both_stored_shapes() -> None:
    rows = [
        {"step_from": 100000, "consignor_commission": "10%"},
        {"from": "0", "rate": "0.15"},
        {"from": "5000", "amount": "250"},
        {"step_from": 700000, "consignor_commission": "300"},
        {"nonsense": True},
        {"from": "x", "rate": "0.1"},
    ]

    assert consignment_tiers(rows) == [
        CommissionTier(D("0"), rate=D("0.15")),
        CommissionTier(D("1000"), rate=D("0.1")),
        CommissionTier(D("5000"), amount=D("250")),
        CommissionTier(D("7000"), amount=D("300")),
    ]


def test_client_tiers_read_units_and_percentages() -> None:
    rows = [
        {"step_from": "1000.00", "consignor_commission": "10.00"},
        {"step_from": "0.00", "consignor_commission": "15%"},
        {"from": "5000", "rate": "0.05"},
    ]

    assert client_tiers(rows) == [
        CommissionTier(D("0.00"), rate=D("0.15")),
        CommissionTier(D("1000.00"), rate=D("0.1")),
        CommissionTier(D("5000"), rate=D("0.05")),
    ]


def test_consignor_line_is_hammer_less_commission() -> None:
    line = consignor_line(D("2000"), RISING, StepType.TIERED)

    assert line == LineAmounts(hammer_price=D("2000.00"), commission=D("250.00"))
    assert line.total == D("1750.00")


@pytest.mark.parametrize(
    ("amount", "tax", "deduction", "expected_amount", "expected_tax", "total"),
    [
        ("25", "5", False, "25.00", "5.00", "30.00"),
        ("12.345", "2.4690", False, "12.35", "2.47", "14.82"),
        ("25", "5", True, "-25.00", "-5.00", "-30.00"),
        ("0", "0", False, "0.00", "0.00", "0.00"),
    ],
)
def test_charge_lines_carry_amount_and_tax_and_deductions_are_negative(
    amount: str, tax: str, deduction: bool, expected_amount: str, expected_tax: str, total: str
) -> None:
    line = charge_line(D(amount), D(tax), deduction=deduction)

    assert (line.amount, line.tax, line.total) == (D(expected_amount), D(expected_tax), D(total))


def test_a_credit_line_negates_every_amount() -> None:
    line = bidder_line(D("333"), D("0.25"), D("0.19"))

    credit = credit_line(line)

    assert credit == LineAmounts(
        hammer_price=D("-333.00"), premium=D("-83.25"), tax=D("-15.82"), amount=D("0.00")
    )
    assert credit.total == -line.total
    assert credit_line(credit) == line


def test_order_totals_are_exact_sums_of_the_lines() -> None:
    lines = [
        bidder_line(D("333"), D("0.25"), D("0.19")),
        bidder_line(D("10.10"), D("0.15"), D("0.21")),
        charge_line(D("12.345"), D("2.469")),
    ]

    totals = order_totals(lines)

    assert totals.subtotal == D("343.10")
    assert totals.buyers_premium == D("84.77")
    assert totals.tax == D("15.82") + D("0.32") + D("2.47")
    assert totals.charges == D("12.35")
    assert totals.grand_total == sum((line.total for line in lines), D(0)) == D("458.83")
    assert (
        totals.grand_total == totals.subtotal + totals.buyers_premium + totals.tax + totals.charges
    )


@given(
    hammers=st.lists(st.decimals(min_value=0, max_value=10**6, places=2), max_size=20),
    rate=st.decimals(min_value=0, max_value=1, places=4),
    tax=st.decimals(min_value=0, max_value=1, places=4),
)
def test_totals_of_an_order_and_its_credit_note_cancel_out(
    hammers: list[Decimal], rate: Decimal, tax: Decimal
) -> None:
    lines = [bidder_line(hammer, rate, tax) for hammer in hammers]

    order = order_totals(lines)
    credit = order_totals(credit_line(line) for line in lines)

    assert order.grand_total + credit.grand_total == 0
    assert order.grand_total == order.subtotal + order.buyers_premium + order.tax + order.charges
    assert order.grand_total.as_tuple().exponent == -2


def test_stored_charge_rows_are_read_leniently() -> None:
    rows = [
        {
            "term": {"id": "3", "label": "Shipping"},
            "amount": "25.00",
            "tax": "5",
            "description": "DHL",
        },
        {"term": "Handling", "amount": 10},
        {"term": "Broken", "amount": "n/a"},
    ]

    assert stored_charges(rows) == [
        Charge(term="Shipping", amount=D("25.00"), tax=D("5"), description="DHL"),
        Charge(term="Handling", amount=D("10"), tax=D("0.00")),
    ]
