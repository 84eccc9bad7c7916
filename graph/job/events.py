"""The back-office subscriptions (REST Part D5): entity updates, queue tasks, bulk operations
and knock-down progress, for staff only.

They listen on the same LISTEN/NOTIFY bus as the bid events, so each event arrives after its
transaction commits, and they are multiplexed like every subscription (``graph.multiplex``).
A non-staff subscriber (the public included) gets a GraphQL error coded FORBIDDEN.
"""

from __future__ import annotations

import enum
import re
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry import relay
from strawberry.permission import BasePermission
from strawberry.scalars import JSON

from graph.context import Context, Info
from graph.errors import BadUserInputError
from graph.filtering import decode_id
from graph.job.queries import job_id_argument
from graph.job.types import QueueTaskState
from graph.permissions import IsStaff
from graph.subscriptions import _bus, _messages
from realtime.events import EntityUpdated, Event, ItemBulk, KnockDownProgress, QueueTask

if TYPE_CHECKING:
    from graph.sale.types import Sale

STAFF_EVENTS: list[type[BasePermission]] = [IsStaff]
"""Staff only; anonymous subscribers are refused with FORBIDDEN too (no sign-in prompt)."""


@strawberry.enum(description="The kind of entity an `entityUpdated` event is about.")
class EntityBundle(enum.Enum):
    ITEM = strawberry.enum_value("item", description="A lot.")
    CLIENT = strawberry.enum_value("client", description="A client.")
    SALE = strawberry.enum_value("sale", description="A sale.")
    TASK = strawberry.enum_value("task", description="A back-office task.")
    ORDER = strawberry.enum_value("order", description="An order (invoice or settlement).")
    CONSIGNMENT = strawberry.enum_value("consignment", description="A consignment.")


@strawberry.enum(description="How a bulk operation ended.")
class BulkEventStatus(enum.Enum):
    SUCCESS = strawberry.enum_value("success", description="Every row was processed.")
    ERROR = strawberry.enum_value("error", description="The operation failed.")
    WARNING = strawberry.enum_value("warning", description="Some rows were not processed.")


NODE_TYPES = {
    "item": "Item",
    "client": "Client",
    "sale": "Sale",
    "task": "Task",
    "order": "Order",
    "consignment": "Consignment",
}


@strawberry.type(description="An entity was changed by a back-office write (REST `entity_update`).")
class EntityUpdateEvent:
    _event: strawberry.Private[EntityUpdated]
    _node: strawberry.Private[Any]

    @strawberry.field(description="Always `entity_update`.")
    def name(self) -> str:
        return "entity_update"

    @strawberry.field(description="The kind of entity.")
    def bundle(self) -> EntityBundle:
        return EntityBundle(self._event.bundle)

    @strawberry.field(description="The entity's global ID.")
    def entity_id(self) -> strawberry.ID:
        kind = NODE_TYPES.get(self._event.bundle, self._event.bundle.title())
        return strawberry.ID(relay.to_base64(kind, self._event.entity_id))

    @strawberry.field(description="The entity's database id (REST's `entity_id`).")
    def database_id(self) -> int:
        return self._event.entity_id

    @strawberry.field(
        description="The user who made the change (their database id); null for the system."
    )
    def uid(self) -> strawberry.ID | None:
        user = self._event.user_id
        return strawberry.ID(str(user)) if user is not None else None

    @strawberry.field(
        description="Whether every viewer should reload, not only the author (bulk and system "
        "changes)."
    )
    def force_reload(self) -> bool:
        return self._event.force_reload

    @strawberry.field(description="The entity as it is now; null if it is gone.")
    def node(self) -> relay.Node | None:
        return cast("relay.Node | None", self._node)


@strawberry.type(
    description="A background job was created, changed state, started or finished (REST "
    "`advanced_queue__*`)."
)
class QueueTaskEvent:
    _event: strawberry.Private[QueueTask]

    @strawberry.field(description="The task's name, e.g. `bulk_dispatch`.")
    def name(self) -> str:
        return self._event.name

    @strawberry.field(
        description="A tracking label, e.g. `via_bulk_<id>` for one entity of a bulk job."
    )
    def label(self) -> str | None:
        return self._event.label

    @strawberry.field(description="The job's id (`job(id:)`).")
    def job_id(self) -> strawberry.ID:
        return strawberry.ID(str(self._event.job_id))

    @strawberry.field(description="The job's state when the event was sent.")
    def state(self) -> QueueTaskState:
        return QueueTaskState(self._event.state)

    @strawberry.field(description="The job's message when the event was sent.")
    def message(self) -> str | None:
        return self._event.message

    @strawberry.field(description="The database id of the entity this event is about.")
    def result_nid(self) -> strawberry.ID | None:
        nid = self._event.result_nid
        return strawberry.ID(str(nid)) if nid is not None else None

    @strawberry.field(description="The task's result, as the task reported it.")
    def result(self) -> JSON | None:
        return self._event.result


