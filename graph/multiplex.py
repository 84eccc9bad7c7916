"""Subscription multiplexing: each event is resolved once per group, not once per subscriber.

Design (the idea Hasura uses for live queries):

- **Groups.** A subscription operation over either WebSocket protocol joins the process's ``HUB``
  instead of running its own ``schema.subscribe``. Operations with the same document, operation
  name, variables and *visibility* share one ``Group``: ``"staff"`` (STAFF and ADMIN read every
  row), ``"client:<id>"`` (a bidder also reads their own bids and maxima), ``"user:<id>"`` (signed
  in without a client) or ``"public"``. A group runs ``schema.subscribe`` once, in its own task,
  with its own ``Context`` for the principal of its first member (every principal of one
  visibility reads the same rows, see ``db/queries/visibility.py``); each event still gets a fresh
  database scope through ``Context.next_event_scope``. A later member joins the running stream
  (its events from then on; the subscribe-time checks ran for the group). The group stops (and
  leaves the event bus) when its last member leaves.
- **One serialization per result.** A result's ``{"data", "errors", "extensions"}`` payload is
  encoded once; each member's frame is its pre-built prefix (``{"type":"next","id":…,"payload":``,
  or ``"data"`` for graphql-ws) + that payload + ``}``. Errors before the first result (validation,
  variables, UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND at subscribe time) are encoded once too
  and reach every member as its protocol's ``error`` message; the end of the stream is each
  member's ``complete``. A client's ``complete`` (or graphql-ws ``stop``) only removes that member.
- **Private groups.** A subscription with a non-null ``afterSequence`` replays history from that
  point for its own subscriber, so it gets a group of its own. One with a non-null ``onlyMine``
  (``entityUpdated``) depends on who asks, so its group is per user rather than per visibility.
- **Bounded, per-connection sending.** Every connection owns an ``Outbox``: a bounded queue of
  text frames drained by its own writer task (all of the connection's messages go through it, so
  their order is kept). Groups only append to outboxes and never wait for a socket, so one slow
  client never holds up a group or the other clients. When a connection's queue overflows, its
  pending frames are dropped, each of its subscription operations gets an ``error`` with
  ``extensions.code`` ``"LAGGING"`` (resume with ``afterSequence``), and the socket is closed
  with **1013 (Try Again Later)**: the standard code for a transient server-side condition, which
  graphql-ws clients retry, whereas 4429 is graphql-transport-ws's fatal "too many
  initialisation requests". A writer stuck on a dead socket is abandoned after a grace period.
- Queries and mutations over WebSocket, and documents whose operation cannot be determined
  (syntax errors, unknown ``operationName``), keep Strawberry's own handling.

``HUB.send_queue_size`` (frames per connection) applies to connections opened after it is set;
``HUB.results_resolved`` counts the results groups have resolved (for tests and metrics).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
from collections import deque
from collections.abc import AsyncGenerator, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import orjson
from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    ValueNode,
    VariableNode,
    Visitor,
    get_operation_ast,
    parse,
    visit,
)
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.async_base_view import AsyncWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema import BaseSchema
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.utils.aio import aclosing

from db.session import OperationDB
from domain.principal import ANONYMOUS, Principal
from graph.context import Context

log = logging.getLogger(__name__)

DEFAULT_SEND_QUEUE_SIZE = 1000
LAGGING_CLOSE_CODE = 1013
LAGGING_MESSAGE = (
    "This connection fell too far behind the live events and is being closed. Reconnect and "
    "subscribe again with `afterSequence` set to the last `sequence` you received."
)

Protocol = Literal["graphql-transport-ws", "graphql-ws"]
TRANSPORT_WS: Final = "graphql-transport-ws"
LEGACY_WS: Final = "graphql-ws"


def _dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def _frame(kind: str, id_json: str, payload: str) -> str:
    """A protocol message spliced from pre-encoded parts (no re-serialization)."""
    return f'{{"type":"{kind}","id":{id_json},"payload":{payload}}}'


# --- Which operations are multiplexed -----------------------------------------------------------


class _AfterSequenceArguments(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[ValueNode] = []
        self.only_mine: list[ValueNode] = []

    def enter_argument(self, node: ArgumentNode, *_args: object) -> None:
        if node.name.value == "afterSequence":
            self.values.append(node.value)
        elif node.name.value == "onlyMine":
            self.only_mine.append(node.value)


@dataclass(frozen=True, slots=True)
class _Document:
    document: DocumentNode
    after_sequence: tuple[ValueNode, ...]
    only_mine: tuple[ValueNode, ...] = ()


@functools.lru_cache(maxsize=512)
def _parse(query: str) -> _Document | None:
    try:
        document = parse(query)
    except GraphQLError:
        return None
    arguments = _AfterSequenceArguments()
    visit(document, arguments)
    return _Document(document, tuple(arguments.values), tuple(arguments.only_mine))


def _replays(
    operation: OperationDefinitionNode, values: tuple[ValueNode, ...], variables: Mapping[str, Any]
) -> bool:
    """Whether one of ``values`` (of ``afterSequence`` or ``onlyMine``) is non-null: passed
    literally, by variable or by a variable's default."""
    defaults = {
        definition.variable.name.value: definition.default_value
        for definition in operation.variable_definitions or ()
    }
    for value in values:
        if isinstance(value, VariableNode):
            name = value.name.value
            if name in variables:
                if variables[name] is not None:
                    return True
                continue
            default = defaults.get(name)
            if default is not None and not isinstance(default, NullValueNode):
                return True
        elif not isinstance(value, NullValueNode):
            return True
    return False


