"""Root fields for sales."""

from __future__ import annotations

import strawberry

from db.queries.sale import SALE_LIST
from db.queries.visibility import readable_sales
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.lists import top_level
from graph.relay import After, Before, Connection, First, Last, Search
from graph.sale.inputs import SALE_ID_TYPES, SaleFilter, SaleOrder
from graph.sale.types import Sale


@strawberry.type
class SaleQueries:
    @strawberry.field(
        description="Sales, latest start first by default. The public sees published sales."
    )
    async def sales(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: SaleFilter | None = None,
        order_by: list[SaleOrder] | None = None,
        search: Search = None,
    ) -> Connection[Sale]:
        return await top_level(
            info,
            readable_sales(info.context.principal),
            SALE_LIST,
            list_query(filter, order_by, search, SALE_ID_TYPES),
            page_args(first, after, last, before),
        )
