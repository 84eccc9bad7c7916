"""Relay cursor connections with ``totalCount`` and a ``nodes`` shortcut.

A connection keeps its ``Page`` and builds only what the query selects: edges and their cursors
when ``edges`` is asked for, nothing per row for ``nodes``. Before handing out its rows it
prefetches the relations selected on them (``graph.dataloaders.prefetch``), so that, e.g., each
bid's ``bidder`` is already loaded when GraphQL reaches it and resolves without waiting.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry import relay
from strawberry.types.nodes import SelectedField, Selection

from db.queries.listing import Page
from graph.context import Info
from graph.dataloaders import PREFETCHES, prefetch, when_settled

NodeT = TypeVar("NodeT")


@strawberry.type(description="An edge in a connection: one node and its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Opaque cursor of this edge for `after`/`before`.")
    node: NodeT = strawberry.field(description="The item at the end of the edge.")


@strawberry.type(description="A page of a list, following the Relay cursor connection spec.")
class Connection(Generic[NodeT]):
    _page: strawberry.Private[Page]
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The edges of this page.")
    def edges(self, info: Info) -> list[Edge[NodeT]]:
        page = self._page
        edges = [Edge(cursor=page.cursor(i), node=row) for i, row in enumerate(page.rows)]
        return _when_prefetched(info, page.rows, edges, through_edges=True)

    @strawberry.field(description="Pagination information.")
    def page_info(self) -> relay.PageInfo:
        page = self._page
        return relay.PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursor(0) if page.rows else None,
            end_cursor=page.cursor(len(page.rows) - 1) if page.rows else None,
        )

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self, info: Info) -> list[NodeT]:
        rows = self._page.rows
        return _when_prefetched(info, rows, rows, through_edges=False)

    @strawberry.field(description="Number of nodes in the whole list under its filters.")
    async def total_count(self) -> int:
        return await self._count()


def connection(page: Page, count: Callable[[], Awaitable[int]]) -> Connection[NodeT]:
    """Wrap a page of rows (ORM objects resolved by their Strawberry type) as a connection."""
    return Connection(_page=page, _count=count)


def _when_prefetched(
    info: Info, rows: Sequence[Any], result: list[Any], *, through_edges: bool
) -> list[Any] | Awaitable[list[Any]]:
    """``result`` once the relations selected on ``rows`` are loaded (at once if they are)."""
    if not rows:
        return result
    specs = PREFETCHES.get(type(rows[0]))
    if not specs:
        return result
    plans = info.context.loaders.prefetch_plans
    key = (_path_key(info.path), type(rows[0]))
    plan = plans.get(key)
    if plan is None:
        names = _node_fields(info.selected_fields, through_edges)
        plan = plans[key] = tuple(dict.fromkeys(specs[n] for n in sorted(names) if n in specs))
    pending = prefetch(info.context.loaders, rows, plan) if plan else None
    return when_settled(pending, result) if pending else result


def _path_key(path: Any) -> tuple[tuple[str, str | None], ...]:
    """The response path without list indices: the same for every page of one field."""
    key: list[tuple[str, str | None]] = []
    while path is not None:
        if isinstance(path.key, str):
            key.append((path.key, path.typename))
        path = path.prev
    return tuple(key)


def _node_fields(selected: list[Selection], through_edges: bool) -> set[str]:
    """Names of the fields selected on the nodes under ``nodes`` or ``edges { node }``."""
    names: set[str] = set()
    for connection_field in _fields(selected):
        below = connection_field.selections
        if through_edges:
            below = [s for f in _fields(below) if f.name == "node" for s in f.selections]
        names.update(field.name for field in _fields(below))
    return names


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    """The fields of a selection set, fragments flattened, ``@skip``/``@include`` applied."""
    for selection in selections:
        directives = selection.directives
        if directives.get("skip", {}).get("if") is True:
            continue
        if directives.get("include", {}).get("if") is False:
            continue
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from _fields(selection.selections)


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
