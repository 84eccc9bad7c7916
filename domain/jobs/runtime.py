"""What a running job is given, and how it reports its progress."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Role
from db.queries.jobs import set_job_note
from db.session import OperationDB
from domain.principal import Principal
from realtime.events import QueueTask
from realtime.publish import publish

BULK_DISPATCH = "bulk_dispatch"
INVOICE_SALE = "invoice_sale"
KNOCK_DOWN_ALL_LOTS = "knock_down_all_lots"

MAX_ATTEMPTS = 3
"""Every task is tried at most this many times (the first run and two retries)."""


@dataclass(frozen=True, slots=True)
class JobEnvironment:
    """What every job of a process shares: the database and the files directory."""

    sessionmaker: async_sessionmaker[AsyncSession]
    files_dir: Path


@dataclass(frozen=True, slots=True)
class JobRun:
    """One attempt of one job."""

    env: JobEnvironment
    job_id: int
    name: str
    attempt: int  # 1 for the first run
    queued_by_id: int | None = None

    @property
    def principal(self) -> Principal:
        """Who the job acts for in the audit trail: the staff user who queued it."""
        return Principal(user_id=self.queued_by_id, role=Role.STAFF)

    def db(self) -> OperationDB:
        return OperationDB(self.env.sessionmaker)

    async def progress(self, message: str, *, result: dict[str, Any] | None = None) -> None:
        """Set the job's message in a transaction of its own (visible while the job runs)."""
        db = self.db()
        try:
            async with db.transaction() as session:
                await set_job_note(session, self.job_id, message, result=result)
                await publish(
                    session,
                    QueueTask(
                        phase="updated",
                        job_id=self.job_id,
                        name=self.name,
                        state="processing",
                        message=message,
                    ),
                )
        finally:
            await db.close()

    async def publish_in(self, session: AsyncSession, **fields: Any) -> None:
        """Publish a ``QueueTask`` event of this job in ``session``'s transaction."""
        await publish(
            session,
            QueueTask(job_id=self.job_id, name=self.name, state="processing", **fields),
        )


async def job_started(run: JobRun) -> None:
    """``queueTaskStarted``: the attempt begins (procrastinate already set ``doing``)."""
    db = run.db()
    try:
        async with db.transaction() as session:
            await run.publish_in(session, phase="started")
    finally:
        await db.close()


async def attempt_failed(run: JobRun, error: BaseException) -> None:
    """Record why an attempt failed; procrastinate retries it or marks the job failed."""
    detail = f"{type(error).__name__}: {error}"
    if run.attempt < MAX_ATTEMPTS:
        message = f"Attempt {run.attempt} of {MAX_ATTEMPTS} failed ({detail}); retrying."
    else:
        message = f"Failed after {run.attempt} attempts: {detail}"
    db = run.db()
    try:
        async with db.transaction() as session:
            await set_job_note(session, run.job_id, message)
    finally:
        await db.close()
