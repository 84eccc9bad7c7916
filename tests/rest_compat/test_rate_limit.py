"""Rate limiting of /api/... (rest-api.md A11) and /graphql: headers, 429 bodies, per token and
per IP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.app import create_app
from server.settings import Settings
from tests import factories
from tests.graphql_client import GraphQLClient


@pytest.fixture
async def tight(
    sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession
) -> AsyncIterator[httpx.AsyncClient]:
    """A server allowing 3 requests per IP and 5 per token in an hour (windows are aligned to
    the clock: a test crossing a minute's end would start a fresh one half way)."""
    settings = Settings(
        database_url=None,
        rate_limit_per_ip=3,
        rate_limit_per_token=5,
        rate_limit_window_seconds=3600,
    )
    app: Any = create_app(
        settings, database_url="", sessionmaker=sessionmaker, listen=False, closer=False
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_every_answer_says_how_many_requests_are_left(tight: httpx.AsyncClient) -> None:
    # when
    answers = [await tight.get("/api/v2/auction/products") for _ in range(3)]

    # then
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"3"}
    resets = {int(a.headers["X-RateLimit-Reset"]) for a in answers}
    assert len(resets) == 1


async def test_over_the_limit_the_circuit_api_answers_429_with_retry_after(
    tight: httpx.AsyncClient,
) -> None:
    for _ in range(3):
        await tight.get("/api/v1.0/get-file/1")

    refused = await tight.get("/api/v1.0/get-file/1")

    assert refused.status_code == 429
    body = refused.json()
    retry_after = int(refused.headers["Retry-After"])
    assert body == {
        "type": "https://tools.ietf.org/html/rfc6585#section-4",
        "title": "Rate limit exceeded",
        "status": 429,
        "detail": "Too many requests. Please try again later.",
        "retry_after": retry_after,
    }
    assert 1 <= retry_after <= 3600
    assert refused.headers["X-RateLimit-Remaining"] == "0"


async def test_the_ecommerce_api_answers_429_in_its_own_body(tight: httpx.AsyncClient) -> None:
    for _ in range(3):
        await tight.get("/api/v2/auction/products")

    refused = await tight.get("/api/v2/auction/products")

    assert refused.status_code == 429
    assert refused.json() == {"result": False, "message": "Too Many Attempts."}
    assert "Retry-After" in refused.headers


async def test_a_token_has_its_own_larger_budget(
    tight: httpx.AsyncClient, session: AsyncSession
) -> None:
    # given: the anonymous budget of this IP is spent
    for _ in range(4):
        await tight.get("/api/v2/auction/products")
    user = await factories.create_bidder(session)
    token = await GraphQLClient(tight, session).token_for(user)
    headers = {"Authorization": f"Bearer {token}"}

    # when
    answers = [await tight.get("/api/v2/auction/products", headers=headers) for _ in range(6)]

    # then
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[0].headers["X-RateLimit-Limit"] == "5"


async def test_graphql_counts_in_the_same_budget_and_answers_rate_limited(
    tight: httpx.AsyncClient, session: AsyncSession
) -> None:
    # given: a token that spent 3 of its 5 requests on REST
    user = await factories.create_bidder(session)
    token = await GraphQLClient(tight, session).token_for(user)
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/graphql-response+json",
    }
    for _ in range(3):
        await tight.get("/api/v2/auction/products", headers=headers)

    # when
    answers = [
        await tight.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
        for _ in range(3)
    ]

    # then
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
    refused = answers[2]
    retry_after = int(refused.headers["Retry-After"])
    assert refused.headers["content-type"].startswith("application/graphql-response+json")
    assert refused.json() == {
        "errors": [
            {
                "message": "Too many requests. Please try again later.",
                "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after},
            }
        ]
    }


async def test_a_language_prefix_is_counted_like_the_path_it_serves(
    tight: httpx.AsyncClient,
) -> None:
    answers = [await tight.get("/en/api/v1.0/get-file/1") for _ in range(4)]

    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert answers[3].status_code == 429


async def test_anonymous_graphql_shares_the_ip_budget_of_rest(tight: httpx.AsyncClient) -> None:
    # given: the IP's budget is spent on REST
    for _ in range(3):
        await tight.get("/api/v2/auction/products")

    # when
    refused = await tight.post("/graphql", json={"query": "{ __typename }"})

    # then: plain JSON for a client that did not ask for graphql-response+json
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/json")
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
