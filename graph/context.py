"""The per-operation context: database scope, caller and loaders."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.fastapi import BaseContext

from db.session import OperationDB
from domain.auth import TokenPolicy
from domain.files import FileStore
from domain.principal import Principal

if TYPE_CHECKING:
    from graph.loaders import Loaders
    from realtime.bus import EventBus


@dataclass(frozen=True, slots=True)
class EventScope:
    """The database scope and loaders of one subscription event."""

    db: OperationDB
    loaders: Loaders


# Strawberry builds one context per WebSocket connection; a subscription sets its current event's
# scope here. Each subscription runs in its own task, so the value is private to it, and every
# resolver of that event's selection set (same task) reads fresh rows, never stale cached ones.
_event_scope: ContextVar[EventScope | None] = ContextVar("gavel_event_scope", default=None)


@dataclass
class Context(BaseContext):
    """Built per HTTP operation, or per WebSocket connection (then scoped per event)."""

    operation_db: OperationDB
    principal: Principal
    operation_loaders: Loaders
    sessionmaker: async_sessionmaker[AsyncSession]
    token_policy: TokenPolicy
    bus: EventBus | None = None
    file_store: FileStore | None = None
    public_url: str | None = None
    """Base URL of the house's public site (``GAVEL_PUBLIC_URL``)."""

    def __post_init__(self) -> None:
        super().__init__()

    @property
    def db(self) -> OperationDB:
        """The current event's database scope inside a subscription, else the operation's."""
        scope = _event_scope.get()
        return scope.db if scope is not None else self.operation_db

    @property
    def loaders(self) -> Loaders:
        """The current event's loaders inside a subscription, else the operation's."""
        scope = _event_scope.get()
        return scope.loaders if scope is not None else self.operation_loaders

    def sign_in(self, principal: Principal) -> None:
        """Resolve the rest of the operation (or connection) as ``principal``.

        Fresh loaders, because rows cached for the previous caller were scoped to them.
        """
        from graph.loaders import Loaders

        self.principal = principal
        self.operation_loaders = Loaders(self.operation_db, principal)

    async def next_event_scope(self) -> EventScope:
        """Close the previous event's scope (if any) and open a fresh one for the next event."""
        from graph.loaders import Loaders

        await self.close_event_scope()
        db = OperationDB(self.sessionmaker)
        scope = EventScope(db=db, loaders=Loaders(db, self.principal))
        _event_scope.set(scope)
        return scope

    async def close_event_scope(self) -> None:
        scope = _event_scope.get()
        if scope is not None:
            _event_scope.set(None)
            await scope.db.close()


Info: TypeAlias = strawberry.Info[Context, None]
