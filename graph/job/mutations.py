"""``bulkDispatch``: queue a bulk operation; the work runs in the background."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from db.queries.jobs import job_by_id
from domain import errors
from domain.jobs.bulk import ONLY_FOR, BulkCommand, BulkEntity, BulkOperation, dispatch_bulk
from domain.jobs.knock_down import queue_knock_down
from graph.context import Info
from graph.errors import BadUserInputError, from_domain
from graph.filtering import decode_id, decode_ids
from graph.job.types import Job
from graph.payloads import UserError, user_errors
from graph.permissions import STAFF

strawberry.enum(
    BulkOperation,
    name="BulkOperation",
    description="A bulk operation: UPDATE_STATUS (items, orders or clients; `params.status`), "
    "EXPORT_DATA (CSV of any type), PRINT_INVOICES (orders, printable HTML), PRINT_LABELS "
    "(items, printable HTML), MARK_ITEMS_SOLD (items).",
)
strawberry.enum(BulkEntity, name="BulkEntityType", description="What a bulk operation works on.")

TYPE_NAMES = {BulkEntity.ITEM: "Item", BulkEntity.ORDER: "Order", BulkEntity.CLIENT: "Client"}


@strawberry.input(description="A bulk operation to queue.")
class BulkDispatchInput:
    operation: BulkOperation = strawberry.field(description="What to do.")
    entity_type: BulkEntity | None = strawberry.field(
        default=None,
        description="What the ids are; may be left out when the operation implies it "
        "(PRINT_INVOICES, PRINT_LABELS, MARK_ITEMS_SOLD).",
    )
    ids: list[strawberry.ID] = strawberry.field(
        description="The entities (global IDs of the entity type), 1 to 10,000."
    )
    params: JSON | None = strawberry.field(
        default=None,
        description='Operation parameters, e.g. `{"status": "finished"}` for UPDATE_STATUS '
        "(the entity type's status id, lower case).",
    )


@strawberry.type(description="The result of `bulkDispatch`.")
class BulkDispatchPayload:
    _job: strawberry.Private[Job | None] = None
    success: bool = strawberry.field(description="Whether the operation was queued.")
    message: str | None = strawberry.field(
        default=None, description="`Bulk operation queued successfully` when queued."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why nothing was queued: unknown ids (NOT_FOUND), a missing or unknown "
        "status (REQUIRED, INVALID), an entity type the operation does not apply to.",
    )

    @strawberry.field(description="The queued job's id; poll it with `job(id:)`.")
    def job_id(self) -> strawberry.ID | None:
        return self._job.id() if self._job is not None else None

    @strawberry.field(description="The queued job.")
    def job(self) -> Job | None:
        return self._job


@strawberry.input(description="The live sale whose open lots to knock down.")
class KnockDownAllLotsInput:
    sale_id: strawberry.ID = strawberry.field(description="The sale (a LIVE sale).")


@strawberry.type(description="The result of `knockDownAllLots`.")
class KnockDownAllLotsPayload:
    _job: strawberry.Private[Job | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why nothing was queued (NOT_LIVE_SALE).",
    )

    @strawberry.field(description="The queued job; follow it with `knockDownProgress`.")
    def job(self) -> Job | None:
        return self._job


def _params(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadUserInputError("`params` must be an object.", field="params")
    return {str(key): str(item) for key, item in value.items() if item is not None}


@strawberry.type
class JobMutations:
    @strawberry.mutation(
        description="Queue a bulk operation on many items, orders or clients and return the "
        "job at once; the job reports its progress in `message` (and `queueTask*` events) and "
        "stores files it makes (CSV, printable HTML) as private files named in its message. "
        "Every id is checked before queuing. Staff only.",
        permission_classes=STAFF,
    )
    async def bulk_dispatch(self, info: Info, input: BulkDispatchInput) -> BulkDispatchPayload:
        context = info.context
        entity = input.entity_type or ONLY_FOR.get(input.operation)
        # Without an entity type the ids cannot be read; the use case refuses the request.
        ids = decode_ids(input.ids, TYPE_NAMES[entity], "ids") if entity is not None else []
        cmd = BulkCommand(
            operation=input.operation,
            entity_type=input.entity_type,
            ids=tuple(ids),
            params=_params(input.params),
        )
        try:
            queued = await dispatch_bulk(context.db, context.principal, cmd)
        except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
            raise from_domain(exc) from exc
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return BulkDispatchPayload(success=False, errors=user_errors(errors.violations_of(exc)))
        row = await job_by_id(context.db, queued.job_id)
        return BulkDispatchPayload(
            _job=Job(_row=row) if row is not None else None,
            success=True,
            message=queued.message,
        )

    @strawberry.mutation(
        description="Queue the knock-down of every open lot of a LIVE sale: each is hammered "
        "like `hammerLot` (SOLD to the highest bid when the reserve is met, else UNSOLD); "
        "`knockDownProgress` reports each batch. Staff only.",
        permission_classes=STAFF,
    )
    async def knock_down_all_lots(
        self, info: Info, input: KnockDownAllLotsInput
    ) -> KnockDownAllLotsPayload:
        context = info.context
        sale_id = decode_id(input.sale_id, "Sale", "saleId")
        try:
            job_id = await queue_knock_down(context.db, context.principal, sale_id)
        except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
            raise from_domain(exc) from exc
        except errors.RuleViolation as exc:
            return KnockDownAllLotsPayload(errors=user_errors([exc]))
        row = await job_by_id(context.db, job_id)
        return KnockDownAllLotsPayload(_job=Job(_row=row) if row is not None else None)
