"""Committed mode: NOTIFY fires only on commit and concurrency needs real connections."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import metadata
from db.engine import create_engine, create_sessionmaker

T = TypeVar("T")
PROCRASTINATE_TABLES = ["procrastinate_jobs", "procrastinate_workers"]
"""procrastinate's tables (not in the models' metadata); its events go with its jobs."""


class Committed:
    """Runs async set-up code against the test database in its own event loop, committing."""

    def __init__(self, url: str) -> None:
        self.url = url

    def run(self, build: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async def go() -> T:
            engine = create_engine(self.url, pool_size=1)
            try:
                async with create_sessionmaker(engine)() as session:
                    result = await build(session)
                    await session.commit()
                    return result
            finally:
                await engine.dispose()

        return asyncio.run(go())

    def truncate(self) -> None:
        async def go() -> None:
            engine = create_engine(self.url, pool_size=1)
            names = [t.name for t in metadata.sorted_tables] + PROCRASTINATE_TABLES
            tables = ", ".join(f'"{name}"' for name in names)
            async with engine.begin() as conn:
                await conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            await engine.dispose()

        asyncio.run(go())
