"""Background jobs as the graph shows them (the REST queue's ``advancedqueue_item`` rows)."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry

from db.queries.jobs import JobRow


@strawberry.enum(description="Where a background job stands.")
class QueueTaskState(enum.Enum):
    QUEUED = strawberry.enum_value("queued", description="Waiting for a worker (or a retry).")
    PROCESSING = strawberry.enum_value("processing", description="A worker is running it.")
    SUCCESS = strawberry.enum_value("success", description="It finished successfully.")
    FAILURE = strawberry.enum_value(
        "failure", description="It failed after its last attempt, or was cancelled or aborted."
    )


@strawberry.type(description="A background job (bulk operation, invoicing, …). Staff only.")
class Job:
    _row: strawberry.Private[JobRow]

    @strawberry.field(description="The job's id (the REST queue's `item_id`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._row.id))

    @strawberry.field(description="The task it runs, e.g. `bulk_dispatch`, `invoice_sale`.")
    def name(self) -> str:
        return self._row.name

    @strawberry.field(description="The queue it waits in (`default`).")
    def queue(self) -> str:
        return self._row.queue

    @strawberry.field(description="Its state: queued, processing, success or failure.")
    def state(self) -> QueueTaskState:
        return QueueTaskState(self._row.state)

    @strawberry.field(
        description="Its progress or result message, kept up to date while it runs; for a "
        "failure, why."
    )
    def message(self) -> str | None:
        return self._row.message

    @strawberry.field(description="How many times it was retried after a failed attempt.")
    def retries(self) -> int:
        return self._row.retries

    @strawberry.field(description="When it was queued.")
    def created_at(self) -> datetime | None:
        return self._row.created_at

    @strawberry.field(description="When it became (or becomes) runnable.")
    def available_at(self) -> datetime | None:
        return self._row.available_at

    @strawberry.field(description="When its latest attempt started; null before the first.")
    def started_at(self) -> datetime | None:
        return self._row.started_at

    @strawberry.field(description="When it finished (success or failure); null until then.")
    def finished_at(self) -> datetime | None:
        return self._row.finished_at


@strawberry.type(description="Pagination of a job list: newest first.")
class JobPageInfo:
    has_next_page: bool = strawberry.field(description="Whether older jobs follow.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; null on an empty page."
    )


@strawberry.type(description="A page of background jobs, newest first.")
class JobConnection:
    nodes: list[Job] = strawberry.field(description="The jobs of this page.")
    page_info: JobPageInfo = strawberry.field(description="Pagination information.")
    total_count: int = strawberry.field(description="Jobs matching the filters.")