@dataclass(frozen=True, slots=True)
class SubscriptionRequest:
    """A subscription operation as a group runs it."""

    query: str
    operation_name: str | None
    variables: dict[str, Any] | None
    variables_key: str
    replays: bool
    personal: bool = False


def subscription_request(
    query: object, operation_name: object, variables: object
) -> SubscriptionRequest | None:
    """The request when it is a well-formed subscription; None leaves it to Strawberry."""
    if not isinstance(query, str) or not (
        operation_name is None or isinstance(operation_name, str)
    ):
        return None
    if variables is not None and not isinstance(variables, dict):
        return None
    parsed = _parse(query)
    if parsed is None:
        return None
    operation = get_operation_ast(parsed.document, operation_name)
    if operation is None or operation.operation is not OperationType.SUBSCRIPTION:
        return None
    try:
        variables_key = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return None
    return SubscriptionRequest(
        query=query,
        operation_name=operation_name,
        variables=variables,
        variables_key=variables_key,
        replays=_replays(operation, parsed.after_sequence, variables or {}),
        personal=_replays(operation, parsed.only_mine, variables or {}),
    )


def visibility(principal: Principal) -> str:
    """Which rows ``principal`` may read: callers with equal visibility share a group."""
    if principal.is_staff:
        return "staff"
    if principal.client_id is not None:
        return f"client:{principal.client_id}"
    if principal.user_id is not None:
        return f"user:{principal.user_id}"
    return "public"


# --- Per-connection sending ---------------------------------------------------------------------


