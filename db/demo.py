"""Bulk table writes for the demo data set: no rules and no generation, only fast I/O.

``domain.demo`` decides what the rows are. Here rows that refer to each other by *position*
(1-based, within the list of their table) get real primary keys reserved from the tables'
sequences, their references are rewritten to those keys, and they are streamed with ``COPY``
on the session's own connection, so everything stays in the caller's transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from db import models
from db.base import metadata

Progress = Callable[[str, int, float], None]
"""Called after each table with (table name, rows written, seconds taken)."""


def table_of(model: type[SQLModel]) -> sa.Table:
    """The table a SQLModel class is mapped to."""
    return cast(sa.Table, sa.inspect(model).local_table)


@dataclass(slots=True)
class TableRows:
    """Rows for one table; ``refs`` maps a column to the table whose row *position* it holds.

    Every row has the same keys and no ``id``: ids are reserved and assigned on writing.
    """

    model: type[SQLModel]
    rows: list[dict[str, Any]]
    refs: Mapping[str, str] = field(default_factory=dict)

    @property
    def table(self) -> sa.Table:
        return table_of(self.model)


async def _driver_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under the session, inside its (already begun) transaction."""
    connection = await session.connection()
    # The adapter opens its transaction lazily on the first statement; make sure it has.
    await connection.execute(sa.text("SELECT 1"))
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    assert driver.is_in_transaction()
    return driver


async def reserve_ids(session: AsyncSession, table: sa.Table, count: int) -> list[int]:
    """Take ``count`` fresh values from the sequence behind ``table.id``, ascending."""
    if count == 0:
        return []
    result = await session.execute(
        sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": table.name, "n": count},
    )
    return sorted(result.scalars().all())


async def copy_rows(
    session: AsyncSession, table: sa.Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """``COPY`` the rows (plain driver values: str for enums, Decimal, aware datetimes)."""
    if not rows:
        return
    columns = list(rows[0])
    driver = await _driver_connection(session)
    await driver.copy_records_to_table(
        table.name, columns=columns, records=[tuple(row[c] for c in columns) for row in rows]
    )


async def write_tables(
    session: AsyncSession,
    tables: Sequence[TableRows],
    *,
    known_ids: Mapping[str, Sequence[int]] | None = None,
    progress: Progress | None = None,
) -> dict[str, list[int]]:
    """Write the tables in the given (foreign key) order; return each table's ids by position.

    ``known_ids`` supplies ids, by position, of tables written elsewhere (e.g. categories).
    """
    ids: dict[str, list[int]] = {name: list(values) for name, values in (known_ids or {}).items()}
    # All ids first, so a column may point at a table written later (items.leading_bid_id).
    for spec in tables:
        ids[spec.table.name] = await reserve_ids(session, spec.table, len(spec.rows))
    for spec in tables:
        started = time.perf_counter()
        records: list[dict[str, Any]] = []
        for row_id, row in zip(ids[spec.table.name], spec.rows, strict=True):
            record = {"id": row_id, **row}
            for column, target in spec.refs.items():
                position = record[column]
                if position is not None:
                    record[column] = ids[target][position - 1]
            records.append(record)
        await copy_rows(session, spec.table, records)
        if progress is not None:
            progress(spec.table.name, len(records), time.perf_counter() - started)
    return ids


async def ensure_categories(
    session: AsyncSession, categories: Sequence[tuple[str, str | None, int]]
) -> list[int]:
    """Create missing categories (name, parent name, weight); return all their ids in order.

    Parents must come before their children. Existing names (case-insensitive) are reused.
    """
    table = table_of(models.Category)
    ids: dict[str, int] = {}
    for name, parent, weight in categories:
        await session.execute(
            pg_insert(table)
            .values(name=name, parent_id=ids[parent.lower()] if parent else None, weight=weight)
            .on_conflict_do_nothing()
        )
        found = await session.scalar(
            sa.select(table.c.id).where(sa.func.lower(table.c.name) == name.lower())
        )
        assert found is not None
        ids[name.lower()] = found
    return [ids[name.lower()] for name, _, _ in categories]


async def ensure_terms(
    session: AsyncSession, vocabularies: Mapping[str, Sequence[str]]
) -> dict[tuple[str, str], int]:
    """Create the missing taxonomy terms; every term's id by (vocabulary, lower-cased name)."""
    table = table_of(models.Term)
    rows = [
        {"vocabulary": vocabulary, "name": name, "weight": weight}
        for vocabulary, names in vocabularies.items()
        for weight, name in enumerate(names)
    ]
    if rows:
        await session.execute(pg_insert(table).values(rows).on_conflict_do_nothing())
    found = await session.execute(
        sa.select(table.c.vocabulary, sa.func.lower(table.c.name), table.c.id).where(
            table.c.vocabulary.in_(list(vocabularies))
        )
    )
    return {(vocabulary, name): term_id for vocabulary, name, term_id in found.all()}


async def has_rows(session: AsyncSession, model: type[SQLModel]) -> bool:
    """Whether the table of ``model`` holds at least one row."""
    return bool(await session.scalar(sa.select(sa.exists().select_from(table_of(model)))))


async def users_with_emails(session: AsyncSession, emails: Sequence[str]) -> list[str]:
    """Which of these e-mails (case-insensitive) already belong to a user."""
    table = table_of(models.User)
    rows = await session.scalars(
        sa.select(table.c.email).where(
            sa.func.lower(table.c.email).in_([email.lower() for email in emails])
        )
    )
    return list(rows)


async def truncate_all(session: AsyncSession) -> None:
    """Delete every row of every Gavel table and restart their id sequences."""
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    await session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
