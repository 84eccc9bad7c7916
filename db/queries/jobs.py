"""Background jobs: deferring in the caller's transaction, and reading procrastinate's tables.

procrastinate owns ``procrastinate_jobs`` and ``procrastinate_events``; Gavel only reads them
(lightweight table clauses below, not part of the models' metadata) and defers through
procrastinate's own SQL function, so a job joins the transaction of the use case that queues it:
rolled back, it was never queued. Gavel's own ``job_notes`` row keeps the job's message, its
result and who queued it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB

DEFAULT_QUEUE = "default"

jobs_table = sa.table(
    "procrastinate_jobs",
    sa.column("id", sa.BigInteger),
    sa.column("queue_name", sa.String),
    sa.column("task_name", sa.String),
    sa.column("status", sa.String),
    sa.column("scheduled_at", sa.DateTime(timezone=True)),
    sa.column("attempts", sa.Integer),
    sa.column("args", JSONB),
)
events_table = sa.table(
    "procrastinate_events",
    sa.column("job_id", sa.BigInteger),
    sa.column("type", sa.String),
    sa.column("at", sa.DateTime(timezone=True)),
)

STATES = {
    "todo": "queued",
    "doing": "processing",
    "succeeded": "success",
    "failed": "failure",
    "cancelled": "failure",
    "aborting": "processing",
    "aborted": "failure",
}
"""procrastinate status -> Gavel job state (REST ``advancedqueue_item.state``)."""

STATUSES_OF_STATE: dict[str, tuple[str, ...]] = {
    state: tuple(status for status, mapped in STATES.items() if mapped == state)
    for state in set(STATES.values())
}


@dataclass(frozen=True, slots=True)
class JobRow:
    """One job as Gavel shows it."""

    id: int
    queue: str
    name: str
    status: str
    attempts: int
    args: dict[str, Any]
    message: str | None
    result: dict[str, Any] | None
    queued_by_id: int | None
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    scheduled_at: datetime | None

    @property
    def state(self) -> str:
        return STATES.get(self.status, "failure")

    @property
    def retries(self) -> int:
        """Attempts already retried.

        procrastinate counts finished attempts; a queued or running job has had them all
        retried, a finished one all but its last.
        """
        if self.status in ("todo", "doing"):
            return self.attempts
        return max(self.attempts - 1, 0)

    @property
    def available_at(self) -> datetime | None:
        """When the job became (or becomes) runnable."""
        return self.scheduled_at or self.created_at


async def defer_job(
    session: AsyncSession,
    task_name: str,
    args: dict[str, Any],
    *,
    queued_by_id: int | None = None,
    message: str | None = None,
    queue: str = DEFAULT_QUEUE,
) -> int:
    """Queue ``task_name(**args)`` in the session's transaction; the job's id.

    Uses procrastinate's ``procrastinate_defer_jobs_v1`` (what its own ``defer_async`` runs),
    so the worker is woken by procrastinate's trigger once the transaction commits.
    """
    job_id: int = (
        await session.execute(
            sa.text(
                "SELECT (procrastinate_defer_jobs_v1(ARRAY[ROW("
                "CAST(:queue AS varchar), CAST(:task AS varchar), 0, NULL, NULL, "
                "CAST(:args AS jsonb), NULL)::procrastinate_job_to_defer_v1]))[1]"
            ),
            {"queue": queue, "task": task_name, "args": orjson.dumps(args).decode()},
        )
    ).scalar_one()
    await set_job_note(session, job_id, message, queued_by_id=queued_by_id)
    return job_id


async def set_job_note(
    session: AsyncSession,
    job_id: int,
    message: str | None,
    *,
    result: dict[str, Any] | None = None,
    queued_by_id: int | None = None,
) -> None:
    """Write the job's message (and result, when given) in the session's transaction."""
    values: dict[str, Any] = {"job_id": job_id, "message": message, "updated_at": sa.func.now()}
    if result is not None:
        values["result"] = result
    if queued_by_id is not None:
        values["queued_by_id"] = queued_by_id
    table = models.JobNote.__table__  # type: ignore[attr-defined]
    statement = insert(table).values(**values)
    update = {k: statement.excluded[k] for k in values if k != "job_id"}
    await session.execute(statement.on_conflict_do_update(index_elements=["job_id"], set_=update))


def _select() -> sa.Select[Any]:
    note = models.JobNote.__table__  # type: ignore[attr-defined]

    def event_at(kind: str, latest: bool = False) -> Any:
        agg = sa.func.max if latest else sa.func.min
        return (
            sa.select(agg(events_table.c.at))
            .where(
                events_table.c.job_id == jobs_table.c.id,
                sa.cast(events_table.c.type, sa.String) == kind,
            )
            .scalar_subquery()
        )

    finished = (
        sa.select(sa.func.max(events_table.c.at))
        .where(
            events_table.c.job_id == jobs_table.c.id,
            sa.cast(events_table.c.type, sa.String).in_(
                ["succeeded", "failed", "cancelled", "aborted"]
            ),
        )
        .scalar_subquery()
    )
    return sa.select(
        jobs_table.c.id,
        jobs_table.c.queue_name,
        jobs_table.c.task_name,
        sa.cast(jobs_table.c.status, sa.String),
        jobs_table.c.attempts,
        jobs_table.c.args,
        note.c.message,
        note.c.result,
        note.c.queued_by_id,
        event_at("deferred"),
        event_at("started", latest=True),
        finished,
        jobs_table.c.scheduled_at,
    ).select_from(jobs_table.outerjoin(note, note.c.job_id == jobs_table.c.id))


def _row(values: Sequence[Any]) -> JobRow:
    return JobRow(*values)


async def job_by_id(db: OperationDB, job_id: int) -> JobRow | None:
    rows = await db.rows(_select().where(jobs_table.c.id == job_id))
    return _row(rows[0]) if rows else None


@dataclass(frozen=True, slots=True)
class JobFilter:
    ids: tuple[int, ...] | None = None
    states: tuple[str, ...] | None = None
    name: str | None = None
    queue: str | None = None


def _where(statement: sa.Select[Any], where: JobFilter) -> sa.Select[Any]:
    if where.ids is not None:
        statement = statement.where(jobs_table.c.id.in_(where.ids))
    if where.states is not None:
        statuses = [s for state in where.states for s in STATUSES_OF_STATE.get(state, ())]
        statement = statement.where(sa.cast(jobs_table.c.status, sa.String).in_(statuses))
    if where.name is not None:
        statement = statement.where(jobs_table.c.task_name == where.name)
    if where.queue is not None:
        statement = statement.where(jobs_table.c.queue_name == where.queue)
    return statement


async def jobs_page(
    db: OperationDB,
    where: JobFilter,
    first: int,
    before_id: int | None = None,
    *,
    offset: int = 0,
) -> tuple[list[JobRow], bool]:
    """Newest first: up to ``first`` jobs with ids below ``before_id`` (after skipping
    ``offset``), and whether more follow."""
    statement = _where(_select(), where)
    if before_id is not None:
        statement = statement.where(jobs_table.c.id < before_id)
    statement = statement.order_by(jobs_table.c.id.desc()).offset(offset)
    rows = await db.rows(statement.limit(first + 1))
    return [_row(row) for row in rows[:first]], len(rows) > first


async def jobs_count(db: OperationDB, where: JobFilter) -> int:
    statement = _where(sa.select(sa.func.count()).select_from(jobs_table), where)
    count: int = await db.scalar(statement)
    return count
