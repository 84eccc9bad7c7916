"""The Activity (audit log) type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from db import models
from graph.activity.inputs import ACTIVITY_ID_TYPES, ActivityFilter, ActivityOrder
from graph.context import Info
from graph.enums import EntityType
from graph.filtering import list_query, page_args
from graph.lists import nested
from graph.node import ModelNode
from graph.note.types import load_subject
from graph.permissions import STAFF_ONLY, staff_only
from graph.relay import After, Before, Connection, First, Last

if TYPE_CHECKING:
    from graph.user.types import User


@strawberry.type(
    description="One change in the audit log: who did what to which entity. Staff only."
)
class Activity(ModelNode):
    __model__ = models.Activity
    __loader__ = "activity_by_id"

    id: relay.NodeID[int]
    action: str = strawberry.field(description="What happened (create, update, delete, …).")
    entity_type: EntityType = strawberry.field(description="Kind of entity changed.")
    entity_id: int = strawberry.field(description="Database id of the entity changed.")
    created_at: datetime = strawberry.field(description="When it happened.")

    @strawberry.field(
        description="The changed fields, each with its value before and after (JSON object)."
    )
    def changes(self, parent: strawberry.Parent[models.Activity]) -> JSON:
        return parent.changes

    @strawberry.field(description="The entity changed; null if it is gone.")
    async def subject(
        self, parent: strawberry.Parent[models.Activity], info: Info
    ) -> relay.Node | None:
        return await load_subject(info, parent.entity_type, parent.entity_id)

    @strawberry.field(description="Who made the change; null for the system or a removed user.")
    async def user(
        self, parent: strawberry.Parent[models.Activity], info: Info
    ) -> Annotated[User, strawberry.lazy("graph.user.types")] | None:
        if parent.user_id is None:
            return None
        return await info.context.loaders.user_by_id.load(parent.user_id)


async def entity_activities(
    info: Info,
    entity_type: models.EntityType,
    entity_id: int,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    filter: Any | None,
    order_by: list[Any] | None,
) -> Connection[Activity]:
    """The audit trail of one entity, batched with the same field on its siblings."""
    query = list_query(filter, order_by, None, ACTIVITY_ID_TYPES)
    args = page_args(first, after, last, before)
    loaders = info.context.loaders
    return await nested(
        entity_id,
        loaders.activities_by_entity_id(entity_type, query, args),
        lambda: loaders.activity_count_by_entity_id(entity_type, query),
    )


def history_field(entity_type: models.EntityType, noun: str) -> Any:
    """The ``activities`` field of an entity type: its own audit trail, staff only."""

    async def activities(
        parent: strawberry.Parent[Any],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: ActivityFilter | None = None,
        order_by: list[ActivityOrder] | None = None,
    ) -> Connection[Activity] | None:
        return await entity_activities(
            info,
            entity_type,
            parent.id,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
        )

    return strawberry.field(
        resolver=activities,
        description=f"The {noun}'s audit trail, newest first by default." + STAFF_ONLY,
        extensions=staff_only(),
    )
