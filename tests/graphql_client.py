"""Helpers to call the GraphQL endpoint as a given user and to check errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from db import models


class GraphQLClient:
    """Posts GraphQL documents; ``as_`` is a user (a token is issued) or a raw token."""

    def __init__(self, http: httpx.AsyncClient, session: AsyncSession) -> None:
        self.http = http
        self.session = session
        self._tokens: dict[int, str] = {}

    async def token_for(self, user: models.User) -> str:
        from db.session import OperationDB
        from domain.auth import TokenPolicy, issue_token

        assert user.id is not None
        if user.id not in self._tokens:
            app_state = self.http._transport.app.state.graph  # type: ignore[attr-defined]
            policy: TokenPolicy = app_state.token_policy
            db = OperationDB(app_state.sessionmaker)
            async with db.transaction():
                issued = await issue_token(db, user, policy, datetime.now(UTC))
            await db.close()
            self._tokens[user.id] = issued.token
        return self._tokens[user.id]

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: models.User | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if isinstance(as_, models.User):
            all_headers["Authorization"] = f"Bearer {await self.token_for(as_)}"
        elif isinstance(as_, str):
            all_headers["Authorization"] = f"Bearer {as_}"
        # Tests see what production sees: nothing cached in the test's own session.
        self.session.expunge_all()
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers
        )

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: models.User | str | None = None,
    ) -> dict[str, Any]:
        response = await self.post(query, variables, as_=as_)
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: models.User | str | None = None,
    ) -> dict[str, Any]:
        """The ``data`` of a response that must have no errors."""
        body = await self(query, variables, as_=as_)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


def assert_graphql_error(body: dict[str, Any], *, code: str, count: int = 1) -> dict[str, Any]:
    """The response carries exactly ``count`` errors, the first with ``extensions.code``."""
    errors = body.get("errors") or []
    assert len(errors) == count, errors
    assert errors[0]["extensions"]["code"] == code, errors
    first: dict[str, Any] = errors[0]
    return first
