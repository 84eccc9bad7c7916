"""Root fields for clients."""

from __future__ import annotations

import strawberry

from db.queries.client import CLIENT_LIST
from db.queries.visibility import readable_clients
from graph.client.inputs import CLIENT_ID_TYPES, ClientFilter, ClientOrder
from graph.client.types import Client
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.lists import top_level
from graph.permissions import IsAuthenticated
from graph.relay import After, Before, Connection, First, Last, Search


@strawberry.type
class ClientQueries:
    @strawberry.field(
        description="Clients, by id by default. Staff see all; a bidder sees only themself.",
        permission_classes=[IsAuthenticated],
    )
    async def clients(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: ClientFilter | None = None,
        order_by: list[ClientOrder] | None = None,
        search: Search = None,
    ) -> Connection[Client]:
        return await top_level(
            info,
            readable_clients(info.context.principal),
            CLIENT_LIST,
            list_query(filter, order_by, search, CLIENT_ID_TYPES),
            page_args(first, after, last, before),
        )
