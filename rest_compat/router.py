"""The REST routers: ``/api/v1.0`` (Circuit), ``/api/v2/auction`` (e-commerce), file content."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from domain.errors import DomainError
from rest_compat.circuit import files
from rest_compat.content import router as content_router
from rest_compat.deps import RestState
from rest_compat.ecommerce.errors import AuctionError, auction_error_handler
from rest_compat.ecommerce.router import router as ecommerce
from rest_compat.errors import RestError, domain_error_handler, rest_error_handler
from rest_compat.ratelimit import RateLimitMiddleware

API_PREFIX = "/api/v1.0"

circuit = APIRouter(prefix=API_PREFIX)
circuit.include_router(files.router)


def mount_rest(app: FastAPI, state: RestState) -> None:
    """Add the REST routes and their error handlers (A10 bodies) to ``app``."""
    app.state.rest = state
    if state.limits is not None:
        app.add_middleware(
            RateLimitMiddleware, sessionmaker=state.sessionmaker, limits=state.limits
        )
    app.include_router(circuit)
    app.include_router(content_router)
    app.include_router(ecommerce)
    app.add_exception_handler(RestError, rest_error_handler)
    app.add_exception_handler(DomainError, domain_error_handler)
    app.add_exception_handler(AuctionError, auction_error_handler)
