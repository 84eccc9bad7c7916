"""The async engine and session factory."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db.url import async_url


def _json_default(value: Any) -> Any:
    # Money stays exact inside JSONB: a Decimal becomes its string, never a float.
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def json_dumps(value: Any) -> str:
    """orjson for JSONB columns; Decimals are written as strings."""
    return orjson.dumps(value, default=_json_default).decode()


def create_engine(
    url: str, *, pool_size: int = 10, max_overflow: int = 20, echo: bool = False
) -> AsyncEngine:
    """An asyncpg engine for any PostgreSQL URL form (see ``db.url.async_url``)."""
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        echo=echo,
        json_serializer=json_dumps,
        json_deserializer=orjson.loads,
    )


def create_sessionmaker(bind: Any) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (resolvers read them later)."""
    return async_sessionmaker(bind=bind, expire_on_commit=False, autoflush=False)
