"""create_app(): the FastAPI application with the GraphQL router and its lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import orjson
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import create_engine, create_sessionmaker
from db.url import async_url, plain_url
from domain.auth import TokenPolicy
from domain.files import FileStore
from graph.router import GraphQLAuthError, GraphState, create_graphql_router
from graph.schema import schema
from realtime.bus import EventBus
from rest_compat.deps import RestState
from rest_compat.router import DOCS_URL, OPENAPI_URL, mount_rest
from server.closer import run_closer
from server.jobs import create_job_app, worker_running
from server.ratelimit import Limits, RateLimitMiddleware
from server.settings import Settings

GC_THRESHOLDS = (10_000, 50, 100)
"""Young-generation collections every 10,000 net allocations instead of 700."""


def settle_garbage_collector() -> None:
    """Keep the cyclic garbage collector off what start-up built, once it is built.

    Modules, the Strawberry schema, routes and pools live as long as the process, yet every
    full collection walked them again; a large response allocates enough to trigger several.
    ``gc.freeze()`` moves them to the permanent generation, and a higher young threshold
    collects a request's short-lived objects less often. Measured in one process on the demo
    data: a 300-row ``datatable-items`` page 142 -> 79 ms, a nested GraphQL catalogue read
    210 -> 149 ms (``bench/rest_read.py`` and ``bench/graph_read.py`` measure the server).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def token_policy(settings: Settings) -> TokenPolicy:
    """How tokens are derived and how long they live, from the settings."""
    return TokenPolicy(
        secret_key=settings.secret_key.get_secret_value().encode(),
        ttl=timedelta(hours=settings.token_ttl_hours),
        failed_login_limit=settings.login_failure_limit,
        failed_login_window=timedelta(seconds=settings.login_failure_window_seconds),
    )


def file_store(settings: Settings) -> FileStore:
    """Where uploads go and what is accepted, from the settings."""
    return FileStore(
        root=settings.files_dir,
        secret_key=settings.secret_key.get_secret_value().encode(),
        max_bytes=settings.upload_max_bytes,
        allowed_types=frozenset(settings.upload_allowed_types),
        enabled=settings.uploads_enabled,
        url_ttl=timedelta(seconds=settings.signed_url_ttl_seconds),
    )


def create_app(
    settings: Settings,
    *,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    listen: bool = True,
    closer: bool | None = None,
    worker: bool = False,
) -> FastAPI:
    """The application.

    Tests pass their own ``sessionmaker`` bound to a rolled-back transaction; ``listen`` starts
    the process's LISTEN connection for subscriptions (it needs a real ``database_url``);
    ``worker`` runs a background-job worker in this process (``gavel serve`` passes
    ``settings.worker``; tests start one only where they need it).
    """
    engine: AsyncEngine | None = None
    if sessionmaker is None:
        engine = create_engine(
            database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
        )
        sessionmaker = create_sessionmaker(engine)
    bus = EventBus.for_url(plain_url(async_url(database_url))) if listen else None

    run_closer_task = settings.closer if closer is None else closer
    jobs = (
        create_job_app(
            database_url,
            sessionmaker,
            settings.files_dir,
            retry_wait=settings.job_retry_seconds,
        )
        if worker
        else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if bus is not None:
            await bus.start()
        task = (
            asyncio.create_task(run_closer(sessionmaker, settings.closer_interval))
            if run_closer_task
            else None
        )
        try:
            async with contextlib.AsyncExitStack() as stack:
                if jobs is not None:
                    await stack.enter_async_context(worker_running(jobs))
                settle_garbage_collector()
                yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if bus is not None:
                await bus.stop()
            if engine is not None:
                await engine.dispose()

    app = FastAPI(
        title="Gavel",
        version="0.1.0",
        lifespan=lifespan,
        description="REST compatibility layer (Circuit backoffice v1.0). GraphQL is at /graphql.",
        docs_url=DOCS_URL,
        redoc_url=None,
        openapi_url=OPENAPI_URL,
    )
    tokens = token_policy(settings)
    files = file_store(settings)
    app.state.graph = GraphState(
        sessionmaker=sessionmaker,
        token_policy=tokens,
        bus=bus,
        file_store=files,
        public_url=settings.public_url,
    )
    if settings.rate_limit_enabled:
        # Added before the REST path rewrites (language prefix, trailing slash), which wrap it.
        app.add_middleware(
            RateLimitMiddleware,
            sessionmaker=sessionmaker,
            limits=Limits(
                per_token=settings.rate_limit_per_token,
                per_ip=settings.rate_limit_per_ip,
                window_seconds=settings.rate_limit_window_seconds,
            ),
        )
    mount_rest(
        app,
        RestState(
            sessionmaker=sessionmaker,
            token_policy=tokens,
            file_store=files,
            seller_auction_product=settings.seller_auction_product,
            public_url=settings.public_url,
        ),
    )
    app.include_router(
        create_graphql_router(
            schema, graphiql=settings.graphiql, max_upload_bytes=settings.upload_max_bytes
        ),
        prefix="/graphql",
        include_in_schema=False,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["*"],
        )

    @app.exception_handler(GraphQLAuthError)
    async def _auth_error(request: Request, exc: GraphQLAuthError) -> Response:
        body = {"errors": [{"message": str(exc), "extensions": {"code": "UNAUTHENTICATED"}}]}
        return Response(
            orjson.dumps(body),
            media_type="application/json",
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
