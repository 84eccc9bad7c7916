"""B7 Transactions: list and create.

Thin adapters over ``domain.payments``: read the Circuit body, call the use case, shape the
B7.0 representation (the bank account number masked). Row scoping is ``readable_transactions``
(token mode: transactions of the caller's own orders); creating is staff-only in the domain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db import models
from db.queries.transaction import TRANSACTION_LIST, transactions_by_ids
from db.queries.visibility import readable_transactions
from db.session import OperationDB
from domain import payments as use_cases
from domain.errors import DomainError, Forbidden
from domain.principal import Principal
from rest_compat.circuit.bodies import FormatErrors, json_object, number, required, to_id
from rest_compat.deps import caller, operation_db
from rest_compat.errors import RestError, from_domain
from rest_compat.openapi import list_openapi
from rest_compat.query import FilterField, Kind, Resource, parse_list, run_list
from rest_compat.shapes import (
    Id,
    ListEnvelope,
    SingleEnvelope,
    absolute,
    errors,
    iso,
    iso_date,
    json_body,
    listing,
    money,
    single,
)

router = APIRouter(tags=["Transactions"])

TYPE_NAMES = {
    models.TransactionType.PAYMENT: "Payment",
    models.TransactionType.CHEQUE: "Cheque",
    models.TransactionType.WIRE_TRANSFER: "Wire Transfer",
    models.TransactionType.REFUND: "Refund",
    models.TransactionType.CREDIT_CARD: "Credit Card",
}
"""The B7.0 ``transaction_type`` strings; ``Refund`` and ``Credit Card`` are Gavel's own types
(shown as such, never accepted on input)."""
INPUT_TYPES = {
    TYPE_NAMES[t]: t
    for t in (
        models.TransactionType.PAYMENT,
        models.TransactionType.CHEQUE,
        models.TransactionType.WIRE_TRANSFER,
    )
}

FIELDS = (
    "id",
    "order",
    "transaction_type",
    "amount",
    "transferred_currency",
    "transferred_amount",
    "bank",
    "bank_account_number",
    "bank_branch",
    "credit_card_type",
    "credit_card_last_4_digits",
    "transaction_date",
    "cheque_number",
    "cheque_date",
    "info",
    "cheque_url",
    "illustrated_cheque_url",
    "created",
)

TRANSACTIONS = Resource(
    filters={
        "order": FilterField("order_id", Kind.ID),
        "client": FilterField("client_id", Kind.ID),
        "transaction_type": FilterField(
            "type", Kind.ENUM, choices=tuple(t.value for t in models.TransactionType)
        ),
        "transaction_date": FilterField("transaction_date", Kind.DATE),
    },
    sorts={
        "id": ("id",),
        "created": ("created_at",),
        "transaction_date": ("transaction_date",),
        "amount": ("amount",),
    },
    fields=FIELDS,
    default_sort=TRANSACTION_LIST.default_sort,
)

RENAMES = {
    "orderId": "order",
    "creditCardLast4": "credit_card_last_4_digits",
    "type": "transaction_type",
}


def _type_values(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """``filter[transaction_type]`` values given as B7.0 strings (``Wire Transfer``) read as
    the list's enum ids; other values pass through (the parser refuses them)."""
    by_name = {name.lower(): t.value for t, name in TYPE_NAMES.items()}
    return [
        (key, by_name.get(value.strip().lower(), value))
        if key.startswith("filter[transaction_type]") and not key.endswith("[operator]")
        else (key, value)
        for key, value in items
    ]


def mask(number: str | None) -> str | None:
    """``"****1234"``: only the last 4 digits of an account number are ever shown."""
    if not number:
        return None
    return "****" + number[-4:]


def represent(transaction: models.Transaction) -> dict[str, Any]:
    """The B7.0 representation (every field, in the table's order)."""
    bank = transaction.bank
    return {
        "id": str(transaction.id),
        "order": str(transaction.order_id),
        "transaction_type": TYPE_NAMES[transaction.type],
        "amount": money(transaction.amount),
        "transferred_currency": transaction.transferred_currency,
        "transferred_amount": money(transaction.transferred_amount),
        "bank": {"id": bank, "name": bank, "label": bank} if bank else None,
        "bank_account_number": mask(transaction.bank_account_number),
        "bank_branch": transaction.bank_branch,
        "credit_card_type": transaction.credit_card_type,
        "credit_card_last_4_digits": transaction.credit_card_last4,
        "transaction_date": iso_date(transaction.transaction_date),
        "cheque_number": transaction.cheque_number,
        "cheque_date": iso_date(transaction.cheque_date),
        "info": transaction.info,
        "cheque_url": None,
        "illustrated_cheque_url": None,
        "created": iso(transaction.created_at),
    }


# -- input ---------------------------------------------------------------------------------

TEXT_INPUTS = ("bank_account_number", "bank_branch", "credit_card_type", "cheque_number", "info")


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip() or None


def _day(value: Any, name: str, problems: FormatErrors) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.add(name, "Must be a date YYYY-MM-DD.")
        return None


