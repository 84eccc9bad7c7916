"""Rate limiting of ``/api/...`` and ``/graphql`` per access token (or per IP without one).

A fixed window (60 s by default, rest-api.md A11): each HTTP request adds one to its caller's
counter in PostgreSQL (``rate_limit_counters``, one upsert on its own short transaction), so
every server process shares the count, and a token's REST and GraphQL calls share one budget.
Every answer carries ``X-RateLimit-Limit`` / ``-Remaining`` / ``-Reset``; over the limit the
request is answered 429 with ``Retry-After`` and never reaches the endpoint: the Circuit A10 body
with ``retry_after``, the e-commerce API's own ``Too Many Attempts.`` body, or a GraphQL error
``RATE_LIMITED`` with ``extensions.retryAfter``. WebSocket subscriptions are not counted.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import Headers, QueryParams
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.queries.rate_limit import count_request, forget_windows_before
from domain.auth import bearer_token
from rest_compat.errors import TOO_MANY_REQUESTS, rate_limited

LIMITED_PREFIXES = ("/api/", "/graphql")
ECOMMERCE_PREFIX = "/api/v2/"
GRAPHQL_PREFIX = "/graphql"
GRAPHQL_RESPONSE = "application/graphql-response+json"
REQUEST = "request:"
"""Key prefix of the request counters (failed logins count under their own, ``domain.auth``)."""
CLEANUP_CHANCE = 0.01
"""How often a request that opens a new window also drops the windows that have passed."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Requests allowed per window for a token and for an IP without one; None turns it off."""

    per_token: int = 600
    per_ip: int = 120
    window_seconds: int = 60


@dataclass(frozen=True, slots=True)
class Verdict:
    limit: int
    count: int
    reset: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(self.reset).encode()),
        ]


def caller_key(scope: Scope, limits: Limits) -> tuple[str, int]:
    """Whom a request counts for and that caller's limit: its token's digest, else its IP."""
    token = bearer_token(Headers(scope=scope), QueryParams(scope.get("query_string", b"")))
    if token:
        digest = hashlib.sha256(token.encode()).hexdigest()[:40]
        return f"{REQUEST}token:{digest}", limits.per_token
    client = scope.get("client")
    return REQUEST + "ip:" + (client[0] if client else "unknown"), limits.per_ip


class RateLimitMiddleware:
    """ASGI middleware counting every ``/api/...`` and ``/graphql`` HTTP request."""

    def __init__(
        self,
        app: ASGIApp,
        sessionmaker: async_sessionmaker[AsyncSession],
        limits: Limits,
    ) -> None:
        self.app = app
        self.sessionmaker = sessionmaker
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        verdict = await self.count(scope)
        if not verdict.allowed:
            await self.refuse(scope, receive, send, verdict)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *verdict.headers()]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def count(self, scope: Scope) -> Verdict:
        key, limit = caller_key(scope, self.limits)
        window = self.limits.window_seconds
        now = datetime.now(UTC)
        start = datetime.fromtimestamp(math.floor(now.timestamp() / window) * window, UTC)
        async with self.sessionmaker() as session:
            count = await count_request(session, key, start)
            if count == 1 and random.random() < CLEANUP_CHANCE:
                await forget_windows_before(session, REQUEST, start - timedelta(seconds=window))
            await session.commit()
        return Verdict(limit=limit, count=count, reset=int(start.timestamp()) + window)

    async def refuse(self, scope: Scope, receive: Receive, send: Send, verdict: Verdict) -> None:
        retry_after = max(1, verdict.reset - math.floor(datetime.now(UTC).timestamp()))
        headers = {name.decode(): value.decode() for name, value in verdict.headers()}
        path = scope["path"]
        if path.startswith(ECOMMERCE_PREFIX) or path.startswith(GRAPHQL_PREFIX):
            headers["Retry-After"] = str(retry_after)
            response: Response = Response(
                orjson.dumps(_own_body(path, retry_after)),
                429,
                headers=headers,
                media_type=_media_type(scope),
            )
        else:
            response = rate_limited(retry_after, headers).response()
        await response(scope, receive, send)


def _own_body(path: str, retry_after: int) -> dict[str, object]:
    """The 429 body of the e-commerce API (C1.4) or of GraphQL."""
    if path.startswith(ECOMMERCE_PREFIX):
        return {"result": False, "message": "Too Many Attempts."}
    error = {
        "message": TOO_MANY_REQUESTS,
        "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after},
    }
    return {"errors": [error]}


def _media_type(scope: Scope) -> str:
    """GraphQL-over-HTTP's own media type when the client asked for it, else JSON."""
    accept = Headers(scope=scope).get("accept", "")
    if scope["path"].startswith(GRAPHQL_PREFIX) and GRAPHQL_RESPONSE in accept:
        return GRAPHQL_RESPONSE
    return "application/json"
