"""Root fields for notes."""

from __future__ import annotations

import strawberry

from db.queries.note import NOTE_LIST
from db.queries.visibility import readable_notes
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.lists import top_level
from graph.note.inputs import NOTE_ID_TYPES, NoteFilter, NoteOrder
from graph.note.types import Note
from graph.permissions import STAFF
from graph.relay import After, Before, Connection, First, Last, Search


@strawberry.type
class NoteQueries:
    @strawberry.field(
        description="Staff notes on any entity, newest first by default. Staff only.",
        permission_classes=STAFF,
    )
    async def notes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: NoteFilter | None = None,
        order_by: list[NoteOrder] | None = None,
        search: Search = None,
    ) -> Connection[Note]:
        return await top_level(
            info,
            readable_notes(info.context.principal),
            NOTE_LIST,
            list_query(filter, order_by, search, NOTE_ID_TYPES),
            page_args(first, after, last, before),
        )
