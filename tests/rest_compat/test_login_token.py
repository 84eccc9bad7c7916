"""REST B0 / A2: GET /api/login-token with HTTP Basic, Bearer and ?access_token= elsewhere."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import models
from domain.auth import token_digest
from server.app import create_app
from server.settings import Settings
from tests import factories
from tests.graphql_client import GraphQLClient

RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
ME = "query { me { id } }"


def basic(email: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def unauthorized(detail: str) -> dict[str, object]:
    return {
        "type": f"{RFC2616}#sec10.4.2",
        "title": "Unauthorized",
        "status": 401,
        "detail": detail,
    }


async def test_login_token_shape(http: httpx.AsyncClient, session: AsyncSession) -> None:
    # given
    user = await factories.create_staff(session, email="Clerk@Example.com")
    before = datetime.now(UTC)

    # when
    response = await http.get(
        "/api/login-token", headers=basic("clerk@example.com", factories.PASSWORD)
    )

    # then
    assert response.status_code == 200
    (token,) = response.json()["data"]
    assert list(token) == ["id", "token", "type", "uid", "expire"]
    assert isinstance(token["id"], str)
    assert token["id"].isdigit()
    assert isinstance(token["token"], str)
    assert 40 <= len(token["token"]) <= 64
    assert token["type"] == "access_token"
    assert token["uid"] == str(user.id)
    assert isinstance(token["expire"], int)
    expected = before + timedelta(hours=24)
    assert abs(token["expire"] - expected.timestamp()) < 60


async def test_the_same_token_is_handed_out_while_valid(
    http: httpx.AsyncClient, session: AsyncSession
) -> None:
    # given
    await factories.create_staff(session, email="clerk@example.com")
    headers = basic("clerk@example.com", factories.PASSWORD)

    # when
    first = (await http.get("/api/login-token", headers=headers)).json()
    second = (await http.get("/api/login-token", headers=headers)).json()

    # then
    assert first == second
    count = await session.scalar(sa.select(sa.func.count()).select_from(models.AccessToken))
    assert count == 1


async def test_the_token_works_for_rest_and_graphql(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    user = await factories.create_staff(session, email="clerk@example.com")
    login = await http.get(
        "/api/login-token", headers=basic("clerk@example.com", factories.PASSWORD)
    )
    token = login.json()["data"][0]["token"]

    # when
    by_header = await http.get(
        "/api/v1.0/datatable-clients", headers={"Authorization": f"Bearer {token}"}
    )
    by_query = await http.get(f"/api/v1.0/datatable-clients?access_token={token}")
    graph = await graphql.data(ME, as_=token)

    # then
    assert by_header.status_code == 200
    assert by_query.status_code == 200
    assert token not in by_query.json()["self"]["href"]
    assert graph["me"]["id"]
    assert user.id is not None


async def test_header_wins_over_query_token(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    token = await graphql.token_for(staff)

    # when
    response = await http.get(
        f"/api/v1.0/datatable-clients?access_token={token}",
        headers={"Authorization": "Bearer not-a-token"},
    )

    # then
    assert response.status_code == 401
    assert response.json() == unauthorized("Invalid access token.")


async def test_login_errors(http: httpx.AsyncClient, session: AsyncSession) -> None:
    # given
    await factories.create_staff(session, email="clerk@example.com")
    await factories.create_staff(session, email="gone@example.com", is_active=False)

    # when
    missing = await http.get("/api/login-token")
    bearer = await http.get("/api/login-token", headers={"Authorization": "Bearer x"})
    garbage = await http.get("/api/login-token", headers={"Authorization": "Basic !!!"})
    wrong = await http.get("/api/login-token", headers=basic("clerk@example.com", "nope"))
    unknown = await http.get(
        "/api/login-token", headers=basic("who@example.com", factories.PASSWORD)
    )
    blocked = await http.get(
        "/api/login-token", headers=basic("gone@example.com", factories.PASSWORD)
    )

    # then
    for response in (missing, bearer, garbage):
        assert response.status_code == 401
        assert response.json() == unauthorized("No authentication credentials provided.")
        assert response.headers["www-authenticate"] == 'Basic realm="gavel"'
    for response in (wrong, unknown, blocked):
        assert response.status_code == 401
        assert response.json() == unauthorized("Wrong credentials.")


async def test_calls_without_or_with_a_bad_or_expired_token(
    http: httpx.AsyncClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    expired_token = "expired-token-value"

    session.add(
        models.AccessToken(
            user_id=staff.id,
            token_hash=token_digest(expired_token),
            token_hint="x",
            created_at=datetime.now(UTC) - timedelta(days=2),
            expires_at=datetime.now(UTC) - timedelta(days=1),
        )
    )
    await session.flush()

    # when
    anonymous = await http.get("/api/v1.0/datatable-clients")
    invalid = await http.get(
        "/api/v1.0/datatable-clients", headers={"Authorization": "Bearer nope"}
    )
    expired = await http.get(
        "/api/v1.0/datatable-clients", headers={"Authorization": f"Bearer {expired_token}"}
    )

    # then
    assert anonymous.status_code == 401
    assert anonymous.json() == unauthorized("No authentication credentials provided.")
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert invalid.status_code == 401
    assert invalid.json() == unauthorized("Invalid access token.")
    again = await http.get(
        "/api/v1.0/datatable-clients", headers={"Authorization": f"Bearer {expired_token}"}
    )
    assert again.status_code == 401  # deleted when first presented (A2.1)
    assert expired.status_code == 403
    assert expired.json() == {
        "type": f"{RFC2616}#sec10.4.4",
        "title": "Forbidden",
        "status": 403,
        "detail": "Access token expired.",
    }


@pytest.fixture
def guarded(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> Any:
    """The app with a day-long failed-login window (windows are aligned to the clock: a test
    crossing the end of a 15-minute one would start counting afresh half way)."""
    settings = settings.model_copy(update={"login_failure_window_seconds": 86400})
    return create_app(
        settings, database_url="", sessionmaker=sessionmaker, listen=False, closer=False
    )


def from_address(app: Any, host: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(host, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_after_ten_failures_an_address_is_refused_even_with_the_right_password(
    guarded: Any, session: AsyncSession
) -> None:
    # given
    await factories.create_staff(session, email="clerk@example.com")
    wrong = basic("clerk@example.com", "guess")
    right = basic("clerk@example.com", factories.PASSWORD)

    async with (
        from_address(guarded, "203.0.113.7") as attacker,
        from_address(guarded, "198.51.100.2") as clerk,
    ):
        # when
        failures = [await attacker.get("/api/login-token", headers=wrong) for _ in range(10)]
        refused = await attacker.get("/api/login-token", headers=right)
        elsewhere = await clerk.get("/api/login-token", headers=right)

    # then
    assert [f.status_code for f in failures] == [401] * 10
    assert refused.status_code == 429
    retry_after = int(refused.headers["Retry-After"])
    assert 0 < retry_after <= 86400
    assert refused.json() == {
        "type": "https://tools.ietf.org/html/rfc6585#section-4",
        "title": "Rate limit exceeded",
        "status": 429,
        "detail": "Too many requests. Please try again later.",
        "retry_after": retry_after,
    }
    assert "token" not in refused.text
    assert elsewhere.status_code == 200  # the limit is per address, not per account


async def test_successful_logins_do_not_count_as_failures(
    guarded: Any, session: AsyncSession
) -> None:
    # given
    await factories.create_staff(session, email="clerk@example.com")
    right = basic("clerk@example.com", factories.PASSWORD)

    async with from_address(guarded, "203.0.113.8") as client:
        # when
        answers = [await client.get("/api/login-token", headers=right) for _ in range(12)]
        wrong = await client.get("/api/login-token", headers=basic("clerk@example.com", "x"))

    # then
    assert {a.status_code for a in answers} == {200}
    assert wrong.status_code == 401


async def test_graphql_and_rest_failures_count_together(
    guarded: Any, session: AsyncSession
) -> None:
    # given
    await factories.create_staff(session, email="clerk@example.com")
    mutation = "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }"
    wrong = {"i": {"email": "clerk@example.com", "password": "guess"}}
    right = {"i": {"email": "clerk@example.com", "password": factories.PASSWORD}}

    async with from_address(guarded, "203.0.113.9") as client:
        # when
        for _ in range(5):
            await client.get("/api/login-token", headers=basic("clerk@example.com", "guess"))
        for _ in range(5):
            await client.post("/graphql", json={"query": mutation, "variables": wrong})
        refused = await client.post("/graphql", json={"query": mutation, "variables": right})

    # then
    body = refused.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 0 < error["extensions"]["retryAfter"] <= 86400