@strawberry.type(description="A bulk operation on items finished (REST `item_bulk`).")
class ItemBulkEvent:
    _event: strawberry.Private[ItemBulk]

    @strawberry.field(description="`bulk_update`, `item_lot_bulk`, `item_bulk_retry`, …")
    def name(self) -> str:
        return self._event.name

    @strawberry.field(description="The kind of bulk operation, e.g. `bulk`.")
    def type(self) -> str | None:
        return self._event.bulk_type

    @strawberry.field(description="How many items were processed.")
    def count(self) -> int:
        return self._event.count

    @strawberry.field(description="How it ended.")
    def status(self) -> BulkEventStatus:
        return BulkEventStatus(self._event.status)

    @strawberry.field(description="A human-readable summary.")
    def message(self) -> str | None:
        return self._event.message


@strawberry.type(description="Progress of knocking down a sale's lots in bulk.")
class KnockDownProgressEvent:
    _event: strawberry.Private[KnockDownProgress]
    _sale: strawberry.Private[Any]

    @strawberry.field(description="`Knocked down <done> of <total> items...`")
    def result(self) -> str:
        return self._event.result

    @strawberry.field(description="Lots knocked down so far.")
    def done(self) -> int | None:
        return self._event.done

    @strawberry.field(description="Lots to knock down in all.")
    def total(self) -> int | None:
        return self._event.total

    @strawberry.field(description="The sale.")
    def sale(self) -> Annotated[Sale, strawberry.lazy("graph.sale.types")] | None:
        return cast("Sale | None", self._sale)


