"""Root fields for the activity log."""

from __future__ import annotations

import strawberry

from db.queries.activity import ACTIVITY_LIST
from db.queries.visibility import readable_activities
from graph.activity.inputs import ACTIVITY_ID_TYPES, ActivityFilter, ActivityOrder
from graph.activity.types import Activity
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.lists import top_level
from graph.permissions import STAFF
from graph.relay import After, Before, Connection, First, Last, Search


@strawberry.type
class ActivityQueries:
    @strawberry.field(
        description="The audit log, newest first by default. Staff only.",
        permission_classes=STAFF,
    )
    async def activities(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: ActivityFilter | None = None,
        order_by: list[ActivityOrder] | None = None,
        search: Search = None,
    ) -> Connection[Activity]:
        return await top_level(
            info,
            readable_activities(info.context.principal),
            ACTIVITY_LIST,
            list_query(filter, order_by, search, ACTIVITY_ID_TYPES),
            page_args(first, after, last, before),
        )
