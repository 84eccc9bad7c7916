"""Resolving connection fields: top-level lists and lists nested under a parent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.sql import Select

from db.queries import batch
from db.queries.listing import ListError, ListQuery, ListSpec, Page, PageArgs
from graph.context import Info
from graph.dataloaders import BatchLoader
from graph.errors import bad_list_arguments
from graph.relay import Connection, connection


async def top_level(
    info: Info, statement: Select[Any], spec: ListSpec, query: ListQuery, args: PageArgs
) -> Connection[Any]:
    """One page of a root list; ``totalCount`` costs one more statement, only when asked."""
    db = info.context.db
    try:
        spec.check_filters(query, is_staff=info.context.principal.is_staff)
        page = await batch.page(db, statement, spec, query, args)
    except ListError as exc:
        raise bad_list_arguments(exc) from exc

    async def count() -> int:
        return await batch.count(db, statement, spec, query)

    return connection(page, count)


async def nested(
    parent_id: int,
    pages: BatchLoader[int, Page],
    counts: Callable[[], BatchLoader[int, int]],
) -> Connection[Any]:
    """One parent's page from a by-parent loader (one statement for every parent)."""
    try:
        page = await pages.load(parent_id)
    except ListError as exc:
        raise bad_list_arguments(exc) from exc

    def count() -> Awaitable[int]:
        return counts().load(parent_id)

    return connection(page, count)
