"""The bulk dispatcher (REST ``POST /bulk-dispatcher``, GraphQL ``bulkDispatch``).

``dispatch_bulk`` checks the request (operation, entity type, ids, parameters) and queues one
``bulk_dispatch`` job in the same transaction; the job (``run_bulk``) works through the ids in
batches, each batch one transaction with its audit rows and events, and keeps its message up to
date. Files it makes (CSV exports, printable HTML) are stored in the files directory under a
generated name and recorded as ``File`` rows; the message names them.
"""

from __future__ import annotations

import csv
import enum
import html
import io
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from db import models
from db.queries.jobs import defer_job
from db.session import OperationDB
from domain import audit
from domain.errors import Forbidden, RuleViolation, RuleViolations, UserErrorCode
from domain.jobs.runtime import BULK_DISPATCH, JobRun
from domain.principal import Principal
from realtime.events import EntityUpdated
from realtime.publish import publish

MAX_IDS = 10_000
BATCH_SIZE = 100
QUEUED_MESSAGE = "Bulk operation queued successfully"


class BulkOperation(enum.StrEnum):
    UPDATE_STATUS = "update_status"
    EXPORT_DATA = "export_data"
    PRINT_INVOICES = "print_invoices"
    PRINT_LABELS = "print_labels"
    MARK_ITEMS_SOLD = "mark_items_sold"


class BulkEntity(enum.StrEnum):
    ITEM = "item"
    ORDER = "order"
    CLIENT = "client"


MODELS: dict[BulkEntity, type[SQLModel]] = {
    BulkEntity.ITEM: models.Item,
    BulkEntity.ORDER: models.Order,
    BulkEntity.CLIENT: models.Client,
}
STATUSES: dict[BulkEntity, type[enum.StrEnum]] = {
    BulkEntity.ITEM: models.ItemStatus,
    BulkEntity.ORDER: models.OrderStatus,
    BulkEntity.CLIENT: models.ClientStatus,
}
ENTITY_TYPES = {
    BulkEntity.ITEM: models.EntityType.ITEM,
    BulkEntity.ORDER: models.EntityType.ORDER,
    BulkEntity.CLIENT: models.EntityType.CLIENT,
}
ONLY_FOR: dict[BulkOperation, BulkEntity] = {
    BulkOperation.PRINT_INVOICES: BulkEntity.ORDER,
    BulkOperation.PRINT_LABELS: BulkEntity.ITEM,
    BulkOperation.MARK_ITEMS_SOLD: BulkEntity.ITEM,
}
"""Operations that apply to one entity type only (the type may be left out for them)."""


@dataclass(frozen=True, slots=True)
class BulkCommand:
    operation: BulkOperation
    entity_type: BulkEntity | None
    ids: tuple[int, ...]
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BulkQueued:
    job_id: int
    message: str = QUEUED_MESSAGE


def _entity_type(cmd: BulkCommand) -> BulkEntity:
    implied = ONLY_FOR.get(cmd.operation)
    if cmd.entity_type is None:
        if implied is None:
            raise RuleViolation(
                UserErrorCode.REQUIRED, f"`{cmd.operation}` needs an entity type.", "entityType"
            )
        return implied
    if implied is not None and cmd.entity_type is not implied:
        raise RuleViolation(
            UserErrorCode.INVALID,
            f"`{cmd.operation}` applies to {implied} entities only.",
            "entityType",
        )
    return cmd.entity_type


def _status(entity: BulkEntity, params: Mapping[str, str]) -> str:
    value = params.get("status")
    if not value:
        raise RuleViolation(
            UserErrorCode.REQUIRED, "`update_status` needs `params.status`.", "params"
        )
    allowed = [status.value for status in STATUSES[entity]]
    if value not in allowed:
        raise RuleViolation(
            UserErrorCode.INVALID,
            f"`{value}` is not a {entity} status (one of {', '.join(allowed)}).",
            "params",
        )
    return value


async def dispatch_bulk(db: OperationDB, principal: Principal, cmd: BulkCommand) -> BulkQueued:
    """Check the request and queue the job in one transaction; the job's id.

    Every id must exist (checked before queuing); a refused request queues nothing.
    """
    if not principal.is_staff:
        raise Forbidden("Only staff may run bulk operations.")
    entity = _entity_type(cmd)
    problems: list[RuleViolation] = []
    params = dict(cmd.params)
    if cmd.operation is BulkOperation.UPDATE_STATUS:
        try:
            params["status"] = _status(entity, params)
        except RuleViolation as exc:
            problems.append(exc)
    ids = tuple(dict.fromkeys(cmd.ids))
    if not ids or len(ids) > MAX_IDS:
        problems.append(RuleViolation(UserErrorCode.INVALID, f"Pass 1 to {MAX_IDS} ids.", "ids"))
    async with db.transaction() as session:
        if ids and len(ids) <= MAX_IDS:
            model: Any = MODELS[entity]
            found = set(
                (await session.execute(sa.select(model.id).where(model.id.in_(ids)))).scalars()
            )
            missing = [i for i in ids if i not in found]
            if missing:
                shown = ", ".join(str(i) for i in missing[:10])
                more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
                problems.append(
                    RuleViolation(
                        UserErrorCode.NOT_FOUND, f"No {entity} with id {shown}{more}.", "ids"
                    )
                )
        if problems:
            raise RuleViolations(problems) if len(problems) > 1 else problems[0]
        job_id = await defer_job(
            session,
            BULK_DISPATCH,
            {
                "operation": cmd.operation.value,
                "entity_type": entity.value,
                "ids": list(ids),
                "params": params,
                "queued_by_id": principal.user_id,
            },
            queued_by_id=principal.user_id,
            message=QUEUED_MESSAGE,
        )
    return BulkQueued(job_id=job_id)


