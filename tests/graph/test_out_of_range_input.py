"""Input values no column can hold are BAD_USER_INPUT errors, never masked internal errors."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

ITEMS_CLOSING = "query($m: DateTime!) { items(filter: {closesAt: {gte: $m}}) { totalCount } }"
ITEMS_ESTIMATED = "query($a: Decimal!) { items(filter: {estimateLow: {gte: $a}}) { totalCount } }"


@pytest.mark.parametrize(
    "moment",
    ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "2026-13-01T00:00:00Z", "soon"],
)
async def test_a_moment_outside_years_1_to_9999_in_utc_is_bad_input(
    graphql: GraphQLClient, session: AsyncSession, moment: str
) -> None:
    staff = await factories.create_staff(session)

    body = await graphql(ITEMS_CLOSING, {"m": moment}, as_=staff)

    error = assert_graphql_error(body, code="BAD_USER_INPUT")
    assert moment in error["message"]


async def test_moments_without_an_offset_are_utc(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given: the only lot closing at 12:00 UTC
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    await factories.create_item(session, sale=sale, closes_at=datetime(2030, 1, 1, 12, tzinfo=UTC))

    # when
    at_noon = await graphql.data(ITEMS_CLOSING, {"m": "2030-01-01T12:00:00"}, as_=staff)
    after = await graphql.data(ITEMS_CLOSING, {"m": "2030-01-01T12:00:01"}, as_=staff)

    # then
    assert at_noon["items"]["totalCount"] == 1
    assert after["items"]["totalCount"] == 0


@pytest.mark.parametrize("amount", ["1e1000000", "1000000000000000000", "-1E+30", "Infinity"])
async def test_an_amount_no_column_holds_is_bad_input(
    graphql: GraphQLClient, session: AsyncSession, amount: str
) -> None:
    staff = await factories.create_staff(session)

    body = await graphql(ITEMS_ESTIMATED, {"a": amount}, as_=staff)

    assert_graphql_error(body, code="BAD_USER_INPUT")


def _gid(type_name: str, database_id: int) -> str:
    return base64.b64encode(f"{type_name}:{database_id}".encode()).decode()


async def test_ids_beyond_postgresql_integers_name_nothing(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    huge = _gid("Sale", 99_999_999_999)

    node = await graphql("query($id: ID!) { node(id: $id) { id } }", {"id": huge}, as_=staff)
    filtered = await graphql.data(
        "query($s: ID!) { items(filter: {saleId: {eq: $s}}) { totalCount } }",
        {"s": huge},
        as_=staff,
    )
    updated = await graphql(
        'mutation($id: ID!) { updateSale(input: {id: $id, title: "x"}) { errors { code } } }',
        {"id": huge},
        as_=staff,
    )

    assert node == {"data": {"node": None}}
    assert filtered == {"items": {"totalCount": 0}}
    error = assert_graphql_error(updated, code="NOT_FOUND")  # as for any unknown sale
    assert error["message"] == "Sale not found."
