"""The order workflow and the payment bounds, as pure functions (no I/O).

Status changes (REST B4.0)::

    new        -> in_process | finished | canceled
    in_process -> new | finished | canceled
    finished   -> in_process | locked
    locked, canceled: final (a locked order is corrected only by cancel & reissue)

Payments: ``amount_paid`` is the sum of an order's transactions and must stay between 0 and the
grand total (both included; for a credit note, whose total is negative, between the total and 0).
A transaction that would pay more than is due is an over-payment; one that would take back more
than was paid is a refund beyond what was paid. Both are refused.

A payment moves the order on: a NEW order with money on it is IN_PROCESS; a NEW or IN_PROCESS
order paid in full is FINISHED; a FINISHED order that is no longer paid in full (a refund) goes
back to IN_PROCESS. LOCKED orders keep their status (they are in the accounts already).
"""

from __future__ import annotations

from decimal import Decimal

from db.models import OrderStatus
from domain.errors import RuleViolation, UserErrorCode

NEW, IN_PROCESS, FINISHED = OrderStatus.NEW, OrderStatus.IN_PROCESS, OrderStatus.FINISHED
LOCKED, CANCELED = OrderStatus.LOCKED, OrderStatus.CANCELED

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    NEW: frozenset({IN_PROCESS, FINISHED, CANCELED}),
    IN_PROCESS: frozenset({NEW, FINISHED, CANCELED}),
    FINISHED: frozenset({IN_PROCESS, LOCKED}),
    LOCKED: frozenset(),
    CANCELED: frozenset(),
}
"""The statuses each status may change to through ``updateOrder``."""

OPEN_STATUSES = frozenset({NEW, IN_PROCESS})
"""Orders still being put together: they can be split and take new lines."""

FROZEN_STATUSES = frozenset({LOCKED, CANCELED})
"""Orders whose fields no longer change (except through cancel & reissue)."""


def can_change_status(current: OrderStatus, target: OrderStatus) -> bool:
    """Whether ``updateOrder`` may move an order from ``current`` to ``target``."""
    return target == current or target in TRANSITIONS[current]


def within_paid_bounds(grand_total: Decimal, amount_paid: Decimal) -> bool:
    """Whether ``amount_paid`` lies between 0 and ``grand_total`` (both included)."""
    low, high = sorted((Decimal(0), grand_total))
    return low <= amount_paid <= high


def payment_violation(
    grand_total: Decimal, amount_paid: Decimal, amount: Decimal, field: str = "amount"
) -> RuleViolation | None:
    """Why adding ``amount`` to ``amount_paid`` is refused, or None."""
    after = amount_paid + amount
    if within_paid_bounds(grand_total, after):
        return None
    due = grand_total - amount_paid
    if abs(after) > abs(grand_total) and (after >= 0) == (grand_total >= 0):
        return RuleViolation(
            UserErrorCode.OVERPAYMENT,
            f"The amount is more than the {due} due on the order.",
            field,
        )
    return RuleViolation(
        UserErrorCode.REFUND_EXCEEDS_PAID,
        f"The amount takes back more than the {amount_paid} paid on the order.",
        field,
    )


def status_after_payment(
    status: OrderStatus, grand_total: Decimal, amount_paid: Decimal
) -> OrderStatus:
    """The order's status once its ``amount_paid`` has changed (see the module's notes)."""
    paid_in_full = grand_total != 0 and amount_paid == grand_total
    if status in OPEN_STATUSES and paid_in_full:
        return FINISHED
    if status is NEW and amount_paid != 0:
        return IN_PROCESS
    if status is FINISHED and not paid_in_full and grand_total != 0:
        return IN_PROCESS
    return status