def _amount(value: Any, name: str, problems: FormatErrors) -> Decimal | None:
    if value is None:
        return None
    amount = number(value) if isinstance(value, str | int | float) else None
    if amount is None:
        problems.add(name, "Must be a decimal string or number.")
    return amount


def command(body: dict[str, Any]) -> use_cases.CreateTransaction:
    """The B7.2 body as a command: 400 for a missing required field, 422 for a bad format."""
    for name in ("order", "transaction_type", "amount", "transaction_date"):
        required(body, name)
    problems = FormatErrors()
    order_id = to_id(body["order"])
    if order_id is None:
        problems.add("order", "Must be an order id.")
    kind = INPUT_TYPES.get(str(body["transaction_type"]))
    if kind is None:
        problems.add("transaction_type", "Must be Payment, Cheque or Wire Transfer.")
    amount = _amount(body["amount"], "amount", problems)
    day = _day(body["transaction_date"], "transaction_date", problems)
    bank = body.get("bank")
    if isinstance(bank, dict):
        bank = bank.get("name", bank.get("label", bank.get("id")))
    last4 = body.get("credit_card_last_4_digits")
    currency = body.get("transferred_currency")
    values = {name: _text(body.get(name)) for name in TEXT_INPUTS}
    transferred = _amount(body.get("transferred_amount"), "transferred_amount", problems)
    cheque_date = _day(body.get("cheque_date"), "cheque_date", problems)
    problems.raise_any()
    assert order_id is not None
    assert kind is not None
    assert amount is not None
    assert day is not None
    return use_cases.CreateTransaction(
        order_id=order_id,
        type=kind,
        amount=amount,
        transaction_date=day,
        transferred_currency=None if currency is None else str(currency),
        transferred_amount=transferred,
        bank=_text(bank),
        credit_card_last4=None if last4 is None else str(last4),
        cheque_date=cheque_date,
        **values,
    )


# -- response models -----------------------------------------------------------------------


class Bank(BaseModel):
    id: str
    name: str
    label: str


class Transaction(BaseModel):
    """B7.0. With ``fields=`` only the named fields (and ``id``) are present."""

    id: str = Field(examples=["901"])
    order: str | None = None
    transaction_type: str | None = Field(default=None, examples=["Payment"])
    amount: str | None = Field(default=None, examples=["500.00"])
    transferred_currency: str | None = None
    transferred_amount: str | None = None
    bank: Bank | None = None
    bank_account_number: str | None = Field(default=None, examples=["****1234"])
    bank_branch: str | None = None
    credit_card_type: str | None = None
    credit_card_last_4_digits: str | None = None
    transaction_date: str | None = None
    cheque_number: str | None = None
    cheque_date: str | None = None
    info: str | None = None
    cheque_url: str | None = None
    illustrated_cheque_url: str | None = None
    created: str | None = None


class TransactionInput(BaseModel):
    order: Id
    transaction_type: str = Field(description="Payment, Cheque or Wire Transfer.")
    amount: str | float = Field(description="Decimal string; negative for refunds/payouts.")
    transaction_date: str = Field(description="YYYY-MM-DD.")
    transferred_currency: str | None = None
    transferred_amount: str | float | None = None
    bank: Id | None = None
    bank_account_number: str | None = None
    bank_branch: str | None = None
    credit_card_type: str | None = None
    credit_card_last_4_digits: str | None = None
    cheque_number: str | None = None
    cheque_date: str | None = None
    info: str | None = None


# -- routes --------------------------------------------------------------------------------


@router.get(
    "/transactions",
    response_model=ListEnvelope[Transaction],
    responses=errors(),
    openapi_extra=list_openapi(TRANSACTIONS),
    summary="List transactions",
    description="B7.1. Common list parameters (A3-A7). Filters: "
    + ", ".join(TRANSACTIONS.filters)
    + ". Sorts: "
    + ", ".join(TRANSACTIONS.sorts)
    + ". Default sort: -created.",
)
async def list_transactions(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    params = parse_list(_type_values(request.query_params.multi_items()), TRANSACTIONS)
    rows, count = await run_list(
        db, readable_transactions(principal), TRANSACTION_LIST, params, is_staff=principal.is_staff
    )
    return listing(request, represent_all(rows), count, params)


def represent_all(rows: Sequence[models.Transaction]) -> list[dict[str, Any]]:
    return [represent(row) for row in rows]


@router.post(
    "/transactions",
    status_code=201,
    response_model=SingleEnvelope[Transaction],
    responses=errors(422),
    summary="Create a transaction",
    openapi_extra=json_body(TransactionInput),
)
async def create_transaction(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B7.2: the order's payment received and amount due, and the owner's balance, follow."""
    body = await json_object(request)
    if not principal.is_staff:
        raise from_domain(Forbidden("Only staff may record transactions."))
    cmd = command(body)
    try:
        result = await use_cases.create_transaction(db, principal, cmd)
    except DomainError as exc:
        raise from_domain(exc, RENAMES) from exc
    db.session.expunge_all()
    (transaction,) = await transactions_by_ids(db, principal, [result.transaction.id])
    if transaction is None:  # pragma: no cover - just written
        raise RestError(500)
    location = absolute(request, f"/api/v1.0/transactions/{transaction.id}")
    return single(represent(transaction), 201, location)
