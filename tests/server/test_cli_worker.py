"""`gavel worker`: runs queued jobs in its own process and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.queries.jobs import JobRow, defer_job, job_by_id
from db.session import OperationDB
from domain.jobs.runtime import BULK_DISPATCH
from tests.committed import Committed
from tests.jobs.helpers import staff_and_items

pytestmark = pytest.mark.realtime

WAIT_SECONDS = 60.0


def _job(committed: Committed, job_id: int) -> JobRow:
    async def read(session: AsyncSession) -> JobRow:
        db = OperationDB(lambda: session)  # type: ignore[arg-type,return-value]
        row = await job_by_id(db, job_id)
        assert row is not None
        return row

    return committed.run(read)


def _workers(committed: Committed) -> int:
    async def count(session: AsyncSession) -> int:
        from sqlalchemy import text

        return int(
            (await session.execute(text("SELECT count(*) FROM procrastinate_workers"))).scalar_one()
        )

    return committed.run(count)


def test_the_worker_runs_a_queued_job_and_stops_cleanly(
    committed: Committed, tmp_path: Path
) -> None:
    # given: an export queued while no worker runs
    ids = staff_and_items(committed)

    async def queue(session: AsyncSession) -> int:
        return await defer_job(
            session,
            BULK_DISPATCH,
            {
                "operation": "export_data",
                "entity_type": "item",
                "ids": ids["items"],
                "params": {},
                "queued_by_id": ids["staff_id"],
            },
            queued_by_id=ids["staff_id"],
        )

    job_id = committed.run(queue)
    env = {
        **os.environ,
        "DATABASE_URL": committed.url,
        "GAVEL_FILES_DIR": str(tmp_path / "files"),
    }

    # when
    process = subprocess.Popen(
        [sys.executable, "-c", "from server.cli import main; main()", "worker", "--interval", "5"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while (job := _job(committed, job_id)).state not in ("success", "failure"):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, f"the worker never finished the job: {job}"
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    # then
    assert job.state == "success"
    assert job.message is not None
    assert job.message.startswith("Wrote export_data-item-job")
    assert process.returncode == 0, stderr
    assert "Gavel worker stopped." in stderr
    assert _workers(committed) == 0
    assert len(list((tmp_path / "files").iterdir())) == 1
