"""Activity list inputs."""

from __future__ import annotations

import enum

import strawberry

from graph.enums import EntityType
from graph.filtering import (
    DateTimeFilter,
    EnumFilter,
    IDFilter,
    IntFilter,
    OrderDirection,
    StringFilter,
)

ACTIVITY_ID_TYPES = {"id": "Activity", "user_id": "User"}


@strawberry.input(description="Filter the activity log; every given field must match.")
class ActivityFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By activity ID.")
    user_id: IDFilter | None = strawberry.field(default=None, description="By who acted (User).")
    action: StringFilter | None = strawberry.field(
        default=None, description="By action (create, update, delete, …)."
    )
    entity_type: EnumFilter[EntityType] | None = strawberry.field(
        default=None, description="Kind of entity changed."
    )
    entity_id: IntFilter | None = strawberry.field(
        default=None, description="Database id of the entity changed."
    )
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="When.")


@strawberry.enum(description="Fields the activity log can be sorted by.")
class ActivityOrderField(enum.Enum):
    ID = "id"
    ACTION = "action"
    CREATED_AT = "created_at"


@strawberry.input(description="One sort key for the activity log.")
class ActivityOrder:
    field: ActivityOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