# --- The job ------------------------------------------------------------------------------------


def _batches(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


async def _rows(session: AsyncSession, entity: BulkEntity, ids: Sequence[int]) -> list[Any]:
    model: Any = MODELS[entity]
    rows = (
        await session.execute(
            sa.select(model).where(model.id.in_(ids)).order_by(model.id).with_for_update()
        )
    ).scalars()
    return list(rows)


async def run_bulk(
    run: JobRun,
    operation: str,
    entity_type: str,
    ids: list[int],
    params: dict[str, str],
) -> str:
    """Do the queued work; the final message (also stored as the job's message)."""
    op = BulkOperation(operation)
    entity = BulkEntity(entity_type)
    await run.progress(f"Processing {len(ids)} {entity} entities (attempt {run.attempt}).")
    if op in (BulkOperation.UPDATE_STATUS, BulkOperation.MARK_ITEMS_SOLD):
        status = params["status"] if op is BulkOperation.UPDATE_STATUS else "sold"
        return await _update_status(run, entity, ids, status)
    return await _make_file(run, op, entity, ids)


async def _update_status(run: JobRun, entity: BulkEntity, ids: list[int], status: str) -> str:
    done = 0
    changed = 0
    enum_type = STATUSES[entity]
    for batch in _batches(ids):
        db = run.db()
        try:
            async with db.transaction() as session:
                for row in await _rows(session, entity, batch):
                    before = audit.snapshot(row, ["status"])
                    if row.status != status:
                        row.status = enum_type(status)
                        changed += 1
                    await session.flush()
                    await audit.record_updated(
                        session, run.principal, ENTITY_TYPES[entity], row, before, "bulk_update"
                    )
                    await publish(
                        session,
                        EntityUpdated(
                            bundle=entity.value,
                            entity_id=row.id,
                            user_id=run.queued_by_id,
                            force_reload=True,
                        ),
                    )
                    await run.publish_in(
                        session,
                        phase="completed",
                        label=f"via_bulk_{row.id}",
                        result_nid=row.id,
                        result={"nid": row.id, "data": {"status": status}},
                    )
        finally:
            await db.close()
        done += len(batch)
        await run.progress(f"Updated {done} of {len(ids)} {entity} entities.")
    return f"Set status {status} on {len(ids)} {entity} entities ({changed} changed)."


def _csv(rows: Sequence[SQLModel]) -> bytes:
    buffer = io.StringIO()
    if rows:
        columns = list(type(rows[0]).model_fields)
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            values = audit.snapshot(row, columns)
            writer.writerow({k: "" if v is None else v for k, v in values.items()})
    return buffer.getvalue().encode()


def _label(item: models.Item) -> str:
    lot = f"{item.lot_number or ''}{item.lot_letter}"
    return (
        f'<div class="label"><div class="lot">Lot {html.escape(lot)}</div>'
        f'<div class="title">{html.escape(item.title)}</div></div>'
    )


async def _invoice(session: AsyncSession, order: models.Order) -> str:
    lines = (
        await session.execute(
            sa.select(models.OrderLine)
            .where(models.OrderLine.order_id == order.id)  # type: ignore[arg-type]
            .order_by(models.OrderLine.position, models.OrderLine.id)  # type: ignore[arg-type]
        )
    ).scalars()
    body = "".join(
        f"<tr><td>{html.escape(line.description)}</td><td>{line.total}</td></tr>" for line in lines
    )
    return (
        f'<section class="invoice"><h2>Invoice {html.escape(order.number)}</h2>'
        f"<table><tr><th>Line</th><th>Total</th></tr>{body}</table>"
        f"<p>Grand total {order.grand_total} {html.escape(order.currency)}; "
        f"paid {order.amount_paid}.</p></section>"
    )


def _page(title: str, parts: Iterable[str]) -> bytes:
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>.label,.invoice{page-break-inside:avoid;margin:1em 0}</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    ).encode()


async def _make_file(run: JobRun, op: BulkOperation, entity: BulkEntity, ids: list[int]) -> str:
    db = run.db()
    try:
        async with db.transaction() as session:
            rows = await _rows(session, entity, ids)
            if op is BulkOperation.EXPORT_DATA:
                content, suffix, mime = _csv(rows), "csv", "text/csv"
            elif op is BulkOperation.PRINT_LABELS:
                content, suffix, mime = (
                    _page("Labels", (_label(row) for row in rows)),
                    "html",
                    "text/html",
                )
            else:
                parts = [await _invoice(session, row) for row in rows]
                content, suffix, mime = _page("Invoices", parts), "html", "text/html"
            stored_name = f"{uuid.uuid4().hex}.{suffix}"
            filename = f"{op.value}-{entity.value}-job{run.job_id}.{suffix}"
            file = models.File(
                filename=filename,
                stored_name=stored_name,
                mime_type=mime,
                size=len(content),
                is_private=True,
                uploaded_by_id=run.queued_by_id,
            )
            session.add(file)
            await session.flush()
            await audit.record_created(session, run.principal, models.EntityType.FILE, file)
            # Written last, inside the transaction: a failed write leaves no File row.
            run.env.files_dir.mkdir(parents=True, exist_ok=True)
            (run.env.files_dir / stored_name).write_bytes(content)
            for row in rows:
                await run.publish_in(
                    session,
                    phase="completed",
                    label=f"via_bulk_{row.id}",
                    result_nid=row.id,
                    result={"nid": row.id, "data": {"file_id": file.id}},
                )
    finally:
        await db.close()
    return f"Wrote {filename} ({len(rows)} {entity} entities, file id {file.id})."
