"""OperationDB: the one AsyncSession an operation (request, event, job) uses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import Executable, Result
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

T = TypeVar("T")


class OperationDB:
    """One lazily opened ``AsyncSession`` per operation, used by one task at a time.

    Dataloader batches of one GraphQL operation run concurrently, but an ``AsyncSession`` must
    never be used by two tasks at once; the lock makes their statements run one after another on
    the same connection and snapshot. A use case takes the same lock for its whole transaction
    through ``transaction()`` and commits once at its end.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            self._session = self._sessionmaker()
        return self._session

    async def execute(self, statement: Executable, params: Any = None) -> Result[*tuple[Any, ...]]:
        """Run one statement under the operation's lock."""
        async with self._lock:
            return await self.session.execute(statement, params)

    async def all(self, statement: Executable, params: Any = None) -> Sequence[Any]:
        """Run one statement and return its first column of every row (ORM objects or values)."""
        result = await self.execute(statement, params)
        return result.scalars().all()

    async def rows(self, statement: Executable, params: Any = None) -> Sequence[Any]:
        """Run one statement and return its rows as tuples."""
        result = await self.execute(statement, params)
        return result.all()

    async def scalar(self, statement: Executable, params: Any = None) -> Any:
        result = await self.execute(statement, params)
        return result.scalar()

    @asynccontextmanager
    async def lock(self) -> AsyncIterator[None]:
        """Hold the operation's lock for a few statements that must not interleave."""
        async with self._lock:
            yield

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Hold the session for one use case; commit at the end, roll back on any error.

        Helpers inside only ``flush()``; this is the single commit of the use case.
        """
        async with self._lock:
            session = self.session
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def close(self) -> None:
        """Release the connection (rolling back anything uncommitted)."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
