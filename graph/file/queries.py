"""Root fields for files."""

from __future__ import annotations

import strawberry

from db.queries.file import FILE_LIST
from db.queries.visibility import readable_files
from graph.context import Info
from graph.file.inputs import FILE_ID_TYPES, FileFilter, FileOrder
from graph.file.types import File
from graph.filtering import list_query, page_args
from graph.lists import top_level
from graph.relay import After, Before, Connection, First, Last, Search


@strawberry.type
class FileQueries:
    @strawberry.field(
        description="Files, newest first by default. The public sees public files only."
    )
    async def files(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: FileFilter | None = None,
        order_by: list[FileOrder] | None = None,
        search: Search = None,
    ) -> Connection[File]:
        return await top_level(
            info,
            readable_files(info.context.principal),
            FILE_LIST,
            list_query(filter, order_by, search, FILE_ID_TYPES),
            page_args(first, after, last, before),
        )
