"""Normalising the PostgreSQL URLs that people paste into the async driver's form."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url


def async_url(url: str) -> URL:
    """Return ``url`` as a ``postgresql+asyncpg`` SQLAlchemy URL.

    Accepts ``postgres://``, ``postgresql://``, ``postgresql+psycopg://`` and the asyncpg form,
    so the string any PostgreSQL tool prints can be used as it is.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() not in {"postgres", "postgresql"}:
        raise ValueError(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
    return parsed.set(drivername="postgresql+asyncpg")


def plain_url(url: URL) -> str:
    """Return ``url`` as the driver-less ``postgresql://`` string libpq tools understand."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)