@dataclass(eq=False)
class _Close:
    code: int
    reason: str
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Outbox:
    """One connection's bounded queue of text frames, drained by its own writer task."""

    def __init__(
        self,
        websocket: ASGIWebSocketAdapter,
        protocol: Protocol,
        *,
        size: int,
        close_grace_seconds: float,
    ) -> None:
        self.websocket = websocket
        self.protocol: Protocol = protocol
        self.size = size
        self.close_grace_seconds = close_grace_seconds
        self.members: dict[str, Member] = {}
        self.lagging = False
        self._frames: deque[str | _Close] = deque()
        self._closing: _Close | None = None
        self._closed = False
        self._wakeup = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._watchdog: asyncio.TimerHandle | None = None
        self._abandoning: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._writer = asyncio.create_task(self._drain(), name="gavel-ws-writer")

    async def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        self._closed = True

    def put(self, frame: str) -> None:
        """Queue a frame; never waits. An overflow drops the connection as LAGGING."""
        if self._closed or self._closing is not None:
            return
        if len(self._frames) >= self.size:
            self._overflow()
            return
        self._frames.append(frame)
        self._wakeup.set()

    async def close(self, code: int, reason: str) -> None:
        """Close after the frames queued so far (bounded by the grace period)."""
        if self._closed:
            return
        if self._closing is None:
            self._closing = _Close(code, reason)
            self._frames.append(self._closing)
            self._wakeup.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._closing.done), self.close_grace_seconds)
        except TimeoutError:
            await self._abandon()

    def _overflow(self) -> None:
        log.warning("websocket send queue overflowed (%d frames); closing as LAGGING", self.size)
        self.lagging = True
        self._frames.clear()
        for member in list(self.members.values()):
            self._frames.append(member.lagging_frame())
            member.finish(LAGGED)
        self._closing = _Close(LAGGING_CLOSE_CODE, "LAGGING: resume with afterSequence")
        self._frames.append(self._closing)
        self._wakeup.set()
        self._watchdog = asyncio.get_running_loop().call_later(
            self.close_grace_seconds, self._abandon_soon
        )

    def _abandon_soon(self) -> None:
        self._abandoning = asyncio.create_task(self._abandon())

    async def _abandon(self) -> None:
        """The writer is stuck on a socket that does not drain: give up on it and close."""
        if self._closed:
            return
        self._closed = True
        if self._writer is not None:
            self._writer.cancel()
        closing = self._closing or _Close(LAGGING_CLOSE_CODE, "")
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                self.websocket.close(closing.code, closing.reason), self.close_grace_seconds
            )
        if not closing.done.done():
            closing.done.set_result(None)

    async def _drain(self) -> None:
        try:
            while True:
                if not self._frames:
                    self._wakeup.clear()
                    await self._wakeup.wait()
                    continue
                item = self._frames.popleft()
                if isinstance(item, _Close):
                    try:
                        await self.websocket.close(item.code, item.reason)
                    finally:
                        self._closed = True
                    return
                await self.websocket.ws.send_text(item)
        except (WebSocketDisconnect, WebSocketDisconnected, RuntimeError, OSError):
            self._closed = True  # the peer is gone; the receive loop ends the connection
        finally:
            if self._watchdog is not None:
                self._watchdog.cancel()
            if self._closing is not None and not self._closing.done.done():
                self._closing.done.set_result(None)


class OutboxWebSocket(AsyncWebSocketAdapter):
    """The connection as Strawberry's handlers see it: sends and closes go through the outbox."""

    def __init__(self, inner: ASGIWebSocketAdapter, outbox: Outbox) -> None:
        super().__init__(inner.view)
        self._inner = inner
        self.outbox = outbox

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        async for message in self._inner.iter_json(ignore_parsing_errors=ignore_parsing_errors):
            yield message

    async def send_json(self, message: Mapping[str, object]) -> None:
        self.outbox.put(self.view.encode_json_string(message))

    async def close(self, code: int, reason: str) -> None:
        await self.outbox.close(code, reason)


# --- Groups -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ending:
    """How a member's operation ended: the stream completed, failed to start, or lagged."""

    kind: Literal["complete", "errors", "lagging"]
    errors: tuple[GraphQLError, ...] = ()
    transport_payload: str = ""  # graphql-transport-ws ``error``: the list of errors
    legacy_payload: str = ""  # graphql-ws ``error``: the first error

    @classmethod
    def from_errors(cls, errors: list[GraphQLError]) -> Ending:
        formatted = [error.formatted for error in errors]
        return cls("errors", tuple(errors), _dumps(formatted), _dumps(formatted[0]))


COMPLETED = Ending("complete")
LAGGED = Ending("lagging")
_LAGGING_ERROR = {"message": LAGGING_MESSAGE, "extensions": {"code": "LAGGING"}}
_LAGGING_PAYLOADS = {TRANSPORT_WS: _dumps([_LAGGING_ERROR]), LEGACY_WS: _dumps(_LAGGING_ERROR)}