def _optional_id(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return decode_id(value, type_name, field) if value is not None else None


async def _node(context: Context, bundle: str, entity_id: int) -> Any:
    scope = await context.next_event_scope()
    loaders = scope.loaders
    loader: Any = {
        "item": loaders.item_by_id,
        "client": loaders.client_by_id,
        "sale": loaders.sale_by_id,
        "order": loaders.order_by_id,
        "consignment": loaders.consignment_by_id,
    }.get(bundle)
    return await loader.load(entity_id) if loader is not None else None


async def _entity_events(
    context: Context, accepts: Callable[[Event], bool]
) -> AsyncGenerator[EntityUpdateEvent, None]:
    try:
        async with _bus(context).subscribe(accepts) as live:
            async for message in _messages(context, live):
                if isinstance(message, EntityUpdated):
                    node = await _node(context, message.bundle, message.entity_id)
                    yield EntityUpdateEvent(_event=message, _node=node)
    finally:
        await context.close_event_scope()


async def _queue_events(
    context: Context, accepts: Callable[[Event], bool]
) -> AsyncGenerator[QueueTaskEvent, None]:
    async with _bus(context).subscribe(accepts) as live:
        async for message in _messages(context, live):
            if isinstance(message, QueueTask):
                yield QueueTaskEvent(_event=message)


def _queue_filter(
    phase: str, name: str | None, job: int | None = None, label: str | None = None
) -> Callable[[Event], bool]:
    def accepts(event: Event) -> bool:
        return (
            isinstance(event, QueueTask)
            and event.phase == phase
            and (name is None or event.name == name)
            and (job is None or event.job_id == job)
            and (label is None or event.label == label)
        )

    return accepts


async def _bulk_events(context: Context, name: str | None) -> AsyncGenerator[ItemBulkEvent, None]:
    def accepts(event: Event) -> bool:
        return isinstance(event, ItemBulk) and (name is None or event.name == name)

    async with _bus(context).subscribe(accepts) as live:
        async for message in _messages(context, live):
            if isinstance(message, ItemBulk):
                yield ItemBulkEvent(_event=message)


async def _knock_down_events(
    context: Context, sale: int | None
) -> AsyncGenerator[KnockDownProgressEvent, None]:
    def accepts(event: Event) -> bool:
        return isinstance(event, KnockDownProgress) and (sale is None or event.sale_id == sale)

    try:
        async with _bus(context).subscribe(accepts) as live:
            async for message in _messages(context, live):
                if isinstance(message, KnockDownProgress):
                    scope = await context.next_event_scope()
                    row = await scope.loaders.sale_by_id.load(message.sale_id)
                    yield KnockDownProgressEvent(_event=message, _sale=row)
    finally:
        await context.close_event_scope()


LABEL = re.compile(r"^[\w.:-]{1,200}$")


@strawberry.type
class StaffEventSubscriptions:
    @strawberry.subscription(
        description="Back-office writes to items, clients, sales, orders, consignments and "
        "tasks, after commit. `onlyMine` keeps the changes you made yourself. Staff only.",
        permission_classes=STAFF_EVENTS,
    )
    async def entity_updated(
        self,
        info: Info,
        bundle: Annotated[
            EntityBundle | None, strawberry.argument(description="Only entities of this kind.")
        ] = None,
        entity_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this entity (its global ID; needs `bundle`)."),
        ] = None,
        only_mine: Annotated[
            bool, strawberry.argument(description="Only the changes the subscriber made.")
        ] = False,
    ) -> AsyncGenerator[EntityUpdateEvent, None]:
        context = info.context
        _bus(context)
        kind = cast("str", bundle.value) if bundle is not None else None
        wanted: int | None = None
        if entity_id is not None:
            if kind is None:
                raise BadUserInputError("`entityId` needs `bundle`.", field="entityId")
            wanted = decode_id(entity_id, NODE_TYPES[kind], "entityId")
        user = context.principal.user_id

        def accepts(event: Event) -> bool:
            return (
                isinstance(event, EntityUpdated)
                and (kind is None or event.bundle == kind)
                and (wanted is None or event.entity_id == wanted)
                and (not only_mine or event.user_id == user)
            )

        return _entity_events(context, accepts)

    @strawberry.subscription(
        description="Background jobs as they are queued. Staff only.",
        permission_classes=STAFF_EVENTS,
    )
    async def queue_task_created(
        self,
        info: Info,
        name: Annotated[str | None, strawberry.argument(description="Only this task.")] = None,
    ) -> AsyncGenerator[QueueTaskEvent, None]:
        _bus(info.context)
        return _queue_events(info.context, _queue_filter("created", name))

    @strawberry.subscription(
        description="Background jobs as their state or message changes (queued again for a "
        "retry, running, progress, finished). Staff only.",
        permission_classes=STAFF_EVENTS,
    )
    async def queue_task_updated(
        self,
        info: Info,
        name: Annotated[str | None, strawberry.argument(description="Only this task.")] = None,
        job_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this job.")
        ] = None,
    ) -> AsyncGenerator[QueueTaskEvent, None]:
        _bus(info.context)
        job = job_id_argument(job_id, "jobId") if job_id is not None else None
        return _queue_events(info.context, _queue_filter("updated", name, job))

    @strawberry.subscription(
        description="Each attempt of a background job as it starts. Staff only.",
        permission_classes=STAFF_EVENTS,
    )
    async def queue_task_started(
        self,
        info: Info,
        name: Annotated[str | None, strawberry.argument(description="Only this task.")] = None,
    ) -> AsyncGenerator[QueueTaskEvent, None]:
        _bus(info.context)
        return _queue_events(info.context, _queue_filter("started", name))

    @strawberry.subscription(
        description="Work a background job finished: one event per entity of a bulk job "
        "(`label` `via_bulk_<id>`), and one when the job ends (success or failure). Staff "
        "only.",
        permission_classes=STAFF_EVENTS,
    )
    async def queue_task_completed(
        self,
        info: Info,
        name: Annotated[str | None, strawberry.argument(description="Only this task.")] = None,
        label: Annotated[
            str | None,
            strawberry.argument(description="Only events with this label, e.g. `via_bulk_42`."),
        ] = None,
        job_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this job.")
        ] = None,
    ) -> AsyncGenerator[QueueTaskEvent, None]:
        _bus(info.context)
        if label is not None and not LABEL.match(label):
            raise BadUserInputError("`label` is not a task label.", field="label")
        job = job_id_argument(job_id, "jobId") if job_id is not None else None
        return _queue_events(info.context, _queue_filter("completed", name, job, label))

    @strawberry.subscription(
        description="Bulk operations on items as they finish. Staff only.",
        permission_classes=STAFF_EVENTS,
    )
    async def item_bulk_completed(
        self,
        info: Info,
        name: Annotated[
            str | None, strawberry.argument(description="Only this operation, e.g. `bulk_update`.")
        ] = None,
    ) -> AsyncGenerator[ItemBulkEvent, None]:
        _bus(info.context)
        return _bulk_events(info.context, name)

    @strawberry.subscription(
        description="Progress of knocking down a sale's lots in bulk, after each batch. Staff "
        "only.",
        permission_classes=STAFF_EVENTS,
    )
    async def knock_down_progress(
        self,
        info: Info,
        sale_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this sale.")
        ] = None,
    ) -> AsyncGenerator[KnockDownProgressEvent, None]:
        _bus(info.context)
        return _knock_down_events(info.context, _optional_id(sale_id, "Sale", "saleId"))
