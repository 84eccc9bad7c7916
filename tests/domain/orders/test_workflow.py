"""The pure order workflow: status changes, payment bounds, status after a payment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from db.models import OrderStatus
from domain.errors import UserErrorCode
from domain.orders.workflow import can_change_status, payment_violation, status_after_payment

D = Decimal
S = OrderStatus

ALLOWED = {
    (S.NEW, S.IN_PROCESS),
    (S.NEW, S.FINISHED),
    (S.NEW, S.CANCELED),
    (S.IN_PROCESS, S.NEW),
    (S.IN_PROCESS, S.FINISHED),
    (S.IN_PROCESS, S.CANCELED),
    (S.FINISHED, S.IN_PROCESS),
    (S.FINISHED, S.LOCKED),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_only_the_workflows_changes_are_allowed(current: S, target: S) -> None:
    expected = current == target or (current, target) in ALLOWED
    assert can_change_status(current, target) is expected


@pytest.mark.parametrize(
    ("total", "paid", "amount", "code"),
    [
        ("100.00", "0.00", "100.00", None),
        ("100.00", "0.00", "40.00", None),
        ("100.00", "60.00", "40.00", None),
        ("100.00", "60.00", "40.01", UserErrorCode.OVERPAYMENT),
        ("100.00", "100.00", "0.01", UserErrorCode.OVERPAYMENT),
        ("100.00", "60.00", "-60.00", None),
        ("100.00", "60.00", "-60.01", UserErrorCode.REFUND_EXCEEDS_PAID),
        ("100.00", "0.00", "-500.00", UserErrorCode.REFUND_EXCEEDS_PAID),
        ("0.00", "0.00", "0.01", UserErrorCode.OVERPAYMENT),
        ("0.00", "0.00", "-0.01", UserErrorCode.REFUND_EXCEEDS_PAID),
        # a credit note (negative total): paying the credit back is negative
        ("-650.00", "0.00", "-650.00", None),
        ("-650.00", "0.00", "-650.01", UserErrorCode.OVERPAYMENT),
        ("-650.00", "-100.00", "100.00", None),
        ("-650.00", "-100.00", "100.01", UserErrorCode.REFUND_EXCEEDS_PAID),
    ],
)
def test_amount_paid_stays_between_zero_and_the_total(
    total: str, paid: str, amount: str, code: UserErrorCode | None
) -> None:
    violation = payment_violation(D(total), D(paid), D(amount))
    assert (violation.code if violation is not None else None) == code


@pytest.mark.parametrize(
    ("status", "total", "paid", "expected"),
    [
        (S.NEW, "100.00", "0.00", S.NEW),
        (S.NEW, "100.00", "40.00", S.IN_PROCESS),
        (S.NEW, "100.00", "100.00", S.FINISHED),
        (S.IN_PROCESS, "100.00", "100.00", S.FINISHED),
        (S.IN_PROCESS, "100.00", "0.00", S.IN_PROCESS),
        (S.FINISHED, "100.00", "60.00", S.IN_PROCESS),
        (S.FINISHED, "100.00", "100.00", S.FINISHED),
        (S.LOCKED, "100.00", "60.00", S.LOCKED),
        (S.LOCKED, "100.00", "100.00", S.LOCKED),
        (S.FINISHED, "-650.00", "-650.00", S.FINISHED),
        (S.FINISHED, "-650.00", "0.00", S.IN_PROCESS),
        (S.NEW, "0.00", "0.00", S.NEW),
    ],
)
def test_a_payment_moves_the_order_on(status: S, total: str, paid: str, expected: S) -> None:
    assert status_after_payment(status, D(total), D(paid)) is expected
