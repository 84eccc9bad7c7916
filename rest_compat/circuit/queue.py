"""B10 Queue (``GET /advancedqueue_item``) and B11 Bulk (``POST /bulk-dispatcher``).

Thin adapters: the queue list reads ``db.queries.jobs`` (the graph's ``jobs`` field), the bulk
dispatcher calls ``domain.jobs.bulk.dispatch_bulk`` (the graph's ``bulkDispatch``). Both are
staff only (token-mode callers: 403).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db.queries.jobs import JobFilter, JobRow, jobs_count, jobs_page
from db.queries.listing import Condition
from db.session import OperationDB
from domain.errors import DomainError
from domain.jobs.bulk import ONLY_FOR, BulkCommand, BulkEntity, BulkOperation, dispatch_bulk
from domain.principal import Principal
from rest_compat.circuit.bodies import json_object, required, to_id
from rest_compat.deps import caller, operation_db
from rest_compat.errors import ACCESS_DENIED, RestError, from_domain
from rest_compat.openapi import list_openapi
from rest_compat.query import FilterField, Kind, ListParams, Resource, bad, parse_list
from rest_compat.shapes import (
    Id,
    ListEnvelope,
    errors,
    iso,
    json_body,
    json_response,
    listing,
)

router = APIRouter(tags=["Queue and bulk"])

FIELDS = ("item_id", "queue_id", "state", "message", "num_retries", "available", "processed")
STATES = ("queued", "processing", "success", "failure")
QUEUE = Resource(
    filters={
        "item_id": FilterField("ids", Kind.ID),
        "state": FilterField("states", Kind.ENUM, choices=STATES),
        "queue_id": FilterField("queue"),
    },
    sorts={},
    fields=FIELDS,
    search=False,
)


def _staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise RestError(403, "Access denied", ACCESS_DENIED)


def _values(target: str, condition: Condition) -> tuple[Any, ...]:
    """Equality or IN: the only matches B10 documents."""
    if condition.in_ is not None and condition == Condition(in_=condition.in_):
        return condition.in_
    if condition.eq is not None and condition == Condition(eq=condition.eq):
        return (condition.eq,)
    name = next(n for n, f in QUEUE.filters.items() if f.target == target)
    raise bad(f"filter[{name}]", "Only equality and IN apply to this filter.")


def job_filter(params: ListParams) -> JobFilter:
    """The parsed ``filter[...]`` of B10 as the graph's ``JobFilter`` (repeats: AND)."""
    found: dict[str, set[Any] | None] = {"ids": None, "states": None, "queue": None}
    for target, condition in params.query.filters:
        values = set(_values(target, condition))
        seen = found[target]
        found[target] = values if seen is None else seen & values
    queues = found["queue"]
    if queues is not None and len(queues) > 1:
        raise bad("filter[queue_id]", "Give one queue.")
    return JobFilter(
        ids=tuple(sorted(found["ids"])) if found["ids"] is not None else None,
        states=tuple(sorted(found["states"])) if found["states"] is not None else None,
        queue=next(iter(queues), "") if queues is not None else None,
    )


def represent(job: JobRow) -> dict[str, Any]:
    """The B10 row."""
    return {
        "item_id": str(job.id),
        "queue_id": job.queue,
        "state": job.state,
        "message": job.message,
        "num_retries": job.retries,
        "available": iso(job.available_at),
        "processed": iso(job.finished_at),
    }


# -- response models -----------------------------------------------------------------------


class QueueItem(BaseModel):
    """B10. With ``fields=`` only the named fields are present."""

    item_id: str | None = Field(default=None, description="Job id.", examples=["42"])
    queue_id: str | None = Field(default=None, examples=["default"])
    state: str | None = Field(default=None, description="queued, processing, success, failure.")
    message: str | None = Field(default=None, description="Progress or result message.")
    num_retries: int | None = Field(default=None, description="Attempts already retried.")
    available: str | None = Field(default=None, description="ISO 8601 UTC: runnable since.")
    processed: str | None = Field(default=None, description="ISO 8601 UTC: finished at.")


