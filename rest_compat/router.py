"""The REST routers: ``/api/login-token``, ``/api/v1.0`` (Circuit), ``/api/v2/auction``
(e-commerce) and file content."""

from __future__ import annotations

import re

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import PlainTextResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from domain.errors import DomainError
from rest_compat.circuit import (
    addresses,
    auth,
    clients,
    consignments,
    files,
    items,
    me,
    notes,
    orders,
    queue,
    sales,
    transactions,
)
from rest_compat.content import router as content_router
from rest_compat.deps import TOKEN_SECURITY, RestState
from rest_compat.ecommerce.errors import AuctionError, auction_error_handler
from rest_compat.ecommerce.router import router as ecommerce
from rest_compat.errors import RestError, domain_error_handler, rest_error_handler
from rest_compat.shapes import LANGUAGE_PREFIX

API_PREFIX = "/api/v1.0"
OPENAPI_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"

circuit = APIRouter(prefix=API_PREFIX, dependencies=TOKEN_SECURITY)
circuit.include_router(clients.router)
circuit.include_router(addresses.router)
circuit.include_router(files.router, tags=["Files"])
circuit.include_router(notes.router)
circuit.include_router(queue.router)
circuit.include_router(me.pusher)
circuit.include_router(sales.router)
circuit.include_router(items.router)
circuit.include_router(consignments.router)
circuit.include_router(orders.router)
circuit.include_router(transactions.router)

_ROUTES: list[tuple[str, APIRouter]] = [
    ("", auth.router),
    (API_PREFIX, clients.router),
    (API_PREFIX, addresses.router),
    (API_PREFIX, files.router),
    (API_PREFIX, notes.router),
    (API_PREFIX, queue.router),
    (API_PREFIX, me.pusher),
    ("", me.router),
    (API_PREFIX, sales.router),
    (API_PREFIX, items.router),
    (API_PREFIX, consignments.router),
    (API_PREFIX, orders.router),
    (API_PREFIX, transactions.router),
    ("", ecommerce),
]


async def http_error_handler(request: Request, exc: Exception) -> Response:
    """Unknown paths (404) and methods (405, with ``Allow``) under ``/api`` get the A10 body."""
    assert isinstance(exc, StarletteHTTPException)
    if not request.url.path.startswith("/api"):
        return await http_exception_handler(request, exc)
    detail = None if exc.status_code in (404, 405) else str(exc.detail)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(sorted(_allowed(request)))
    return RestError(exc.status_code, None, detail, headers=headers).response()


def _allowed(request: Request) -> set[str]:
    """Every method some REST route serves on this path (each route holds one)."""
    path = request.url.path.rstrip("/")
    methods: set[str] = set()
    for prefix, router in _ROUTES:
        if not path.startswith(prefix):
            continue
        for route in router.routes:
            if isinstance(route, APIRoute) and route.path_regex.match(path[len(prefix) :]):
                methods |= route.methods or set()
    return methods - {"HEAD"}


async def server_error_handler(request: Request, exc: Exception) -> Response:
    """Anything unexpected: a 500 whose body says only ``Internal Server Error`` (A10.1)."""
    if not request.url.path.startswith("/api"):
        return PlainTextResponse("Internal Server Error", status_code=500)
    if request.url.path.startswith(ecommerce.prefix):
        return await auction_error_handler(request, AuctionError(500, "Server Error"))
    return RestError(500, "Internal Server Error").response()


class TrailingSlash:
    """``/api/…/`` is served as ``/api/…`` (A1: trailing slashes are not significant)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/api/") and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/")}
        await self.app(scope, receive, send)


class LanguagePrefix:
    """``/en/api/v1.0/…`` is served as ``/api/v1.0/…`` (A1 proposal: a two-letter language
    prefix); the prefix is kept in the scope so the links the answer carries use it too."""

    PATTERN = re.compile(r"^/([a-z]{2})(/api/v1\.0(?:/.*)?)$")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        matched = self.PATTERN.match(scope.get("path", "")) if scope["type"] == "http" else None
        if matched is not None:
            scope = {
                **scope,
                "path": matched.group(2),
                "raw_path": matched.group(2).encode(),
                LANGUAGE_PREFIX: f"/{matched.group(1)}",
            }
        await self.app(scope, receive, send)


def mount_rest(app: FastAPI, state: RestState) -> None:
    """Add the REST routes and their error handlers (A10 bodies) to ``app``."""
    app.state.rest = state
    app.include_router(auth.router)
    app.include_router(me.router)
    app.include_router(circuit)
    app.include_router(content_router)
    app.include_router(ecommerce)
    app.add_exception_handler(RestError, rest_error_handler)
    app.add_exception_handler(DomainError, domain_error_handler)
    app.add_exception_handler(AuctionError, auction_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(Exception, server_error_handler)
    app.add_middleware(TrailingSlash)
    app.add_middleware(LanguagePrefix)
