"""The Note type, and how a note or an activity row finds the entity it is attached to."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from db import models
from graph.context import Info
from graph.enums import EntityType
from graph.filtering import list_query, page_args
from graph.lists import nested
from graph.node import ModelNode
from graph.note.inputs import NOTE_ID_TYPES
from graph.relay import Connection

if TYPE_CHECKING:
    from graph.user.types import User

# The by-id loader of each kind of entity (loaders.py attribute names).
SUBJECT_LOADERS: dict[models.EntityType, str] = {
    models.EntityType.CLIENT: "client_by_id",
    models.EntityType.ADDRESS: "address_by_id",
    models.EntityType.SALE: "sale_by_id",
    models.EntityType.ITEM: "item_by_id",
    models.EntityType.BID: "bid_by_id",
    models.EntityType.ORDER: "order_by_id",
    models.EntityType.CONSIGNMENT: "consignment_by_id",
    models.EntityType.TRANSACTION: "transaction_by_id",
    models.EntityType.NOTE: "note_by_id",
    models.EntityType.FILE: "file_by_id",
    models.EntityType.USER: "user_by_id",
    models.EntityType.TERM: "term_by_id",
}


async def load_subject(
    info: Info, entity_type: models.EntityType, entity_id: int
) -> relay.Node | None:
    """The entity a note or activity row is attached to, through its by-id loader."""
    loader = getattr(info.context.loaders, SUBJECT_LOADERS.get(entity_type, ""), None)
    if loader is None:
        return None
    subject: relay.Node | None = await loader.load(entity_id)
    return subject


@strawberry.type(description="A staff comment attached to an entity. Staff only.")
class Note(ModelNode):
    __model__ = models.Note
    __loader__ = "note_by_id"

    id: relay.NodeID[int]
    entity_type: EntityType = strawberry.field(description="Kind of entity the note is on.")
    entity_id: int = strawberry.field(description="Database id of the entity the note is on.")
    title: str | None = strawberry.field(description="Title, if any.")
    body: str = strawberry.field(description="HTML content.")
    published: bool = strawberry.field(description="Published flag.")
    revision: int = strawberry.field(description="Revision number, 1 for a note never edited.")
    created_at: datetime = strawberry.field(description="Created.")
    updated_at: datetime = strawberry.field(description="Last changed.")

    @strawberry.field(description="The entity the note is attached to; null if it is gone.")
    async def subject(
        self, parent: strawberry.Parent[models.Note], info: Info
    ) -> relay.Node | None:
        return await load_subject(info, parent.entity_type, parent.entity_id)

    @strawberry.field(description="Who wrote the note; null if that user is gone.")
    async def author(
        self, parent: strawberry.Parent[models.Note], info: Info
    ) -> Annotated[User, strawberry.lazy("graph.user.types")] | None:
        if parent.author_id is None:
            return None
        return await info.context.loaders.user_by_id.load(parent.author_id)


async def entity_notes(
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
    search: str | None,
) -> Connection[Note]:
    """The notes on one entity, batched with the same field on its siblings."""
    query = list_query(filter, order_by, search, NOTE_ID_TYPES)
    args = page_args(first, after, last, before)
    loaders = info.context.loaders
    return await nested(
        entity_id,
        loaders.notes_by_entity_id(entity_type, query, args),
        lambda: loaders.note_count_by_entity_id(entity_type, query),
    )
