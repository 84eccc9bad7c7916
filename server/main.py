"""ASGI entry point for uvicorn workers: ``server.main:app_factory``."""

from __future__ import annotations

from fastapi import FastAPI

from server.app import create_app
from server.settings import Settings


def app_factory() -> FastAPI:
    """Build the app from the environment; `gavel serve` has already set DATABASE_URL."""
    settings = Settings()
    if not settings.database_url:
        raise RuntimeError("DATABASE_URL is not set; start the server with `gavel serve`")
    return create_app(settings, database_url=settings.database_url, worker=settings.worker)
