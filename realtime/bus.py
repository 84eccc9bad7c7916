"""The event bus: one LISTEN connection per process, fanned out to in-process subscribers.

Events arrive in commit order on one asyncpg connection. Each subscriber owns a bounded queue;
a subscriber that falls too far behind is dropped (its iterator raises ``SubscriberLagging``)
instead of slowing the others, and resumes from the database with ``afterSequence``. When the
LISTEN connection is lost it is re-established, and every subscriber receives a ``Resync`` marker
so it can read what it may have missed from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from realtime.events import CHANNEL, Event, parse_event

log = logging.getLogger(__name__)

DEFAULT_QUEUE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Resync:
    """Notifications may have been lost (the LISTEN connection dropped): re-read the database."""


class SubscriberLagging(Exception):
    """The subscriber's queue overflowed; it must reconnect and resume from the database."""


Message = Event | Resync


@dataclass(eq=False)
class Subscriber:
    accepts: Callable[[Event], bool]
    queue: asyncio.Queue[Message | SubscriberLagging] = field(
        default_factory=lambda: asyncio.Queue(DEFAULT_QUEUE_SIZE)
    )
    lagging: bool = False
    idle: bool = False
    """Waiting for its next message: it has handled everything delivered so far."""

    def offer(self, message: Message) -> None:
        if self.lagging:
            return
        if isinstance(message, Resync) or self.accepts(message):
            try:
                self.queue.put_nowait(message)
            except asyncio.QueueFull:
                self.lagging = True
                # Make room for the marker so the consumer learns at once.
                with contextlib.suppress(asyncio.QueueEmpty):
                    self.queue.get_nowait()
                self.queue.put_nowait(SubscriberLagging("too many events behind; resume later"))


class EventBus:
    """Owns the process's LISTEN connection and its subscribers."""

    def __init__(self, connect: Callable[[], Any], *, retry_seconds: float = 0.5) -> None:
        self._connect = connect
        self._retry_seconds = retry_seconds
        self._subscribers: set[Subscriber] = set()
        self._connection: asyncpg.Connection | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self._ready = asyncio.Event()
        self.connections_made = 0

    @classmethod
    def for_url(cls, url: str, **kwargs: Any) -> EventBus:
        """A bus for a libpq-style URL (``postgresql://…``)."""
        return cls(lambda: asyncpg.connect(url), **kwargs)

    async def start(self) -> None:
        """Connect and keep listening until ``stop()``."""
        self._supervisor = asyncio.create_task(self._supervise(), name="gavel-event-bus")
        await asyncio.wait_for(self._ready.wait(), timeout=30)

    async def stop(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        await self._close()

    @property
    def backend_pid(self) -> int | None:
        """The server process id of the LISTEN connection (for diagnostics and tests)."""
        return self._connection.get_server_pid() if self._connection is not None else None

    def idle_subscribers(self) -> int:
        """Subscribers waiting for their next event, i.e. caught up and listening (diagnostics).

        A subscription counts once it has read its starting point and waits for live events,
        which is what a test must wait for before committing the events it expects.
        """
        return sum(1 for subscriber in self._subscribers if subscriber.idle)

    async def _supervise(self) -> None:
        first = True
        while True:
            try:
                await self._listen()
            except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
                log.warning("event bus: cannot listen (%s); retrying", exc)
                await asyncio.sleep(self._retry_seconds)
                continue
            if not first:
                self._broadcast(Resync())
            first = False
            self._ready.set()
            await self._lost.wait()
            log.warning("event bus: LISTEN connection lost; reconnecting")
            await self._close()
            self._broadcast(Resync())

    async def _listen(self) -> None:
        self._lost.clear()
        connection: asyncpg.Connection = await self._connect()
        connection.add_termination_listener(lambda _conn: self._lost.set())
        await connection.add_listener(CHANNEL, self._on_notify)
        self._connection = connection
        self.connections_made += 1

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await connection.close(timeout=2)

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            event = parse_event(payload)
        except ValueError:
            log.exception("event bus: unreadable payload %r", payload)
            return
        self._broadcast(event)

    def _broadcast(self, message: Message) -> None:
        for subscriber in list(self._subscribers):
            subscriber.offer(message)

    @contextlib.asynccontextmanager
    async def subscribe(
        self, accepts: Callable[[Event], bool]
    ) -> AsyncIterator[AsyncIterator[Message]]:
        """Receive the events ``accepts`` lets through (and every ``Resync``) while inside."""
        subscriber = Subscriber(accepts)
        self._subscribers.add(subscriber)

        async def messages() -> AsyncIterator[Message]:
            while True:
                subscriber.idle = subscriber.queue.empty()
                message = await subscriber.queue.get()
                subscriber.idle = False
                if isinstance(message, SubscriberLagging):
                    raise message
                yield message

        try:
            yield messages()
        finally:
            self._subscribers.discard(subscriber)
