"""Reading transactions: row visibility, masking, filters, sorting and pagination."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

TRANSACTIONS_QUERY = """
query Transactions(
  $first: Int, $after: String, $last: Int, $before: String,
  $filter: TransactionFilter, $orderBy: [TransactionOrder!], $search: String
) {
  transactions(
    first: $first, after: $after, last: $last, before: $before,
    filter: $filter, orderBy: $orderBy, search: $search
  ) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes {
      id databaseId type amount transferredCurrency transferredAmount
      bank bankAccountNumber bankBranch creditCardType creditCardLast4
      transactionDate chequeNumber chequeDate info createdAt
      order { number }
      client { databaseId }
    }
  }
}
"""

CLIENT_TRANSACTIONS_QUERY = """
query ClientTransactions($id: ID!) {
  node(id: $id) {
    ... on Client { transactions { totalCount nodes { amount order { number } } } }
  }
}
"""


def _gid(type_name: str, row: Any) -> str:
    return str(relay.GlobalID(type_name, str(row.id)))


def _ids(data: dict[str, Any]) -> list[int]:
    return [node["databaseId"] for node in data["transactions"]["nodes"]]


async def _order(session: AsyncSession, client: models.Client | None = None) -> models.Order:
    return await factories.create_order(
        session, client=client or await factories.create_client(session)
    )


async def test_bidder_sees_only_own_transactions(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    own_client = await session.get(models.Client, bidder.client_id)
    assert own_client is not None
    own_order = await _order(session, own_client)
    own = await factories.create_transaction(session, order=own_order, amount=Decimal("100.00"))
    await factories.create_transaction(
        session, order=await _order(session), amount=Decimal("200.00")
    )

    # when
    data = await graphql.data(TRANSACTIONS_QUERY, as_=bidder)

    # then
    assert data["transactions"]["totalCount"] == 1
    assert _ids(data) == [own.id]
    node = data["transactions"]["nodes"][0]
    assert node["order"] == {"number": own_order.number}
    assert node["client"] == {"databaseId": own_client.id}


async def test_anonymous_gets_unauthenticated(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    await factories.create_transaction(
        session, order=await _order(session), amount=Decimal("100.00")
    )

    # when
    body = await graphql(TRANSACTIONS_QUERY)

    # then
    error = assert_graphql_error(body, code="UNAUTHENTICATED")
    assert error["message"] == "Sign in to do this."
    assert body["data"] is None


async def test_staff_see_all_transactions_newest_first(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    rows = [
        await factories.create_transaction(
            session, order=await _order(session), amount=Decimal(f"{k + 1}00.00")
        )
        for k in range(3)
    ]

    # when
    data = await graphql.data(TRANSACTIONS_QUERY, as_=staff)

    # then
    assert data["transactions"]["totalCount"] == 3
    assert _ids(data) == [t.id for t in reversed(rows)]


async def test_fields_serialize_with_amounts_as_strings_and_the_account_masked(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    await factories.create_transaction(
        session,
        order=await _order(session),
        amount=Decimal("1250"),
        type=models.TransactionType.WIRE_TRANSFER,
        transferred_currency="USD",
        transferred_amount=Decimal("1362.5"),
        bank="Main Bank",
        bank_account_number="DE89 3704 0044 0532 0112 34",
        bank_branch="Berlin",
        transaction_date=date(2026, 3, 14),
        info="Wire from buyer",
    )

    # when
    data = await graphql.data(TRANSACTIONS_QUERY, as_=staff)

    # then
    node = data["transactions"]["nodes"][0]
    assert node["amount"] == "1250.00"
    assert node["transferredAmount"] == "1362.50"
    assert node["transferredCurrency"] == "USD"
    assert node["type"] == "WIRE_TRANSFER"
    assert node["bank"] == "Main Bank"
    assert node["bankAccountNumber"] == "****1234"
    assert node["bankBranch"] == "Berlin"
    assert node["transactionDate"] == "2026-03-14"
    assert node["chequeNumber"] is None
    assert node["chequeDate"] is None
    assert node["info"] == "Wire from buyer"


async def test_filter_by_type_amount_and_date(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order = await _order(session)
    wanted = await factories.create_transaction(
        session,
        order=order,
        amount=Decimal("300.00"),
        type=models.TransactionType.CHEQUE,
        cheque_number="000123",
        cheque_date=date(2026, 2, 1),
        transaction_date=date(2026, 2, 3),
    )
    await factories.create_transaction(  # wrong date
        session,
        order=order,
        amount=Decimal("300.00"),
        type=models.TransactionType.CHEQUE,
        transaction_date=date(2026, 1, 3),
    )
    await factories.create_transaction(  # wrong type
        session, order=order, amount=Decimal("300.00"), transaction_date=date(2026, 2, 3)
    )
    await factories.create_transaction(  # too small
        session,
        order=order,
        amount=Decimal("50.00"),
        type=models.TransactionType.CHEQUE,
        transaction_date=date(2026, 2, 3),
    )
    transaction_filter = {
        "type": {"in": ["CHEQUE"]},
        "amount": {"gte": "100"},
        "transactionDate": {"gte": "2026-02-01", "lte": "2026-02-28"},
        "orderId": {"eq": _gid("Order", order)},
    }

    # when
    data = await graphql.data(TRANSACTIONS_QUERY, {"filter": transaction_filter}, as_=staff)

    # then
    assert _ids(data) == [wanted.id]
    assert data["transactions"]["nodes"][0]["chequeNumber"] == "000123"
    assert data["transactions"]["nodes"][0]["chequeDate"] == "2026-02-01"


async def test_filter_by_client_id(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    wanted = await factories.create_transaction(
        session, order=await _order(session, client), amount=Decimal("10.00")
    )
    await factories.create_transaction(
        session, order=await _order(session), amount=Decimal("10.00")
    )

    # when
    data = await graphql.data(
        TRANSACTIONS_QUERY, {"filter": {"clientId": {"eq": _gid("Client", client)}}}, as_=staff
    )

    # then
    assert _ids(data) == [wanted.id]


async def test_a_foreign_id_in_a_filter_is_bad_input(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)

    # when
    body = await graphql(
        TRANSACTIONS_QUERY, {"filter": {"orderId": {"eq": _gid("Client", client)}}}, as_=staff
    )

    # then
    error = assert_graphql_error(body, code="BAD_USER_INPUT")
    assert error["message"] == "`orderId` must be the ID of an Order"


async def test_paginates_by_transaction_date(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    order = await _order(session)
    rows = [
        await factories.create_transaction(
            session, order=order, amount=Decimal("10.00"), transaction_date=date(2026, 1, day)
        )
        for day in (5, 1, 4, 2, 3)
    ]
    expected = [t.id for t in sorted(rows, key=lambda t: t.transaction_date, reverse=True)]
    order_by = [{"field": "TRANSACTION_DATE", "direction": "DESC"}]

    # when
    first = await graphql.data(TRANSACTIONS_QUERY, {"first": 2, "orderBy": order_by}, as_=staff)
    second = await graphql.data(
        TRANSACTIONS_QUERY,
        {"first": 2, "after": first["transactions"]["pageInfo"]["endCursor"], "orderBy": order_by},
        as_=staff,
    )
    third = await graphql.data(
        TRANSACTIONS_QUERY,
        {"first": 2, "after": second["transactions"]["pageInfo"]["endCursor"], "orderBy": order_by},
        as_=staff,
    )
    back = await graphql.data(
        TRANSACTIONS_QUERY,
        {
            "last": 2,
            "before": third["transactions"]["pageInfo"]["startCursor"],
            "orderBy": order_by,
        },
        as_=staff,
    )

    # then
    assert _ids(first) == expected[:2]
    assert _ids(second) == expected[2:4]
    assert _ids(third) == expected[4:]
    assert third["transactions"]["pageInfo"]["hasNextPage"] is False
    assert _ids(back) == expected[2:4]
    assert [n["transactionDate"] for n in first["transactions"]["nodes"]] == [
        "2026-01-05",
        "2026-01-04",
    ]


async def test_search_matches_cheque_number_and_info(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order = await _order(session)
    wanted = await factories.create_transaction(
        session, order=order, amount=Decimal("10.00"), info="Paid at the counter"
    )
    await factories.create_transaction(session, order=order, amount=Decimal("10.00"))

    # when
    data = await graphql.data(TRANSACTIONS_QUERY, {"search": "counter"}, as_=staff)

    # then
    assert _ids(data) == [wanted.id]


async def test_client_transactions_follow_row_visibility(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    own_client = await session.get(models.Client, bidder.client_id)
    assert own_client is not None
    own_order = await _order(session, own_client)
    await factories.create_transaction(session, order=own_order, amount=Decimal("75.00"))
    other_client = await factories.create_client(session)
    await factories.create_transaction(
        session, order=await _order(session, other_client), amount=Decimal("10.00")
    )

    # when
    own = await graphql.data(
        CLIENT_TRANSACTIONS_QUERY, {"id": _gid("Client", own_client)}, as_=bidder
    )
    other = await graphql.data(
        CLIENT_TRANSACTIONS_QUERY, {"id": _gid("Client", other_client)}, as_=bidder
    )

    # then
    assert own["node"]["transactions"] == {
        "totalCount": 1,
        "nodes": [{"amount": "75.00", "order": {"number": own_order.number}}],
    }
    assert other["node"] is None
