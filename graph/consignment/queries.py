"""Root fields for consignments."""

from __future__ import annotations

import strawberry

from db.queries.consignment import CONSIGNMENT_LIST
from db.queries.visibility import readable_consignments
from graph.consignment.inputs import CONSIGNMENT_ID_TYPES, ConsignmentFilter, ConsignmentOrder
from graph.consignment.types import Consignment
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.lists import top_level
from graph.permissions import IsAuthenticated
from graph.relay import After, Before, Connection, First, Last, Search


@strawberry.type
class ConsignmentQueries:
    @strawberry.field(
        description="Consignments, last changed first by default. Staff see all; a bidder sees "
        "the ones they consigned.",
        permission_classes=[IsAuthenticated],
    )
    async def consignments(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: ConsignmentFilter | None = None,
        order_by: list[ConsignmentOrder] | None = None,
        search: Search = None,
    ) -> Connection[Consignment]:
        return await top_level(
            info,
            readable_consignments(info.context.principal),
            CONSIGNMENT_LIST,
            list_query(filter, order_by, search, CONSIGNMENT_ID_TYPES),
            page_args(first, after, last, before),
        )
