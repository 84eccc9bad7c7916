"""What REST routes need from the app, and their dependencies (database scope, caller)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyQuery, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.session import OperationDB
from domain.auth import TokenPolicy, authenticate, bearer_token
from domain.files import FileStore
from domain.principal import Principal
from rest_compat.errors import unauthenticated


@dataclass(frozen=True)
class RestState:
    """Set on ``app.state.rest`` by the app factory."""

    sessionmaker: async_sessionmaker[AsyncSession]
    token_policy: TokenPolicy
    file_store: FileStore
    seller_auction_product: bool = True
    """Whether the e-commerce API lists lots consigned by clients, not only house lots (C1.1)."""
    public_url: str | None = None
    """Base URL of the house's public site (sale pages at ``/sales/<id>``); None: no links."""


TOKEN_SECURITY = [
    Security(
        HTTPBearer(
            scheme_name="bearer",
            description="`Authorization: Bearer <token>` (A2.2); the token of `/api/login-token`.",
            auto_error=False,
        )
    ),
    Security(
        APIKeyQuery(
            name="access_token",
            scheme_name="access_token",
            description="The token as a query parameter (A2.2); the header wins if both come (D2).",
            auto_error=False,
        )
    ),
]
"""Route ``dependencies`` declaring, for OpenAPI and Swagger UI's Authorize, the two places
``domain.auth.bearer_token`` reads a token from; the routes' own dependencies do the reading."""


def rest_state(request: Request) -> RestState:
    state: RestState = request.app.state.rest
    return state


async def operation_db(state: RestState = Depends(rest_state)) -> AsyncIterator[OperationDB]:
    """One OperationDB per request (use cases commit inside; this only closes it)."""
    db = OperationDB(state.sessionmaker)
    try:
        yield db
    finally:
        await db.close()


async def optional_caller(request: Request, db: OperationDB = Depends(operation_db)) -> Principal:
    """The caller behind ``Authorization: Bearer`` or ``?access_token=``; anonymous without."""
    token = bearer_token(request.headers, request.query_params)
    return await authenticate(db, token, datetime.now(UTC))


async def caller(request: Request, principal: Principal = Depends(optional_caller)) -> Principal:
    """The authenticated caller; 401 without a token (every ``/api/v1.0`` endpoint, A2.2)."""
    if not principal.is_authenticated:
        raise unauthenticated("No authentication credentials provided.")
    return principal
