"""Generic batched reads used by every entity's queries (one statement per call)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select

from db.queries.listing import (
    ListQuery,
    ListSpec,
    Page,
    PageArgs,
    empty_page,
    filter_clauses,
    paginate,
    paginate_by_parent,
    paginate_offset,
)
from db.session import OperationDB


async def rows_by_ids(db: OperationDB, statement: Select[Any], ids: Sequence[int]) -> list[Any]:
    """Entities of ``statement`` with these ids, aligned with ``ids`` (None where not readable)."""
    entity = statement.column_descriptions[0]["entity"]
    found = {row.id: row for row in await db.all(statement.where(entity.id.in_(set(ids))))}
    return [found.get(i) for i in ids]


async def rows_by_parent_ids(
    db: OperationDB,
    statement: Select[Any],
    parent_column: Any,
    parent_ids: Sequence[int],
    order_by: Sequence[Any] = (),
) -> list[list[Any]]:
    """All children of each parent (unpaginated), aligned with ``parent_ids``."""
    stmt = statement.where(parent_column.in_(set(parent_ids))).add_columns(parent_column)
    if order_by:
        stmt = stmt.order_by(*order_by)
    grouped: dict[int, list[Any]] = {}
    for row in await db.rows(stmt):
        grouped.setdefault(row[-1], []).append(row[0])
    return [grouped.get(i, []) for i in parent_ids]


async def page(
    db: OperationDB, statement: Select[Any], spec: ListSpec, query: ListQuery, args: PageArgs
) -> Page:
    """One page of a top-level list."""
    stmt, build = paginate(statement, spec, query, args)
    return build(await db.rows(stmt))


async def offset_rows(
    db: OperationDB,
    statement: Select[Any],
    spec: ListSpec,
    query: ListQuery,
    offset: int,
    limit: int,
) -> list[Any]:
    """``limit`` entities from ``offset`` on, in the query's order (REST ``page``/``range``)."""
    return list(await db.all(paginate_offset(statement, spec, query, offset, limit)))


async def regex_error(db: OperationDB, pattern: str) -> str | None:
    """PostgreSQL's complaint about ``pattern`` as a regular expression, or None if valid.

    Compiled by the database itself (its ARE syntax differs from Python's), inside a savepoint
    so a bad pattern leaves the operation's transaction usable.
    """
    async with db.lock():
        session = db.session
        try:
            async with session.begin_nested():
                await session.execute(sa.select(sa.literal("").regexp_match(pattern)))
        except DBAPIError as exc:
            message = str(exc.orig).splitlines()[0] if exc.orig is not None else ""
            return message.rpartition(">: ")[2].removeprefix("invalid regular expression: ")
    return None


async def count(db: OperationDB, statement: Select[Any], spec: ListSpec, query: ListQuery) -> int:
    """How many rows the list has under its filters (before pagination)."""
    inner = statement.where(*filter_clauses(spec, query)).order_by(None)
    total = await db.scalar(sa.select(sa.func.count()).select_from(inner.subquery()))
    return int(total or 0)


async def pages_by_parent(
    db: OperationDB,
    statement: Select[Any],
    parent_column: Any,
    parent_ids: Sequence[int],
    spec: ListSpec,
    query: ListQuery,
    args: PageArgs,
) -> list[Page]:
    """One page of children per parent, in one statement, aligned with ``parent_ids``."""
    stmt, build = paginate_by_parent(
        statement.where(parent_column.in_(set(parent_ids))), parent_column, spec, query, args
    )
    pages = build(await db.rows(stmt))
    return [pages.get(i) or empty_page() for i in parent_ids]


async def counts_by_parent(
    db: OperationDB,
    statement: Select[Any],
    parent_column: Any,
    parent_ids: Sequence[int],
    spec: ListSpec,
    query: ListQuery,
) -> list[int]:
    """Row count of each parent's list under the same filters, aligned with ``parent_ids``."""
    inner = (
        statement.where(parent_column.in_(set(parent_ids)), *filter_clauses(spec, query))
        .with_only_columns(parent_column.label("parent"), spec.id_column)
        .order_by(None)
        .subquery()
    )
    stmt = sa.select(inner.c.parent, sa.func.count()).group_by(inner.c.parent)
    found = {parent: n for parent, n in await db.rows(stmt)}
    return [int(found.get(i, 0)) for i in parent_ids]