class Member:
    """One subscriber: an operation id on one connection."""

    def __init__(self, outbox: Outbox, operation_id: str) -> None:
        self.outbox = outbox
        self.operation_id = operation_id
        self.id_json = _dumps(operation_id)
        kind = "next" if outbox.protocol == TRANSPORT_WS else "data"
        self.data_prefix = f'{{"type":"{kind}","id":{self.id_json},"payload":'
        self.ending: asyncio.Future[Ending] = asyncio.get_running_loop().create_future()
        self.group: Group | None = None

    def frame(self, kind: str, payload: str) -> str:
        return _frame(kind, self.id_json, payload)

    def lagging_frame(self) -> str:
        return self.frame("error", _LAGGING_PAYLOADS[self.outbox.protocol])

    def finish(self, ending: Ending) -> None:
        """End this member's operation (its handler sends the closing message)."""
        if self.outbox.members.get(self.operation_id) is self:
            del self.outbox.members[self.operation_id]
        if self.group is not None:
            group, self.group = self.group, None
            group.remove(self)
        if not self.ending.done():
            self.ending.set_result(ending)


class Group:
    """One running ``schema.subscribe`` whose results go to every member."""

    def __init__(
        self,
        hub: Hub,
        key: Hashable,
        schema: BaseSchema,
        request: SubscriptionRequest,
        context: Context,
    ) -> None:
        self.hub = hub
        self.key = key
        self.request = request
        self.context = context
        self.members: dict[Member, None] = {}
        self.results = 0
        self.ended = False
        self.task = asyncio.create_task(self._run(schema), name="gavel-subscription-group")
        self.task.add_done_callback(_retrieve)

    def add(self, member: Member) -> None:
        self.members[member] = None
        member.group = self

    def remove(self, member: Member) -> None:
        """Forget ``member``; the group stops with its last member."""
        self.members.pop(member, None)
        if member.group is self:
            member.group = None
        if not self.members and not self.ended:
            self.ended = True
            self.hub.discard(self)
            self.task.cancel()

    async def _run(self, schema: BaseSchema) -> None:
        request = self.request
        try:
            source = await schema.subscribe(
                request.query,
                variable_values=request.variables,
                context_value=self.context,
                operation_name=request.operation_name,
            )
            async with aclosing(source):
                first = True
                async for result in source:
                    if first and isinstance(result, PreExecutionError):
                        assert result.errors
                        self._end(Ending.from_errors(result.errors))
                        return
                    first = False
                    self._broadcast(result)
            self._end(COMPLETED)
        except Exception:
            log.exception("subscription group failed")
            self._end(COMPLETED)
        finally:
            self.hub.discard(self)
            with contextlib.suppress(Exception):
                await self.context.close_event_scope()
            with contextlib.suppress(Exception):
                await self.context.operation_db.close()

    def _broadcast(self, result: ExecutionResult) -> None:
        payload: dict[str, object] = {"data": result.data}
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        if result.extensions:
            payload["extensions"] = result.extensions
        encoded = _dumps(payload) + "}"
        self.results += 1
        self.hub.results_resolved += 1
        for member in tuple(self.members):
            member.outbox.put(member.data_prefix + encoded)

    def _end(self, ending: Ending) -> None:
        self.ended = True
        self.hub.discard(self)  # from now on a new subscriber starts a fresh group
        for member in tuple(self.members):
            member.finish(ending)


