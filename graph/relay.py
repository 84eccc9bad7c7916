"""Relay cursor connections with ``totalCount`` and a ``nodes`` shortcut."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Generic, TypeVar

import strawberry
from strawberry import relay

from db.queries.listing import Page

NodeT = TypeVar("NodeT")


@strawberry.type(description="An edge in a connection: one node and its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Opaque cursor of this edge for `after`/`before`.")
    node: NodeT = strawberry.field(description="The item at the end of the edge.")


@strawberry.type(description="A page of a list, following the Relay cursor connection spec.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The edges of this page.")
    page_info: relay.PageInfo = strawberry.field(description="Pagination information.")
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="Number of nodes in the whole list under its filters.")
    async def total_count(self) -> int:
        return await self._count()


def connection(page: Page, count: Callable[[], Awaitable[int]]) -> Connection[NodeT]:
    """Wrap a page of rows (ORM objects resolved by their Strawberry type) as a connection."""
    edges = [Edge(cursor=c, node=row) for row, c in zip(page.rows, page.cursors, strict=True)]
    return Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        _count=count,
    )


First = Annotated[
    int | None,
    strawberry.argument(description="Return the first n nodes (default 25, at most 100)."),
]
After = Annotated[str | None, strawberry.argument(description="Return nodes after this cursor.")]
Last = Annotated[
    int | None, strawberry.argument(description="Return the last n nodes (at most 100).")
]
Before = Annotated[str | None, strawberry.argument(description="Return nodes before this cursor.")]
Search = Annotated[
    str | None,
    strawberry.argument(description="Words that must all appear in the searchable text fields."),
]
