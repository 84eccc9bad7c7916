"""The FastAPI router serving /graphql (HTTP, GraphiQL, both WebSocket protocols)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import Request, Response, WebSocket
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry import Schema
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from db.session import OperationDB
from domain.auth import TokenPolicy, authenticate, bearer_token
from domain.errors import Unauthenticated
from domain.files import FileStore
from graph.context import Context
from graph.loaders import Loaders
from graph.multiplex import MultiplexedGraphQLWSHandler, MultiplexedTransportWSHandler
from realtime.bus import EventBus


@dataclass(frozen=True)
class GraphState:
    """What the GraphQL layer needs from the app (set on ``app.state.graph``)."""

    sessionmaker: async_sessionmaker[AsyncSession]
    token_policy: TokenPolicy
    bus: EventBus | None = None
    file_store: FileStore | None = None
    public_url: str | None = None


class GraphQLAuthError(Exception):
    """A bearer token was sent but is not valid; answered as 401 with a GraphQL error body."""

    def __init__(self, error: Unauthenticated) -> None:
        super().__init__(str(error))


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
        if websocket is not None:
            # A socket may live for hours: give its pooled connection back now (reopened lazily).
            await db.close()
        yield Context(
            operation_db=db,
            principal=principal,
            operation_loaders=Loaders(db, principal),
            sessionmaker=state.sessionmaker,
            token_policy=state.token_policy,
            bus=state.bus,
            file_store=state.file_store,
            public_url=state.public_url,
        )
    finally:
        await db.close()


GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"
PREFLIGHT_HEADERS = ("authorization", "graphql-require-preflight", "apollo-require-preflight")
"""A multipart POST is a "simple" request a foreign page could send with a plain form (CSRF, see
the GraphQL multipart request spec's security section); requiring one of these headers forces
a CORS preflight, which foreign origins fail."""
MULTIPART_SLACK = 64 * 1024
"""Room for the multipart envelope, ``operations`` and ``map`` on top of the file itself."""
# On a tie (e.g. ``*/*``) the legacy type wins: its status codes are what old clients expect.
_RESPONSE_TYPES = (APPLICATION_JSON, GRAPHQL_RESPONSE_JSON)


def _quality(params: dict[str, str]) -> float:
    try:
        return max(0.0, min(1.0, float(params.get("q", "1"))))
    except ValueError:
        return 0.0


def negotiate_media_type(accept: str | None) -> str | None:
    """The response media type an ``Accept`` header asks for; None when it accepts neither.

    Follows RFC 9110 §12.5.1: each supported type takes the quality of the most specific range
    that matches it; the best quality wins, then the range listed first. No ``Accept`` header
    means ``application/json`` (GraphQL-over-HTTP's legacy default, which GraphiQL and existing
    clients rely on).
    """
    if accept is None or not accept.strip():
        return APPLICATION_JSON
    ranges = [parse_content_type(part) for part in accept.split(",") if part.strip()]
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for media_type in _RESPONSE_TYPES:
        kind = media_type.split("/")[0]
        matches = [
            (specificity, -position, _quality(params))
            for position, (media_range, params) in enumerate(ranges)
            for specificity, pattern in ((2, media_type), (1, f"{kind}/*"), (0, "*/*"))
            if media_range.lower() == pattern
        ]
        if not matches:
            continue
        _, position, quality = max(matches)  # the most specific range decides the quality
        if quality > 0 and (best is None or (quality, position) > best):
            best, chosen = (quality, position), media_type
    return chosen


def is_request_error(result: ExecutionResult) -> bool:
    """Whether ``result`` is a GraphQL request error (parse, validation, variables, operation).

    Those stop the operation before execution, so no error has a ``path``; a field error always
    has one, even when it nulls the whole ``data``.
    """
    return result.data is None and all(error.path is None for error in result.errors or ())


class GavelGraphQLRouter(GraphQLRouter[Context, None]):
    """Strawberry's router with orjson encoding and GraphQL-over-HTTP media type negotiation.

    ``Accept: application/graphql-response+json`` gets that media type and its status codes:
    400 for request errors (no ``data``), 200 once execution produced ``data``. Otherwise (no
    ``Accept``, ``application/json``, ``*/*``) the response is ``application/json`` with 200 for
    every well-formed request. An ``Accept`` allowing neither is 406, a POST body that is not
    JSON 415, a mutation over GET 405.

    Over WebSocket, subscriptions are multiplexed (``graph.multiplex``): one execution per
    document, variables and visibility, fanned out to every subscriber.
    """

    graphql_transport_ws_handler_class = MultiplexedTransportWSHandler
    graphql_ws_handler_class = MultiplexedGraphQLWSHandler
    max_upload_bytes: int | None = None
    """The largest upload the file store accepts; a bigger multipart body is refused unread."""

    async def on_ws_connect(self, context: Context) -> None:
        """Authenticate a socket from ``connection_init``'s ``{"Authorization": "Bearer …"}``.

        A socket without a token stays anonymous (or keeps the token of its URL); an invalid or
        expired one is refused (graphql-transport-ws closes with 4403).
        """
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        header = params.get("Authorization") or params.get("authorization")
        token = bearer_token({"authorization": header} if header else {}, params)
        if token is None:
            return
        try:
            principal = await authenticate(context.operation_db, token, datetime.now(UTC))
        except Unauthenticated as exc:
            raise ConnectionRejectionError({"message": str(exc)}) from exc
        finally:
            await context.operation_db.close()
        context.sign_in(principal)

    def encode_json(self, data: object) -> str:
        # A str, not bytes: Strawberry sends bytes as binary WebSocket frames, and both
        # subscription protocols require text frames.
        return orjson.dumps(data).decode()

    async def get_sub_response(self, request: Request) -> Response:
        # The sub-response is per request: it carries the negotiated type to create_response.
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = negotiate_media_type(request.headers.get("accept"))
        return sub_response

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        # Runs after the GraphiQL check, so a browser asking for text/html still gets the IDE.
        if negotiate_media_type(request.headers.get("accept")) is None:
            raise HTTPException(
                406, f"Accept {GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON} in the response."
            )
        if request.method == "POST":
            content_type, _ = parse_content_type(request.content_type or "")
            uploads = self.multipart_uploads_enabled and content_type == "multipart/form-data"
            if content_type.lower() != APPLICATION_JSON and not uploads:
                raise HTTPException(415, f"Send the request body as {APPLICATION_JSON}.")
            if uploads and not any(request.headers.get(name) for name in PREFLIGHT_HEADERS):
                raise HTTPException(
                    400,
                    "A multipart request must carry an Authorization (Bearer) or "
                    "GraphQL-Require-Preflight header.",
                )
            length = request.headers.get("content-length") or ""
            if (
                uploads
                and self.max_upload_bytes is not None
                and length.isdigit()
                and int(length) > self.max_upload_bytes + MULTIPART_SLACK
            ):
                # Refused before the body is read; the domain enforces the exact limit per file.
                raise HTTPException(413, "The request is larger than the upload limit.")
        return await super().parse_http_body(request)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=request_data,
            )
        except HTTPException as exc:
            cause = exc.__cause__
            if isinstance(cause, InvalidOperationTypeError) and request_adapter.method == "GET":
                raise HTTPException(405, exc.reason) from cause
            if isinstance(cause, CannotGetOperationTypeError):
                # A well-formed request naming no (or an unknown) operation: a request error.
                error = GraphQLError(cause.as_http_error_reason())
                return PreExecutionError(data=None, errors=[error])
            raise

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if is_request_error(result):
            # GraphQL spec §7.1.2: a request error's response has no `data` entry at all.
            response.pop("data", None)
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media_type = sub_response.media_type or APPLICATION_JSON
        status = sub_response.status_code or 200
        if (
            media_type == GRAPHQL_RESPONSE_JSON
            and status < 400
            and isinstance(response_data, dict)
            and "data" not in response_data
        ):
            status = 400
        response = Response(
            self.encode_json(response_data),
            status_code=status,
            media_type=(
                f"{media_type}; charset=utf-8"
                if media_type == GRAPHQL_RESPONSE_JSON
                else media_type
            ),
        )
        response.headers.raw.extend(sub_response.headers.raw)
        return response


def create_graphql_router(
    schema: Schema, *, graphiql: bool = True, max_upload_bytes: int | None = None
) -> GavelGraphQLRouter:
    router = GavelGraphQLRouter(
        schema,
        context_getter=get_context,  # type: ignore[arg-type]  # a FastAPI yield dependency
        graphql_ide="graphiql" if graphiql else None,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL],
        multipart_uploads_enabled=True,
    )
    router.max_upload_bytes = max_upload_bytes
    return router
