"""Taxonomy terms: list spec, look-ups for the term resolver, and batched term-field reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids
from db.queries.listing import Condition, ListSpec, Sort, condition_clauses
from db.queries.viewer import Viewer
from db.queries.visibility import readable_terms
from db.session import OperationDB

T = models.Term
K = models.Category

TERM_LIST = ListSpec(
    model=T,
    fields={
        "id": T.id,
        "vocabulary": T.vocabulary,
        "name": T.name,
        "parent_id": T.parent_id,
        "weight": T.weight,
    },
    sortable=frozenset({"id", "name", "weight"}),
    default_sort=(Sort("weight"), Sort("name")),
    search=(T.name,),
)

TermRow = models.Term | models.Category
"""A term as read: a ``categories`` term is a ``Category`` row, any other a ``Term``."""


@dataclass(frozen=True, slots=True)
class Links:
    """The link table of one entity type and its owner column."""

    model: type[models.ItemTerm] | type[models.ClientTerm] | type[models.SaleTerm]
    owner: str

    @property
    def owner_column(self) -> Any:
        return getattr(self.model, self.owner)

    @property
    def category_column(self) -> Any:
        """The link's ``category_id`` column, or None (sales have no categories)."""
        return getattr(self.model, "category_id", None)

    @property
    def has_categories(self) -> bool:
        return self.category_column is not None


ITEM_LINKS = Links(models.ItemTerm, "item_id")
CLIENT_LINKS = Links(models.ClientTerm, "client_id")
SALE_LINKS = Links(models.SaleTerm, "sale_id")


def filed_under(
    links: Links, field: str, owner_id: Any, categories: bool = False
) -> Callable[[Condition], sa.ColumnElement[bool]]:
    """A list filter: owners with any term of ``field`` matching the condition (term ids, or
    category ids for a ``categories`` field)."""
    link = links.model
    term = links.category_column if categories else col(link.term_id)

    def condition(cond: Condition) -> sa.ColumnElement[bool]:
        return sa.exists().where(
            links.owner_column == owner_id,
            col(link.field) == field,
            *condition_clauses(term, cond),
        )

    return condition


async def terms_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Terms by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_terms(viewer), ids)


async def terms_by_owner_ids(
    db: OperationDB, links: Links, owner_ids: Sequence[int]
) -> list[dict[str, list[TermRow]]]:
    """Every term field of each owner (field → terms in position order), in one statement."""
    if not owner_ids:
        return []
    link = links.model
    owner = links.owner_column
    columns: list[Any] = [owner, col(link.field), T]
    stmt = sa.select(*columns).outerjoin(T, col(T.id) == col(link.term_id))
    if links.has_categories:
        stmt = stmt.add_columns(K).outerjoin(K, col(K.id) == links.category_column)
    stmt = stmt.where(owner.in_(set(owner_ids))).order_by(
        owner, col(link.field), col(link.position)
    )
    found: dict[int, dict[str, list[TermRow]]] = {}
    for row in await db.rows(stmt):
        term = row[2] if row[2] is not None else row[3]
        found.setdefault(row[0], {}).setdefault(row[1], []).append(term)
    return [found.get(i, {}) for i in owner_ids]


async def term_ids_by_owner(
    session: AsyncSession, links: Links, owner_ids: Iterable[int]
) -> dict[int, dict[str, list[int]]]:
    """Each owner's term ids per field (inside a write's transaction)."""
    ids = set(owner_ids)
    if not ids:
        return {}
    link = links.model
    term = (
        sa.func.coalesce(link.term_id, links.category_column)
        if links.has_categories
        else col(link.term_id)
    )
    stmt = (
        sa.select(links.owner_column, col(link.field), term)
        .where(links.owner_column.in_(ids))
        .order_by(links.owner_column, col(link.field), col(link.position))
    )
    found: dict[int, dict[str, list[int]]] = {}
    for owner, name, term_id in (await session.execute(stmt)).all():
        found.setdefault(owner, {}).setdefault(name, []).append(term_id)
    return found


async def replace_terms(
    session: AsyncSession,
    links: Links,
    owner_id: int,
    fields: Mapping[str, Sequence[int]],
    categories: frozenset[str] = frozenset(),
) -> None:
    """Replace each field's links of one owner by ``ids`` in order (``categories`` fields point
    at the categories table)."""
    if not fields:
        return
    link = links.model
    await session.execute(
        sa.delete(link).where(links.owner_column == owner_id, col(link.field).in_(list(fields)))
    )
    rows = [
        {
            links.owner: owner_id,
            "field": name,
            "position": position,
            ("category_id" if name in categories else "term_id"): term_id,
        }
        for name, ids in fields.items()
        for position, term_id in enumerate(ids)
    ]
    if rows:
        await session.execute(sa.insert(link), rows)


async def delete_terms(session: AsyncSession, links: Links, owner_ids: Sequence[int]) -> None:
    """Remove every term link of these owners."""
    await session.execute(sa.delete(links.model).where(links.owner_column.in_(list(owner_ids))))


async def find_terms(
    session: AsyncSession, wanted: Mapping[str, tuple[set[int], set[str]]]
) -> list[TermRow]:
    """The terms of each vocabulary with one of the ids or lower-cased names (two statements at
    most: taxonomy terms, categories)."""
    found: list[TermRow] = []
    clauses = []
    for vocabulary, (ids, names) in wanted.items():
        if vocabulary == "categories":
            continue
        clauses.append(
            sa.and_(
                col(T.vocabulary) == vocabulary,
                sa.or_(col(T.id).in_(ids), sa.func.lower(col(T.name)).in_(names)),
            )
        )
    if clauses:
        found += (await session.execute(sa.select(T).where(sa.or_(*clauses)))).scalars().all()
    if "categories" in wanted:
        ids, names = wanted["categories"]
        stmt = sa.select(K).where(sa.or_(col(K.id).in_(ids), sa.func.lower(col(K.name)).in_(names)))
        found += (await session.execute(stmt)).scalars().all()
    return found


async def term_in_use(session: AsyncSession, term_id: int) -> bool:
    """Whether any entity is filed under the term."""
    for links in (ITEM_LINKS, CLIENT_LINKS, SALE_LINKS):
        link = links.model
        used = await session.scalar(
            sa.select(sa.literal(True)).where(col(link.term_id) == term_id).limit(1)
        )
        if used:
            return True
    return False


async def name_taken(
    session: AsyncSession, vocabulary: str, name: str, except_id: int | None
) -> bool:
    """Whether another term of the vocabulary has this name (case-insensitively)."""
    stmt = sa.select(col(T.id)).where(
        col(T.vocabulary) == vocabulary, sa.func.lower(col(T.name)) == name.lower()
    )
    if except_id is not None:
        stmt = stmt.where(col(T.id) != except_id)
    return (await session.scalar(stmt.limit(1))) is not None