class BulkInput(BaseModel):
    """B11 body (Decision D19)."""

    operation: str = Field(
        description="print_labels, print_invoices, export_data, update_status, mark_items_sold."
    )
    entity_type: str | None = Field(
        default=None, description="item, order or client; may be left out when implied."
    )
    ids: list[Id] = Field(description="Entity ids, 1 to 10,000.")
    params: dict[str, Any] | None = Field(
        default=None, description='Operation parameters, e.g. {"status": "finished"}.'
    )


class BulkQueued(BaseModel):
    success: bool
    queue_item_id: str = Field(description="Poll with GET /advancedqueue_item?filter[item_id]=.")
    message: str = Field(examples=["Bulk operation queued successfully"])


class BulkEnvelope(BaseModel):
    data: BulkQueued


# -- routes --------------------------------------------------------------------------------


@router.get(
    "/advancedqueue_item",
    response_model=ListEnvelope[QueueItem],
    responses=errors(),
    openapi_extra=list_openapi(QUEUE),
    summary="List background jobs",
    description="B10: newest first. range, page, fields and filter[item_id] (exact or IN), "
    "filter[state] (" + ", ".join(STATES) + "), filter[queue_id]. Staff only.",
)
async def list_queue_items(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    _staff(principal)
    params = parse_list(request.query_params.multi_items(), QUEUE)
    where = job_filter(params)
    jobs, _ = await jobs_page(db, where, params.size, offset=params.offset)
    count = await jobs_count(db, where)
    return listing(request, [represent(job) for job in jobs], count, params)


def _choice(body: Mapping[str, Any], name: str, choices: type[BulkOperation | BulkEntity]) -> Any:
    value = body.get(name)
    allowed = [member.value for member in choices]
    if not isinstance(value, str) or value not in allowed:
        message = f"Unknown {name.replace('_', ' ')}: one of {', '.join(allowed)}."
        raise RestError(422, message, errors={name: [message]})
    return choices(value)


@router.post(
    "/bulk-dispatcher",
    response_model=BulkEnvelope,
    responses=errors(422),
    summary="Queue a bulk operation",
    openapi_extra=json_body(BulkInput),
)
async def bulk_dispatcher(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B11 (Decision D19): checks the operation, entity type, ids and parameters, then queues
    one job; poll it with ``GET /advancedqueue_item``."""
    body = await json_object(request)
    required(body, "operation")
    operation = _choice(body, "operation", BulkOperation)
    if body.get("entity_type") in (None, "") and operation not in ONLY_FOR:
        required(body, "entity_type")
    entity = (
        None if body.get("entity_type") in (None, "") else _choice(body, "entity_type", BulkEntity)
    )
    raw_ids = required(body, "ids")
    if not isinstance(raw_ids, list):
        raise RestError(400, "The field 'ids' must be a list", errors={"ids": ["Must be a list."]})
    ids = [to_id(value) for value in raw_ids]
    if any(i is None for i in ids):
        raise RestError(422, "Unknown ids", errors={"ids": ["Ids must be numbers."]})
    raw_params = body.get("params") or {}
    if not isinstance(raw_params, dict):
        raise RestError(422, "Invalid params", errors={"params": ["Must be an object."]})
    cmd = BulkCommand(
        operation=operation,
        entity_type=entity,
        ids=tuple(i for i in ids if i is not None),
        params={str(k): str(v) for k, v in raw_params.items() if v is not None},
    )
    try:
        queued = await dispatch_bulk(db, principal, cmd)
    except DomainError as exc:
        raise from_domain(exc) from exc
    return json_response(
        {
            "data": {
                "success": True,
                "queue_item_id": str(queued.job_id),
                "message": queued.message,
            }
        }
    )
