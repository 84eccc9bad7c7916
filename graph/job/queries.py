"""``job(id)`` and ``jobs(…)``: background jobs for staff."""

from __future__ import annotations

from typing import Annotated, cast

import strawberry

from db.queries.jobs import JobFilter, job_by_id, jobs_count, jobs_page
from db.queries.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from graph.context import Info
from graph.errors import BadUserInputError
from graph.job.types import Job, JobConnection, JobPageInfo, QueueTaskState
from graph.permissions import STAFF


def job_id_argument(value: str, field: str) -> int:
    try:
        job_id = int(value)
    except ValueError:
        raise BadUserInputError(f"`{field}` must be a job id.", field=field) from None
    if job_id < 1:
        raise BadUserInputError(f"`{field}` must be a job id.", field=field)
    return job_id


@strawberry.type
class JobQueries:
    @strawberry.field(
        description="A background job by id; null when there is none. Staff only.",
        permission_classes=STAFF,
    )
    async def job(self, info: Info, id: strawberry.ID) -> Job | None:
        row = await job_by_id(info.context.db, job_id_argument(id, "id"))
        return Job(_row=row) if row is not None else None

    @strawberry.field(
        description="Background jobs, newest first, optionally only some states, one task or "
        "given ids. Staff only.",
        permission_classes=STAFF,
    )
    async def jobs(
        self,
        info: Info,
        state: Annotated[
            list[QueueTaskState] | None,
            strawberry.argument(description="Only jobs in one of these states."),
        ] = None,
        name: Annotated[
            str | None,
            strawberry.argument(description="Only jobs of this task, e.g. `bulk_dispatch`."),
        ] = None,
        ids: Annotated[
            list[strawberry.ID] | None, strawberry.argument(description="Only these jobs.")
        ] = None,
        first: Annotated[
            int, strawberry.argument(description=f"Page size, 1 to {MAX_PAGE_SIZE}.")
        ] = DEFAULT_PAGE_SIZE,
        after: Annotated[
            str | None, strawberry.argument(description="The `endCursor` of the previous page.")
        ] = None,
    ) -> JobConnection:
        if not 1 <= first <= MAX_PAGE_SIZE:
            raise BadUserInputError(f"`first` must be 1 to {MAX_PAGE_SIZE}.", field="first")
        where = JobFilter(
            ids=tuple(job_id_argument(i, "ids") for i in ids) if ids is not None else None,
            states=tuple(cast("str", s.value) for s in state) if state is not None else None,
            name=name,
        )
        before = job_id_argument(after, "after") if after is not None else None
        db = info.context.db
        rows, more = await jobs_page(db, where, first, before)
        return JobConnection(
            nodes=[Job(_row=row) for row in rows],
            page_info=JobPageInfo(
                has_next_page=more, end_cursor=str(rows[-1].id) if rows else None
            ),
            total_count=await jobs_count(db, where),
        )
