"""Knocking down every open lot of a live sale in the background.

``queue_knock_down`` queues the ``knock_down_all_lots`` job; the job hammers the sale's open
lots one by one with the clerk's own use case (``hammer_lot``: SOLD to the highest bid when the
reserve is met, else UNSOLD), and after each batch publishes ``KnockDownProgress`` ("Knocked
down X of Y items...") and updates its message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from db import models
from db.queries.jobs import defer_job, set_job_note
from db.session import OperationDB
from domain.bidding.live import LotAction, hammer_lot
from domain.errors import Forbidden, NotFound, RuleViolation, UserErrorCode
from domain.jobs.runtime import KNOCK_DOWN_ALL_LOTS, JobRun
from domain.principal import Principal
from realtime.events import KnockDownProgress
from realtime.publish import publish

KNOCK_DOWN_BATCH = 10
"""Lots hammered between two progress events."""


async def queue_knock_down(db: OperationDB, principal: Principal, sale_id: int) -> int:
    """Queue the knock-down of a live sale's open lots; the job's id."""
    if not principal.is_staff:
        raise Forbidden("Only staff may knock lots down.")
    async with db.transaction() as session:
        sale = await session.get(models.Sale, sale_id)
        if sale is None:
            raise NotFound("No such sale.")
        if sale.kind is not models.SaleKind.LIVE:
            raise RuleViolation(
                UserErrorCode.NOT_LIVE_SALE, "Only lots of live sales are knocked down.", "saleId"
            )
        return await defer_job(
            session,
            KNOCK_DOWN_ALL_LOTS,
            {"sale_id": sale_id, "queued_by_id": principal.user_id},
            queued_by_id=principal.user_id,
            message=f"Knock-down of sale {sale_id} queued.",
        )


async def _open_lots(run: JobRun, sale_id: int) -> list[int]:
    item: Any = models.Item
    db = run.db()
    try:
        ids = await db.all(
            sa.select(item.id)
            .where(item.sale_id == sale_id, item.status == models.ItemStatus.ACTIVE)
            .order_by(item.lot_number, item.id)
        )
    finally:
        await db.close()
    return list(ids)


async def run_knock_down(run: JobRun, sale_id: int) -> str:
    """Hammer every open lot of the sale; the job's final message."""
    ids = await _open_lots(run, sale_id)
    total = len(ids)
    refused = 0
    for start in range(0, total, KNOCK_DOWN_BATCH):
        for item_id in ids[start : start + KNOCK_DOWN_BATCH]:
            db = run.db()
            try:
                result = await hammer_lot(
                    db, run.principal, LotAction(item_id=item_id), datetime.now(UTC)
                )
            finally:
                await db.close()
            refused += bool(result.errors)  # closed meanwhile: counted, left as it is
        progress = KnockDownProgress(
            sale_id=sale_id, done=min(start + KNOCK_DOWN_BATCH, total), total=total
        )
        db = run.db()
        try:
            async with db.transaction() as session:
                await set_job_note(session, run.job_id, progress.result)
                await publish(session, progress)
        finally:
            await db.close()
    skipped = f" ({refused} already closed)" if refused else ""
    return f"Knocked down {total} of {total} items{skipped}."
