"""Root fields for items."""

from __future__ import annotations

import strawberry

from db.queries.item import ITEM_LIST
from db.queries.visibility import readable_items
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.item.inputs import ITEM_ID_TYPES, ItemFilter, ItemOrder
from graph.item.types import Item
from graph.lists import top_level
from graph.relay import After, Before, Connection, First, Last, Search


@strawberry.type
class ItemQueries:
    @strawberry.field(
        description="Lots across sales, by lot number by default. The public sees published lots "
        "of published sales."
    )
    async def items(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: ItemFilter | None = None,
        order_by: list[ItemOrder] | None = None,
        search: Search = None,
    ) -> Connection[Item]:
        return await top_level(
            info,
            readable_items(info.context.principal),
            ITEM_LIST,
            list_query(filter, order_by, search, ITEM_ID_TYPES),
            page_args(first, after, last, before),
        )
