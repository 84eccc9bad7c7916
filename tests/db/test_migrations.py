"""Alembic migrations build exactly the tables the models declare."""

from __future__ import annotations

import secrets

from db.admin import create_database, drop_database
from db.engine import create_engine
from db.migrate import pending_changes, upgrade


async def test_upgrade_on_an_empty_database_leaves_nothing_for_autogenerate(
    server_url: str,
) -> None:
    # given
    name = f"gavel_migrations_{secrets.token_hex(3)}"
    url = await create_database(server_url, name)
    engine = create_engine(url, pool_size=1)
    try:
        # when
        await upgrade(engine)
        changes = await pending_changes(engine)
    finally:
        await engine.dispose()
        await drop_database(server_url, name)

    # then
    assert changes == []
