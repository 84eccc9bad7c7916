"""The File type."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry import relay

from db import models
from domain.files import content_path, file_url
from graph.context import Info
from graph.enums import EntityType
from graph.node import ModelNode
from graph.note.types import load_subject


@strawberry.type(
    description="An uploaded file: an item image or a document. Private files are staff only."
)
class File(ModelNode):
    __model__ = models.File
    __loader__ = "file_by_id"

    id: relay.NodeID[int]
    filename: str = strawberry.field(description="Original file name (image.jpg).")
    mime_type: str = strawberry.field(description="MIME type (image/jpeg).")
    size: int = strawberry.field(description="Size in bytes.")
    is_private: bool = strawberry.field(description="Only staff can read a private file.")
    created_at: datetime = strawberry.field(description="Uploaded.")
    entity_type: EntityType | None = strawberry.field(
        description="Kind of entity the file is attached to; null if unattached."
    )
    entity_id: int | None = strawberry.field(
        description="Database id of the entity the file is attached to; null if unattached."
    )

    @strawberry.field(
        description="The entity the file is attached to; null if unattached, gone, or not "
        "visible to the caller."
    )
    async def subject(
        self, parent: strawberry.Parent[models.File], info: Info
    ) -> relay.Node | None:
        if parent.entity_type is None or parent.entity_id is None:
            return None
        return await load_subject(info, parent.entity_type, parent.entity_id)

    @strawberry.field(
        description="Where the content is served, relative to the API host. Public files: a "
        "stable URL. Private files: a signed URL valid for an hour, usable without a token."
    )
    def url(self, parent: strawberry.Parent[models.File], info: Info) -> str:
        store = info.context.file_store
        if store is None:
            return content_path(parent.id)
        return file_url(store, parent, datetime.now(UTC))