def _retrieve(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()


def _group_context(connection: Context, principal: Principal) -> Context:
    """A context like ``graph.router.get_context`` builds, for the group's principal."""
    from graph.loaders import Loaders

    db = OperationDB(connection.sessionmaker)
    return Context(
        operation_db=db,
        principal=principal,
        operation_loaders=Loaders(db, principal),
        sessionmaker=connection.sessionmaker,
        token_policy=connection.token_policy,
        bus=connection.bus,
        file_store=connection.file_store,
        public_url=connection.public_url,
    )


class Hub:
    """The process's subscription groups."""

    def __init__(
        self, *, send_queue_size: int = DEFAULT_SEND_QUEUE_SIZE, close_grace_seconds: float = 5.0
    ) -> None:
        self.send_queue_size = send_queue_size
        self.close_grace_seconds = close_grace_seconds
        self.groups: dict[Hashable, Group] = {}
        self.results_resolved = 0
        self._private = itertools.count()

    def outbox(self, websocket: AsyncWebSocketAdapter, protocol: Protocol) -> Outbox:
        if not isinstance(websocket, ASGIWebSocketAdapter):
            raise TypeError("subscription multiplexing needs an ASGI WebSocket")
        return Outbox(
            websocket,
            protocol,
            size=self.send_queue_size,
            close_grace_seconds=self.close_grace_seconds,
        )

    async def attend(
        self,
        outbox: Outbox,
        operation_id: str,
        schema: BaseSchema,
        request: SubscriptionRequest,
        connection: Context,
    ) -> Ending:
        """Join (or start) the operation's group and wait until the operation ends for us."""
        member = Member(outbox, operation_id)
        scope = visibility(connection.principal)
        if request.personal and connection.principal.user_id is not None:
            scope = f"self:{connection.principal.user_id}"
        key: Hashable = (
            ("private", next(self._private))
            if request.replays
            else (
                schema,
                connection.sessionmaker,
                connection.bus,
                request.query,
                request.operation_name,
                request.variables_key,
                scope,
            )
        )
        group = self.groups.get(key)
        if group is None:
            principal = ANONYMOUS if scope == "public" else connection.principal
            group = Group(self, key, schema, request, _group_context(connection, principal))
            self.groups[key] = group
        group.add(member)
        outbox.members[operation_id] = member
        try:
            return await member.ending
        finally:
            member.finish(COMPLETED)  # leaves the group when cancelled (complete/stop/close)

    def discard(self, group: Group) -> None:
        if self.groups.get(group.key) is group:
            del self.groups[group.key]

    def member_count(self) -> int:
        return sum(len(group.members) for group in list(self.groups.values()))


HUB = Hub()


# --- Protocol handlers --------------------------------------------------------------------------


class MultiplexedTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with subscriptions multiplexed through ``HUB``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outbox = HUB.outbox(self.websocket, TRANSPORT_WS)
        self.websocket = OutboxWebSocket(self.outbox.websocket, self.outbox)

    async def handle(self) -> None:
        self.outbox.start()
        try:
            await super().handle()
        finally:
            await self.outbox.stop()

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        request = subscription_request(
            operation.query, operation.operation_name, operation.variables
        )
        if request is None:
            await super().run_operation(operation)
            return
        ending = await HUB.attend(self.outbox, operation.id, self.schema, request, self.context)
        if operation.completed:
            return
        if ending.kind == "complete":
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
            return
        if ending.kind == "errors" and (
            reason := self._get_pre_execution_close_reason(ending.errors[0])
        ):
            await self.websocket.close(code=4400, reason=reason)
            self.operations.pop(operation.id, None)
            return
        # Like ``Operation.send_operation_message``: de-register before the final message.
        operation.completed = True
        if self.operations.get(operation.id) is operation:
            del self.operations[operation.id]
        if ending.kind == "errors":
            self.outbox.put(_frame("error", _dumps(operation.id), ending.transport_payload))


class MultiplexedGraphQLWSHandler(BaseGraphQLWSHandler[Context, None]):
    """The legacy graphql-ws protocol with subscriptions multiplexed through ``HUB``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outbox = HUB.outbox(self.websocket, LEGACY_WS)
        self.websocket = OutboxWebSocket(self.outbox.websocket, self.outbox)

    async def handle(self) -> None:
        self.outbox.start()
        try:
            await super().handle()
        finally:
            await self.outbox.stop()

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        request = subscription_request(query, operation_name, variables)
        if request is None:
            await super().handle_async_results(operation_id, query, operation_name, variables)
            return
        try:
            ending = await HUB.attend(self.outbox, operation_id, self.schema, request, self.context)
            if ending.kind == "complete":
                await self.send_message({"type": "complete", "id": operation_id})
            elif ending.kind == "errors":
                self.outbox.put(_frame("error", _dumps(operation_id), ending.legacy_payload))
        except asyncio.CancelledError:
            # ``stop``, or the connection ended: Strawberry answers ``complete`` too.
            await self.send_message({"type": "complete", "id": operation_id})
        finally:
            self.subscriptions.pop(operation_id, None)
            self.tasks.pop(operation_id, None)
