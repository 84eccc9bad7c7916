"""Resolving which PostgreSQL to use and bringing its schema up to date."""

from __future__ import annotations

import os
from typing import Any

from db.engine import create_engine
from db.migrate import upgrade
from server.embedded import start_embedded_postgres
from server.settings import Settings


class DatabaseHandle:
    """The database URL in use, keeping an embedded server alive while referenced."""

    def __init__(self, url: str, embedded: Any = None) -> None:
        self.url = url
        self.embedded = embedded

    @property
    def is_embedded(self) -> bool:
        return self.embedded is not None


def resolve_database(settings: Settings) -> DatabaseHandle:
    """``DATABASE_URL`` if set, else the embedded server in ``GAVEL_DATA_DIR``.

    The resolved URL is exported as ``DATABASE_URL`` so uvicorn worker processes use it too.
    """
    if settings.database_url:
        return DatabaseHandle(settings.database_url)
    url, server = start_embedded_postgres(settings.data_dir)
    os.environ["DATABASE_URL"] = url
    return DatabaseHandle(url, server)


async def migrate(url: str) -> None:
    """Apply every pending Alembic migration."""
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
