"""`login`, and using its token as a bearer token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from domain.auth import token_digest
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

LOGIN_MUTATION = """
mutation Login($input: LoginInput!) {
  login(input: $input) {
    token
    expiresAt
    user { databaseId email role isActive client { databaseId } }
    errors { field code message }
  }
}
"""

ME_QUERY = """
query { me { databaseId email fullName role } }
"""

WRONG_CREDENTIALS = [
    {"field": None, "code": "INVALID_CREDENTIALS", "message": "Wrong credentials."}
]


async def _login(graphql: GraphQLClient, email: str, password: str) -> dict[str, Any]:
    data = await graphql.data(LOGIN_MUTATION, {"input": {"email": email, "password": password}})
    payload: dict[str, Any] = data["login"]
    return payload


async def test_login_with_a_wrong_password_returns_invalid_credentials(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    user = await factories.create_bidder(session)

    # when
    payload = await _login(graphql, user.email, "not the password")

    # then
    assert payload == {"token": None, "expiresAt": None, "user": None, "errors": WRONG_CREDENTIALS}
    tokens = await session.scalar(
        sa.select(sa.func.count()).where(models.AccessToken.user_id == user.id)
    )
    assert tokens == 0


async def test_login_with_an_unknown_email_gives_the_same_error(graphql: GraphQLClient) -> None:
    # when
    payload = await _login(graphql, "nobody@example.com", factories.PASSWORD)

    # then
    assert payload == {"token": None, "expiresAt": None, "user": None, "errors": WRONG_CREDENTIALS}


async def test_login_of_an_inactive_user_gives_the_same_error(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    user = await factories.create_bidder(session, is_active=False)

    # when
    payload = await _login(graphql, user.email, factories.PASSWORD)

    # then
    assert payload == {"token": None, "expiresAt": None, "user": None, "errors": WRONG_CREDENTIALS}


async def test_login_returns_a_token_that_works_as_bearer(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    user = await factories.create_bidder(session)
    before = datetime.now(UTC)

    # when
    payload = await _login(graphql, user.email, factories.PASSWORD)
    me = await graphql.data(ME_QUERY, as_=payload["token"])

    # then
    assert payload["errors"] == []
    assert payload["user"] == {
        "databaseId": user.id,
        "email": user.email,
        "role": "BIDDER",
        "isActive": True,
        "client": {"databaseId": user.client_id},
    }
    expires_at = datetime.fromisoformat(payload["expiresAt"])
    assert before + timedelta(hours=23) < expires_at <= datetime.now(UTC) + timedelta(hours=24)
    assert me["me"] == {
        "databaseId": user.id,
        "email": user.email,
        "fullName": user.full_name,
        "role": "BIDDER",
    }


async def test_login_again_while_the_token_is_valid_returns_the_same_token(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    user = await factories.create_staff(session)
    first = await _login(graphql, user.email, factories.PASSWORD)

    # when
    again = await _login(graphql, user.email.upper(), factories.PASSWORD)

    # then
    assert again["token"] == first["token"]
    assert again["expiresAt"] == first["expiresAt"]
    assert again["user"]["client"] is None
    tokens = await session.scalar(
        sa.select(sa.func.count()).where(models.AccessToken.user_id == user.id)
    )
    assert tokens == 1


async def test_the_stored_token_hash_is_not_the_token(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    user = await factories.create_bidder(session)

    # when
    payload = await _login(graphql, user.email, factories.PASSWORD)

    # then
    stored = (
        await session.execute(
            sa.select(models.AccessToken.token_hash, models.AccessToken.token_hint).where(
                models.AccessToken.user_id == user.id
            )
        )
    ).one()
    assert payload["token"] not in stored
    assert stored.token_hash == token_digest(payload["token"])


async def test_an_expired_token_gets_401_unauthenticated(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    user = await factories.create_bidder(session)
    token = (await _login(graphql, user.email, factories.PASSWORD))["token"]
    await session.execute(
        sa.update(models.AccessToken)
        .where(models.AccessToken.user_id == user.id)
        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )

    # when
    response = await graphql.post(ME_QUERY, as_=token)

    # then
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    error = assert_graphql_error(response.json(), code="UNAUTHENTICATED")
    assert error["message"] == "Access token expired."


@pytest.mark.parametrize(
    ("_case", "token"),
    [
        ("random string", "garbage"),
        ("well-formed but never issued", "A" * 43),
    ],
)
async def test_an_unknown_token_gets_401_unauthenticated(
    graphql: GraphQLClient, _case: str, token: str
) -> None:
    # when
    response = await graphql.post(ME_QUERY, as_=token)

    # then
    assert response.status_code == 401
    error = assert_graphql_error(response.json(), code="UNAUTHENTICATED")
    assert error["message"] == "Invalid access token."


async def test_the_token_works_as_access_token_query_parameter(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    user = await factories.create_bidder(session)
    token = (await _login(graphql, user.email, factories.PASSWORD))["token"]

    # when
    response = await graphql.http.get("/graphql", params={"query": ME_QUERY, "access_token": token})

    # then
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "me": {
                "databaseId": user.id,
                "email": user.email,
                "fullName": user.full_name,
                "role": "BIDDER",
            }
        }
    }


async def test_a_garbage_access_token_query_parameter_gets_401(graphql: GraphQLClient) -> None:
    # when
    response = await graphql.http.get(
        "/graphql", params={"query": ME_QUERY, "access_token": "garbage"}
    )

    # then
    assert response.status_code == 401
    assert_graphql_error(response.json(), code="UNAUTHENTICATED")
