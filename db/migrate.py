"""Applying and checking Alembic migrations from code (CLI, server start-up, tests)."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from db.base import metadata


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Autogenerate leaves procrastinate's objects alone: its schema comes from its own SQL."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate_"))


def alembic_config() -> Config:
    """Configuration pointing at the packaged ``db/migrations`` scripts."""
    config = Config()
    config.set_main_option("script_location", "db:migrations")
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision`` in one transaction."""

    def _upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def pending_changes(engine: AsyncEngine) -> list[Any]:
    """What autogenerate would still add: empty when the migrations match the models."""

    def _compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        return list(compare_metadata(context, metadata))

    async with engine.connect() as connection:
        return await connection.run_sync(_compare)
