"""Test fixtures: a migrated database per run, one rolled-back transaction per test."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from db.admin import create_database, drop_database
from db.engine import create_engine
from db.migrate import upgrade
from db.session import OperationDB
from server.app import create_app
from server.settings import Settings
from tests.committed import Committed
from tests.graphql_client import GraphQLClient

pytest_plugins: list[str] = []


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """DATABASE_URL, or the embedded PostgreSQL of the project's data directory."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    from server.embedded import start_embedded_postgres

    data_dir = Path(os.environ.get("GAVEL_DATA_DIR", ".gavel"))
    url, handle = start_embedded_postgres(data_dir)
    yield url
    del handle


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> AsyncIterator[str]:
    """A fresh database for this test process, migrated to head, dropped at the end."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"gavel_test_{worker}_{secrets.token_hex(3)}"
    url = await create_database(server_url, name)
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    yield url
    await drop_database(server_url, name)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5, max_overflow=40)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection in a transaction that is rolled back after the test."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        yield conn
        if transaction.is_active:
            await transaction.rollback()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions joined to the test transaction: the app's commits only release savepoints."""
    return async_sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """The test's own session, for factories and for checking the database afterwards."""
    async with sessionmaker() as session:
        yield session


@pytest.fixture
async def db(
    sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession
) -> AsyncIterator[OperationDB]:
    """An OperationDB on the test transaction, for calling domain functions directly.

    It depends on ``session`` so that it is closed first: savepoints unwind in order.
    """
    operation = OperationDB(sessionmaker)
    yield operation
    await operation.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Uploads go to the test's own directory; no request rate limit (its upsert would be one
    more statement in every statement count; tests/rest_compat/test_rate_limit.py has its own
    server with tight limits)."""
    return Settings(
        database_url=None, graphiql=True, files_dir=tmp_path / "files", rate_limit_enabled=False
    )


@pytest.fixture
def app(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> Any:
    return create_app(
        settings, database_url="", sessionmaker=sessionmaker, listen=False, closer=False
    )


@pytest.fixture
async def http(app: Any, session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
def graphql(http: httpx.AsyncClient, session: AsyncSession) -> GraphQLClient:
    """``await graphql(QUERY, variables, as_=user)`` → the response JSON."""
    return GraphQLClient(http, session)


class StatementCounter:
    """Counts SQL statements sent through the engine while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.active = False

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.active and not statement.lstrip().upper().startswith(
            ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
        ):
            self.statements.append(statement)

    @contextmanager
    def counting(self) -> Iterator[StatementCounter]:
        self.statements.clear()
        self.active = True
        try:
            yield self
        finally:
            self.active = False

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(engine: AsyncEngine) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    sa.event.listen(engine.sync_engine, "before_cursor_execute", counter)
    yield counter
    sa.event.remove(engine.sync_engine, "before_cursor_execute", counter)


@pytest.fixture
def committed(database_url: str) -> Iterator[Committed]:
    """The session's database in committed mode (for concurrency and NOTIFY tests).

    Every table is emptied afterwards so the rolled-back tests still start from nothing.
    """
    helper = Committed(database_url)
    yield helper
    helper.truncate()
