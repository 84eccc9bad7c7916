"""procrastinate on Gavel's database: the job app, its tasks and the worker.

``gavel worker`` runs ``run_worker`` (beside the lot closer); ``gavel serve`` runs one inside
the web process unless ``GAVEL_WORKER=false``. Use cases queue jobs through
``db.queries.jobs.defer_job`` in their own transaction; this module only runs them. Every task
is tried ``MAX_ATTEMPTS`` times; each attempt announces itself (``queueTaskStarted``) and a failed
attempt leaves its reason as the job's message before procrastinate retries it or marks it
failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import procrastinate
from procrastinate import JobContext, PsycopgConnector, RetryStrategy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.queries.jobs import DEFAULT_QUEUE
from db.url import async_url, plain_url
from domain.jobs.bulk import run_bulk
from domain.jobs.invoicing import run_invoice_sale
from domain.jobs.knock_down import run_knock_down
from domain.jobs.runtime import (
    BULK_DISPATCH,
    INVOICE_SALE,
    KNOCK_DOWN_ALL_LOTS,
    MAX_ATTEMPTS,
    JobEnvironment,
    JobRun,
    attempt_failed,
    job_started,
)

log = logging.getLogger(__name__)

Body = Callable[..., Awaitable[str]]


def _task(env: JobEnvironment, name: str, body: Body) -> Callable[..., Awaitable[None]]:
    async def task(context: JobContext, queued_by_id: int | None = None, **kwargs: Any) -> None:
        job = context.job
        assert job.id is not None
        run = JobRun(
            env=env,
            job_id=job.id,
            name=name,
            attempt=job.attempts + 1,
            queued_by_id=queued_by_id,
        )
        await job_started(run)
        try:
            message = await body(run, **kwargs)
        except Exception as exc:
            log.warning("job %s (%s) attempt %d failed: %s", job.id, name, run.attempt, exc)
            await attempt_failed(run, exc)
            raise
        await run.progress(message, result={"message": message})

    task.__name__ = name
    return task


def create_job_app(
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    files: Path,
    *,
    pool_size: int = 4,
    retry_wait: int = 1,
) -> procrastinate.App:
    """A procrastinate app on ``database_url`` (any form ``db.url.async_url`` accepts).

    A failed attempt is retried after ``retry_wait`` seconds, up to ``MAX_ATTEMPTS`` runs.
    """
    connector = PsycopgConnector(
        conninfo=plain_url(async_url(database_url)), min_size=1, max_size=pool_size
    )
    app = procrastinate.App(connector=connector)
    env = JobEnvironment(sessionmaker=sessionmaker, files_dir=files)
    retry = RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, wait=retry_wait)
    bodies: tuple[tuple[str, Body], ...] = (
        (BULK_DISPATCH, run_bulk),
        (INVOICE_SALE, run_invoice_sale),
        (KNOCK_DOWN_ALL_LOTS, run_knock_down),
    )
    for name, body in bodies:
        app.task(name=name, queue=DEFAULT_QUEUE, pass_context=True, retry=retry)(
            _task(env, name, body)
        )
    return app


WORKER_OPTIONS: dict[str, Any] = {
    "install_signal_handlers": False,
    "fetch_job_polling_interval": 2.0,
    "abort_job_polling_interval": 5.0,
    "shutdown_graceful_timeout": 10.0,
}


async def run_worker(app: procrastinate.App, *, wait: bool = True, name: str = "gavel") -> None:
    """Run jobs until cancelled (or, with ``wait=False``, until the queue is empty)."""
    async with app.open_async():
        await app.run_worker_async(wait=wait, name=name, **WORKER_OPTIONS)


@contextlib.asynccontextmanager
async def worker_running(app: procrastinate.App) -> AsyncIterator[asyncio.Task[None]]:
    """A worker task for the block's duration, stopped (and awaited) when it ends.

    The connection pool is opened before the worker starts and closed after it stopped, so a
    block that ends at once never cancels the pool half-open.
    """
    async with app.open_async():
        task = asyncio.create_task(
            app.run_worker_async(name="gavel", **WORKER_OPTIONS), name="gavel-job-worker"
        )
        try:
            yield task
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
