"""The per-operation context: database scope, caller and loaders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.fastapi import BaseContext

from db.session import OperationDB
from domain.auth import TokenPolicy
from domain.principal import Principal

if TYPE_CHECKING:
    from graph.loaders import Loaders


@dataclass
class Context(BaseContext):
    """Built per HTTP operation (and, for subscriptions, per event through ``fresh()``)."""

    db: OperationDB
    principal: Principal
    loaders: Loaders
    sessionmaker: async_sessionmaker[AsyncSession]
    token_policy: TokenPolicy

    def __post_init__(self) -> None:
        super().__init__()

    def sign_in(self, principal: Principal) -> None:
        """Resolve the rest of the operation as ``principal`` (after a successful ``login``).

        Fresh loaders, because rows cached for the previous caller were scoped to them.
        """
        from graph.loaders import Loaders

        self.principal = principal
        self.loaders = Loaders(self.db, principal)

    def fresh(self) -> Context:
        """A new database scope and loaders for the same caller (one subscription event)."""
        from graph.loaders import Loaders

        db = OperationDB(self.sessionmaker)
        return Context(
            db=db,
            principal=self.principal,
            loaders=Loaders(db, self.principal),
            sessionmaker=self.sessionmaker,
            token_policy=self.token_policy,
        )


Info: TypeAlias = strawberry.Info[Context, None]
