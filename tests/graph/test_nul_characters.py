"""Text holding U+0000 (which PostgreSQL cannot store) is a BAD_USER_INPUT request error."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

CREATE_CLIENT = """
mutation($input: CreateClientInput!) {
  createClient(input: $input) { client { databaseId } errors { field code } }
}
"""


async def _clients(session: AsyncSession) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(models.Client)) or 0)


async def test_a_nul_in_a_variable_is_refused_before_anything_runs(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    before = await _clients(session)
    variables = {"input": {"firstName": "Ada\x00", "lastName": "Lovelace"}}

    # when
    body = await graphql(CREATE_CLIENT, variables, as_=staff)

    # then
    error = assert_graphql_error(body, code="BAD_USER_INPUT")
    assert error["message"] == "Text cannot contain NUL characters. ($input.firstName)"
    assert error["extensions"]["fields"] == ["input.firstName"]
    assert body.get("data") is None
    assert await _clients(session) == before


async def test_a_nul_in_a_string_literal_is_refused(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    body = await graphql('{ clients(search: "a\\u0000b") { totalCount } }', as_=staff)
    plain = await graphql('{ clients(search: "a\\u00e9b") { totalCount } }', as_=staff)

    # then
    error = assert_graphql_error(body, code="BAD_USER_INPUT")
    assert error["message"] == "Text cannot contain NUL characters. (a string literal)"
    assert plain == {"data": {"clients": {"totalCount": 0}}}
