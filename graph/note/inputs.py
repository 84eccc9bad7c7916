"""Note list inputs."""

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

NOTE_ID_TYPES = {"id": "Note", "author_id": "User"}


@strawberry.input(description="Filter notes; every given field must match.")
class NoteFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By note ID.")
    entity_type: EnumFilter[EntityType] | None = strawberry.field(
        default=None, description="Kind of entity the note is attached to."
    )
    entity_id: IntFilter | None = strawberry.field(
        default=None, description="Database id of the entity the note is attached to."
    )
    published: bool | None = strawberry.field(default=None, description="Published (or not).")
    author_id: IDFilter | None = strawberry.field(default=None, description="By author (User).")
    title: StringFilter | None = strawberry.field(default=None, description="By title.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="Updated.")


@strawberry.enum(description="Fields notes can be sorted by.")
class NoteOrderField(enum.Enum):
    ID = "id"
    TITLE = "title"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="One sort key for notes.")
class NoteOrder:
    field: NoteOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
