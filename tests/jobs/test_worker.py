"""Bulk jobs through a real procrastinate worker (the app's in-process one)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.url import async_url, plain_url
from tests.committed import Committed
from tests.jobs.helpers import (
    dispatch,
    item_ids,
    running_app,
    staff_and_items,
    token,
    wait_for_job,
)

pytestmark = pytest.mark.realtime


def test_a_bulk_job_is_queued_then_processing_with_its_message_then_successful(
    committed: Committed, tmp_path: Path
) -> None:
    # given: a job queued while no worker runs, on two lots
    ids = staff_and_items(committed)
    first, second = ids["items"]
    with running_app(committed, tmp_path / "files", worker=False) as client:
        staff = token(client, ids["staff"])
        queued = dispatch(
            client,
            staff,
            operation="UPDATE_STATUS",
            entityType="ITEM",
            ids=item_ids([first, second]),
            params={"status": "withdrawn"},
        )
        waiting = wait_for_job(client, staff, queued["jobId"], lambda job: True)

    # when: a worker starts while another transaction holds the second lot, then lets go
    with (
        psycopg.connect(plain_url(async_url(committed.url))) as locker,
        running_app(committed, tmp_path / "files") as client,
    ):
        locker.execute("SELECT id FROM items WHERE id = %s FOR UPDATE", [second])
        running = wait_for_job(
            client,
            staff,
            queued["jobId"],
            lambda job: job["state"] == "PROCESSING" and job["message"] != queued["message"],
        )
        locker.rollback()
        done = wait_for_job(
            client, staff, queued["jobId"], lambda job: job["state"] in ("SUCCESS", "FAILURE")
        )

    # then
    assert queued["success"] is True
    assert queued["message"] == "Bulk operation queued successfully"
    assert queued["errors"] == []
    assert queued["job"]["state"] == "QUEUED"
    assert queued["job"]["name"] == "bulk_dispatch"
    assert waiting["state"] == "QUEUED"
    assert waiting["startedAt"] is None
    assert running["message"] == "Processing 2 item entities (attempt 1)."
    assert running["startedAt"] is not None
    assert running["finishedAt"] is None
    assert done["state"] == "SUCCESS"
    assert done["message"] == "Set status withdrawn on 2 item entities (2 changed)."
    assert done["retries"] == 0
    assert done["finishedAt"] is not None

    async def statuses(session: AsyncSession) -> tuple[list[str], int]:
        rows = await session.execute(
            sa.select(models.Item.status).where(models.Item.id.in_([first, second]))  # type: ignore[attr-defined]
        )
        activities = await session.execute(
            sa.select(sa.func.count())
            .select_from(models.Activity)
            .where(models.Activity.action == "bulk_update")  # type: ignore[arg-type]
        )
        return [str(status) for status in rows.scalars()], activities.scalar_one()

    item_statuses, audited = committed.run(statuses)
    assert item_statuses == ["withdrawn", "withdrawn"]
    assert audited == 2


def test_a_failing_job_is_retried_and_ends_in_failure_with_its_message(
    committed: Committed, tmp_path: Path
) -> None:
    # given: the files directory is a plain file, so the export cannot be written
    ids = staff_and_items(committed)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    with running_app(committed, blocked) as client:
        staff = token(client, ids["staff"])

        # when
        queued = dispatch(
            client, staff, operation="EXPORT_DATA", entityType="ITEM", ids=item_ids(ids["items"])
        )
        done = wait_for_job(
            client, staff, queued["jobId"], lambda job: job["state"] in ("SUCCESS", "FAILURE")
        )

    # then
    assert done["state"] == "FAILURE"
    assert done["retries"] == 2
    assert done["message"].startswith("Failed after 3 attempts: FileExistsError")

    async def files(session: AsyncSession) -> int:
        count = await session.execute(sa.select(sa.func.count()).select_from(models.File))
        return int(count.scalar_one())

    assert committed.run(files) == 0


def test_an_export_job_stores_a_csv_file_named_in_its_message(
    committed: Committed, tmp_path: Path
) -> None:
    # given
    ids = staff_and_items(committed)
    with running_app(committed, tmp_path / "files") as client:
        staff = token(client, ids["staff"])

        # when
        queued = dispatch(
            client, staff, operation="EXPORT_DATA", entityType="ITEM", ids=item_ids(ids["items"])
        )
        done = wait_for_job(
            client, staff, queued["jobId"], lambda job: job["state"] in ("SUCCESS", "FAILURE")
        )

    # then
    async def stored(session: AsyncSession) -> list[models.File]:
        return list((await session.execute(sa.select(models.File))).scalars())

    (file,) = committed.run(stored)
    assert done["state"] == "SUCCESS"
    assert done["message"] == (
        f"Wrote export_data-item-job{queued['jobId']}.csv (2 item entities, file id {file.id})."
    )
    assert file.mime_type == "text/csv"
    assert file.is_private is True
    assert file.stored_name != file.filename
    lines = (tmp_path / "files" / file.stored_name).read_text().splitlines()
    assert lines[0].startswith("id,uuid,sale_id")
    assert len(lines) == 3
