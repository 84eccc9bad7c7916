"""File list inputs."""

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

FILE_ID_TYPES = {"id": "File"}


@strawberry.input(description="Filter files; every given field must match.")
class FileFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By file ID.")
    entity_type: EnumFilter[EntityType] | None = strawberry.field(
        default=None, description="Kind of entity the file is attached to."
    )
    entity_id: IntFilter | None = strawberry.field(
        default=None, description="Database id of the entity the file is attached to."
    )
    is_private: bool | None = strawberry.field(
        default=None, description="Private files (staff only see them)."
    )
    mime_type: StringFilter | None = strawberry.field(default=None, description="MIME type.")
    filename: StringFilter | None = strawberry.field(default=None, description="File name.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Uploaded.")


@strawberry.enum(description="Fields files can be sorted by.")
class FileOrderField(enum.Enum):
    ID = "id"
    FILENAME = "filename"
    MIME_TYPE = "mime_type"
    SIZE = "size"
    CREATED_AT = "created_at"


@strawberry.input(description="One sort key for files.")
class FileOrder:
    field: FileOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
