"""Root fields for addresses."""

from __future__ import annotations

import strawberry

from db.queries.address import ADDRESS_LIST
from db.queries.visibility import readable_addresses
from graph.address.inputs import ADDRESS_ID_TYPES, AddressFilter, AddressOrder
from graph.address.types import Address
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.lists import top_level
from graph.permissions import IsAuthenticated
from graph.relay import After, Before, Connection, First, Last, Search


@strawberry.type
class AddressQueries:
    @strawberry.field(
        description="Client addresses, by id by default. Staff see all; a bidder sees their own.",
        permission_classes=[IsAuthenticated],
    )
    async def addresses(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: AddressFilter | None = None,
        order_by: list[AddressOrder] | None = None,
        search: Search = None,
    ) -> Connection[Address]:
        return await top_level(
            info,
            readable_addresses(info.context.principal),
            ADDRESS_LIST,
            list_query(filter, order_by, search, ADDRESS_ID_TYPES),
            page_args(first, after, last, before),
        )
