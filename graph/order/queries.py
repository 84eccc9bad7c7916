"""Root fields for orders."""

from __future__ import annotations

import strawberry

from db.queries.order import ORDER_LIST
from db.queries.visibility import readable_orders
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.lists import top_level
from graph.order.inputs import ORDER_ID_TYPES, OrderFilter, OrderOrder
from graph.order.types import Order
from graph.permissions import IsAuthenticated
from graph.relay import After, Before, Connection, First, Last, Search


@strawberry.type
class OrderQueries:
    @strawberry.field(
        description="Orders (invoices, settlements, credit notes), newest first by default. "
        "Staff see all; a bidder sees only their own. `search` matches the invoice number.",
        permission_classes=[IsAuthenticated],
    )
    async def orders(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: OrderFilter | None = None,
        order_by: list[OrderOrder] | None = None,
        search: Search = None,
    ) -> Connection[Order]:
        return await top_level(
            info,
            readable_orders(info.context.principal),
            ORDER_LIST,
            list_query(filter, order_by, search, ORDER_ID_TYPES),
            page_args(first, after, last, before),
        )
