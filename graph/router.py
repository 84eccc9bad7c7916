"""The FastAPI router serving /graphql (HTTP, GraphiQL, both WebSocket protocols)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import Request, WebSocket
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry import Schema
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from db.session import OperationDB
from domain.auth import TokenPolicy, authenticate
from domain.errors import Unauthenticated
from graph.context import Context
from graph.loaders import Loaders


@dataclass(frozen=True)
class GraphState:
    """What the GraphQL layer needs from the app (set on ``app.state.graph``)."""

    sessionmaker: async_sessionmaker[AsyncSession]
    token_policy: TokenPolicy


class GraphQLAuthError(Exception):
    """A bearer token was sent but is not valid; answered as 401 with a GraphQL error body."""

    def __init__(self, error: Unauthenticated) -> None:
        super().__init__(str(error))


def bearer_token(headers: Any, query_params: Any) -> str | None:
    """The token from ``Authorization: Bearer …`` or, failing that, ``?access_token=``."""
    header = headers.get("authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    token = query_params.get("access_token")
    return str(token) if token else None


async def get_context(
    request: Request = None,  # type: ignore[assignment]
    websocket: WebSocket = None,  # type: ignore[assignment]
) -> AsyncIterator[Context]:
    """Per operation: one OperationDB, the caller, and fresh loaders. Closed after the response."""
    connection = request if request is not None else websocket
    state: GraphState = connection.app.state.graph
    db = OperationDB(state.sessionmaker)
    try:
        principal = await authenticate(
            db, bearer_token(connection.headers, connection.query_params), datetime.now(UTC)
        )
    except Unauthenticated as exc:
        await db.close()
        raise GraphQLAuthError(exc) from exc
    try:
        yield Context(
            db=db,
            principal=principal,
            loaders=Loaders(db, principal),
            sessionmaker=state.sessionmaker,
        )
    finally:
        await db.close()


class GavelGraphQLRouter(GraphQLRouter[Context, None]):
    """Strawberry's router with orjson encoding."""

    def encode_json(self, data: object) -> bytes:  # type: ignore[override]
        return orjson.dumps(data)


def create_graphql_router(schema: Schema, *, graphiql: bool = True) -> GavelGraphQLRouter:
    return GavelGraphQLRouter(
        schema,
        context_getter=get_context,
        graphql_ide="graphiql" if graphiql else None,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL],
    )
