"""Root fields for categories."""

from __future__ import annotations

import strawberry

from db.queries.category import CATEGORY_LIST
from db.queries.visibility import readable_categories
from graph.category.inputs import CATEGORY_ID_TYPES, CategoryFilter, CategoryOrder
from graph.category.types import Category
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.lists import top_level
from graph.relay import After, Before, Connection, First, Last, Search


@strawberry.type
class CategoryQueries:
    @strawberry.field(description="Collecting categories, lightest weight then name; public.")
    async def categories(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: CategoryFilter | None = None,
        order_by: list[CategoryOrder] | None = None,
        search: Search = None,
    ) -> Connection[Category]:
        return await top_level(
            info,
            readable_categories(info.context.principal),
            CATEGORY_LIST,
            list_query(filter, order_by, search, CATEGORY_ID_TYPES),
            page_args(first, after, last, before),
        )
