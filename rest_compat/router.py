"""The REST layer's routers: ``/api/v1.0`` (Circuit) and the file content route."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from domain.errors import DomainError
from rest_compat.circuit import files
from rest_compat.content import router as content_router
from rest_compat.deps import RestState
from rest_compat.errors import RestError, domain_error_handler, rest_error_handler

API_PREFIX = "/api/v1.0"

circuit = APIRouter(prefix=API_PREFIX)
circuit.include_router(files.router)


def mount_rest(app: FastAPI, state: RestState) -> None:
    """Add the REST routes and their error handlers (A10 bodies) to ``app``."""
    app.state.rest = state
    app.include_router(circuit)
    app.include_router(content_router)
    app.add_exception_handler(RestError, rest_error_handler)
    app.add_exception_handler(DomainError, domain_error_handler)
