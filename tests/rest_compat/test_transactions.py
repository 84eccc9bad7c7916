"""REST B7 transactions: list (filters, sorts, token mode) and create; shapes compared field by
field with B7.0 (the bank account number masked)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from rest_compat.circuit.transactions import Transaction
from rest_compat.shapes import ListEnvelope, SingleEnvelope
from tests import factories
from tests.graphql_client import GraphQLClient

RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
UNPROCESSABLE = "https://tools.ietf.org/html/rfc4918#section-11.2"
URL = "/api/v1.0/transactions"


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ids(body: dict[str, Any]) -> list[str]:
    return [row["id"] for row in body["data"]]


async def activity_count(session: AsyncSession) -> int:
    return int((await session.execute(sa.select(sa.func.count(models.Activity.id)))).scalar_one())


async def test_list_transactions_shape(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order = await factories.create_order(session, client=await factories.create_client(session))
    transaction = await factories.create_transaction(
        session,
        order=order,
        amount=D("500.00"),
        type=models.TransactionType.WIRE_TRANSFER,
        transaction_date=date(2025, 6, 1),
        transferred_currency="USD",
        transferred_amount=D("540.10"),
        bank="Main Bank",
        bank_account_number="DE44500105175407324931",
        bank_branch="Berlin",
        cheque_number="C-1",
        cheque_date=date(2025, 5, 30),
        info="thanks",
    )
    transaction = await session.get(models.Transaction, transaction.id)  # type: ignore[assignment]
    assert transaction is not None

    # when
    response = await http.get(URL, headers=await auth(graphql, staff))

    # then
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["data", "count", "self"]
    assert body["count"] == 1
    assert body["data"] == [
        {
            "id": str(transaction.id),
            "order": str(order.id),
            "transaction_type": "Wire Transfer",
            "amount": "500.00",
            "transferred_currency": "USD",
            "transferred_amount": "540.10",
            "bank": {"id": "Main Bank", "name": "Main Bank", "label": "Main Bank"},
            "bank_account_number": "****4931",
            "bank_branch": "Berlin",
            "credit_card_type": None,
            "credit_card_last_4_digits": None,
            "transaction_date": "2025-06-01",
            "cheque_number": "C-1",
            "cheque_date": "2025-05-30",
            "info": "thanks",
            "cheque_url": None,
            "illustrated_cheque_url": None,
            "created": iso(transaction.created_at),
        }
    ]
    ListEnvelope[Transaction].model_validate(body, strict=True)


async def test_list_filters_and_sorts(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    ann = await factories.create_client(session)
    ben = await factories.create_client(session)
    first = await factories.create_order(session, client=ann)
    second = await factories.create_order(session, client=ben)
    a = await factories.create_transaction(
        session, order=first, amount=D("100.00"), transaction_date=date(2025, 1, 10)
    )
    b = await factories.create_transaction(
        session,
        order=first,
        amount=D("300.00"),
        type=models.TransactionType.CHEQUE,
        transaction_date=date(2025, 2, 10),
    )
    c = await factories.create_transaction(
        session,
        order=second,
        amount=D("200.00"),
        type=models.TransactionType.WIRE_TRANSFER,
        transaction_date=date(2025, 3, 10),
    )
    for row, year in ((a, 2023), (b, 2021), (c, 2022)):
        await session.execute(
            sa.update(models.Transaction)
            .where(models.Transaction.id == row.id)
            .values(created_at=datetime(year, 1, 1, tzinfo=UTC))
        )
    headers = await auth(graphql, staff)
    cases = {
        "": [a, c, b],
        f"filter[order]={first.id}&sort=id": [a, b],
        f"filter[client]={ben.id}": [c],
        "filter[transaction_type]=Cheque": [b],
        "filter[transaction_type]=Wire Transfer": [c],
        "filter[transaction_type][value][0]=Payment&filter[transaction_type][value][1]=Cheque"
        "&sort=id": [a, b],
        "filter[transaction_date][value][from]=2025-02-01": [c, b],
        "filter[transaction_date][value][from]=2025-01-01"
        "&filter[transaction_date][value][to]=2025-02-10&sort=id": [a, b],
        "sort=id": [a, b, c],
        "sort=-id": [c, b, a],
        "sort=created": [b, c, a],
        "sort=-transaction_date": [c, b, a],
        "sort=amount": [a, c, b],
        "sort=-amount": [b, c, a],
    }

    for query, expected in cases.items():
        # when
        response = await http.get(f"{URL}?{query}", headers=headers)

        # then
        assert response.status_code == 200, (query, response.json())
        body = response.json()
        assert ids(body) == [str(t.id) for t in expected], query
        assert body["count"] == len(expected), query


async def test_list_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    headers = await auth(graphql, await factories.create_staff(session))

    # when
    bad_type = await http.get(f"{URL}?filter[transaction_type]=Barter", headers=headers)
    unknown_filter = await http.get(f"{URL}?filter[bank]=x", headers=headers)
    unknown_sort = await http.get(f"{URL}?sort=bank", headers=headers)

    # then
    assert bad_type.status_code == 400
    assert list(bad_type.json()["errors"]) == ["filter[transaction_type]"]
    assert unknown_filter.json()["errors"] == {"filter[bank]": ["Unknown filter field: bank"]}
    assert unknown_sort.json()["errors"] == {"sort": ["Unknown field: bank"]}


async def test_token_mode_sees_only_transactions_of_its_own_orders(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    client = await session.get(models.Client, bidder.client_id)
    assert client is not None
    own = await factories.create_order(session, client=client)
    foreign = await factories.create_order(session, client=await factories.create_client(session))
    mine = await factories.create_transaction(session, order=own, amount=D("10.00"))
    await factories.create_transaction(session, order=foreign, amount=D("10.00"))
    headers = await auth(graphql, bidder)
    before = await activity_count(session)

    # when
    listed = await http.get(URL, headers=headers)
    created = await http.post(
        URL,
        json={
            "order": str(own.id),
            "transaction_type": "Payment",
            "amount": "5.00",
            "transaction_date": "2025-06-01",
        },
        headers=headers,
    )

    # then
    assert ids(listed.json()) == [str(mine.id)]
    assert listed.json()["count"] == 1
    assert created.status_code == 403
    assert created.json() == {
        "type": f"{RFC2616}#sec10.4.4",
        "title": "Access denied",
        "status": 403,
        "detail": "You do not have permission to perform this action",
    }
    assert await activity_count(session) == before


async def test_create_transaction(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order = await factories.create_order(session, client=await factories.create_client(session))
    headers = await auth(graphql, staff)

    # when
    response = await http.post(
        URL,
        json={
            "order": str(order.id),
            "transaction_type": "Cheque",
            "amount": 500,
            "transaction_date": "2025-06-01",
            "bank": {"id": "Main Bank"},
            "bank_account_number": "12345678",
            "credit_card_last_4_digits": "4242",
            "cheque_number": "000123",
            "cheque_date": "2025-05-31",
            "info": "first part",
        },
        headers=headers,
    )
    got = await http.get(f"/api/v1.0/orders/{order.id}", headers=headers)

    # then
    assert response.status_code == 201
    (row,) = response.json()["data"]
    assert response.headers["location"] == f"http://test{URL}/{row['id']}"
    created = row.pop("created")
    assert created.endswith("Z")
    assert row == {
        "id": row["id"],
        "order": str(order.id),
        "transaction_type": "Cheque",
        "amount": "500.00",
        "transferred_currency": order.currency,  # B7.0 defaults: the order's currency ...
        "transferred_amount": "500.00",  # ... and the amount
        "bank": {"id": "Main Bank", "name": "Main Bank", "label": "Main Bank"},
        "bank_account_number": "****5678",
        "bank_branch": None,
        "credit_card_type": None,
        "credit_card_last_4_digits": "4242",
        "transaction_date": "2025-06-01",
        "cheque_number": "000123",
        "cheque_date": "2025-05-31",
        "info": "first part",
        "cheque_url": None,
        "illustrated_cheque_url": None,
    }
    SingleEnvelope[Transaction].model_validate(response.json(), strict=True)
    (shown,) = got.json()["data"]
    assert shown["payment_received"] == "500.00"
    assert shown["amount_due"] == "750.00"


async def test_money_in_another_currency_keeps_what_was_said_of_it(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order = await factories.create_order(session, client=await factories.create_client(session))
    other = "CHF" if order.currency != "CHF" else "JPY"
    headers = await auth(graphql, staff)
    base = {"order": str(order.id), "transaction_type": "Wire Transfer", "amount": "100.00"}

    # when
    given = await http.post(
        URL,
        json={
            **base,
            "transaction_date": "2025-06-01",
            "transferred_currency": other,
            "transferred_amount": "91.50",
        },
        headers=headers,
    )
    unsaid = await http.post(
        URL,
        json={**base, "transaction_date": "2025-06-02", "transferred_currency": other},
        headers=headers,
    )

    # then: the amount received in another currency is never guessed from the order's amount
    assert given.status_code == unsaid.status_code == 201
    (row,) = given.json()["data"]
    assert (row["transferred_currency"], row["transferred_amount"]) == (other, "91.50")
    (row,) = unsaid.json()["data"]
    assert (row["transferred_currency"], row["transferred_amount"]) == (other, None)


async def test_create_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order = await factories.create_order(session, client=await factories.create_client(session))
    canceled = await factories.create_order(
        session, client=await factories.create_client(session), status=models.OrderStatus.CANCELED
    )
    headers = await auth(graphql, staff)
    good = {
        "order": str(order.id),
        "transaction_type": "Payment",
        "amount": "10.00",
        "transaction_date": "2025-06-01",
    }
    before = await activity_count(session)

    # when
    missing = await http.post(URL, json={**good, "amount": None}, headers=headers)
    bad_type = await http.post(URL, json={**good, "transaction_type": "Barter"}, headers=headers)
    bad_amount = await http.post(URL, json={**good, "amount": "ten"}, headers=headers)
    too_precise = await http.post(URL, json={**good, "amount": "1.001"}, headers=headers)
    bad_date = await http.post(
        URL, json={**good, "transaction_date": "01/06/2025"}, headers=headers
    )
    bad_last4 = await http.post(
        URL, json={**good, "credit_card_last_4_digits": "42"}, headers=headers
    )
    unknown_order = await http.post(URL, json={**good, "order": "999999"}, headers=headers)
    on_canceled = await http.post(URL, json={**good, "order": str(canceled.id)}, headers=headers)

    # then
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"amount": ["This field is required."]}
    assert bad_type.status_code == 422
    assert bad_type.json()["type"] == UNPROCESSABLE
    assert list(bad_type.json()["errors"]) == ["transaction_type"]
    assert bad_amount.status_code == 422
    assert list(bad_amount.json()["errors"]) == ["amount"]
    assert too_precise.status_code == 422
    assert list(too_precise.json()["errors"]) == ["amount"]
    assert bad_date.status_code == 422
    assert list(bad_date.json()["errors"]) == ["transaction_date"]
    assert bad_last4.status_code == 422
    assert list(bad_last4.json()["errors"]) == ["credit_card_last_4_digits"]
    assert unknown_order.status_code == 422
    assert list(unknown_order.json()["errors"]) == ["order"]
    assert on_canceled.status_code == 422
    assert on_canceled.json()["errors"] == {"order": ["A canceled order takes no transactions."]}
    assert await activity_count(session) == before
    listed = await http.get(URL, headers=headers)
    assert listed.json()["count"] == 0
