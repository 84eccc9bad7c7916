"""Creating and dropping whole databases (tests, `gavel migrate --create`)."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import URL

from db.url import async_url


def _connect_kwargs(url: URL, database: str) -> dict[str, object]:
    kwargs: dict[str, object] = {
        "user": url.username,
        "password": url.password,
        "database": database,
        "host": url.host or url.query.get("host"),
        "port": url.port,
    }
    return {k: v for k, v in kwargs.items() if v}


async def create_database(url: str, name: str) -> str:
    """Create database ``name`` on the server of ``url``; return the URL pointing at it."""
    parsed = async_url(url)
    conn = await asyncpg.connect(**_connect_kwargs(parsed, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return parsed.set(database=name).render_as_string(hide_password=False)


async def drop_database(url: str, name: str) -> None:
    """Drop database ``name`` (terminating its connections)."""
    parsed = async_url(url)
    conn = await asyncpg.connect(**_connect_kwargs(parsed, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
