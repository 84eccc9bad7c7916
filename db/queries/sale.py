"""Sales: computed status, list spec, batched reads and aggregates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids
from db.queries.listing import Condition, ListSpec, Sort
from db.queries.term import SALE_LINKS, filed_under
from db.queries.viewer import Viewer
from db.queries.visibility import readable_consignments, readable_items, readable_sales
from db.session import OperationDB

S = models.Sale


def status_expression() -> ColumnElement[str]:
    """The computed sale status (REST Decision D17) as SQL, so it can be filtered and sorted."""
    now = sa.func.now()
    return sa.case(
        (col(S.published).is_(False), sa.literal(models.SaleStatus.DRAFT.value)),
        (
            sa.or_(
                col(S.closed_at).is_not(None),
                sa.and_(col(S.ends_at).is_not(None), col(S.ends_at) <= now),
            ),
            sa.literal(models.SaleStatus.CLOSED.value),
        ),
        (
            sa.and_(col(S.starts_at).is_not(None), col(S.starts_at) > now),
            sa.literal(models.SaleStatus.UPCOMING.value),
        ),
        else_=sa.literal(models.SaleStatus.PUBLISHED.value),
    )


def _status_condition(cond: Condition) -> ColumnElement[bool]:
    expr = status_expression()
    clauses: list[ColumnElement[bool]] = []
    if cond.eq is not None:
        clauses.append(expr == cond.eq)
    if cond.in_ is not None:
        clauses.append(expr.in_(list(cond.in_)))
    return sa.and_(sa.true(), *clauses)


def sale_date_expression() -> ColumnElement[Any]:
    """The REST ``sale_date`` (B6.0): the live start, else the online start."""
    return sa.func.coalesce(col(S.live_starts_at), col(S.starts_at))


def sale_type_expression() -> ColumnElement[Any]:
    """The REST ``sale_type`` (B6.0): ``online`` for a timed sale, else the kind."""
    return sa.case(
        (col(S.kind) == models.SaleKind.TIMED, sa.literal("online")),
        else_=sa.cast(col(S.kind), sa.Text),
    )


SALE_LIST = ListSpec(
    model=S,
    fields={
        "id": S.id,
        "title": S.title,
        "sale_number": S.sale_number,
        "kind": S.kind,
        "currency": S.currency,
        "published": S.published,
        "starts_at": S.starts_at,
        "ends_at": S.ends_at,
        "created_at": S.created_at,
        "updated_at": S.updated_at,
        "status": status_expression(),
        "sale_date": sale_date_expression(),
        "sale_type": sale_type_expression(),
    },
    sortable=frozenset(
        {
            "id",
            "title",
            "sale_number",
            "starts_at",
            "ends_at",
            "created_at",
            "updated_at",
            "status",
            "sale_date",
        }
    ),
    default_sort=(Sort("starts_at", descending=True),),
    search=(S.title, S.subtitle, S.sale_number, S.description),
    extra_conditions={
        "status": _status_condition,
        "catalog": filed_under(SALE_LINKS, "catalog", S.id),
        "departments": filed_under(SALE_LINKS, "departments", S.id),
    },
)


def sale_status(sale: models.Sale, now: datetime) -> models.SaleStatus:
    """The same computation as ``status_expression``, on a loaded row."""
    if not sale.published:
        return models.SaleStatus.DRAFT
    if sale.closed_at is not None or (sale.ends_at is not None and sale.ends_at <= now):
        return models.SaleStatus.CLOSED
    if sale.starts_at is not None and sale.starts_at > now:
        return models.SaleStatus.UPCOMING
    return models.SaleStatus.PUBLISHED


async def sales_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable sales by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_sales(viewer), ids)


async def item_stats_by_sale_ids(
    db: OperationDB, viewer: Viewer, ids: Sequence[int]
) -> list[tuple[int, Decimal, Decimal]]:
    """Per sale: (item count, sum of low estimates, sum of hammer prices) of readable items."""
    items = readable_items(viewer).subquery()
    stmt = (
        sa.select(
            items.c.sale_id,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(items.c.estimate_low), 0),
            sa.func.coalesce(sa.func.sum(items.c.hammer_price), 0),
        )
        .where(items.c.sale_id.in_(set(ids)))
        .group_by(items.c.sale_id)
    )
    found = {sale_id: (n, est, ham) for sale_id, n, est, ham in await db.rows(stmt)}
    zero = Decimal("0")
    return [found.get(i, (0, zero, zero)) for i in ids]


async def image_stats_by_sale_ids(
    db: OperationDB, viewer: Viewer, ids: Sequence[int]
) -> list[tuple[int, int]]:
    """Per sale: (readable items with at least one image, readable items without)."""
    items = readable_items(viewer).subquery()
    has_image = sa.exists().where(col(models.ItemImage.item_id) == items.c.id)
    stmt = (
        sa.select(
            items.c.sale_id,
            sa.func.count().filter(has_image),
            sa.func.count().filter(~has_image),
        )
        .where(items.c.sale_id.in_(set(ids)))
        .group_by(items.c.sale_id)
    )
    found = {sale_id: (with_, without) for sale_id, with_, without in await db.rows(stmt)}
    return [found.get(i, (0, 0)) for i in ids]


async def latest_published_sale_id(db: OperationDB) -> int | None:
    """The most recent published, not hidden sale (by start, then id); None without one."""
    S = models.Sale
    sale_id: int | None = await db.scalar(
        sa.select(col(S.id))
        .where(col(S.published), col(S.hidden).is_(False))
        .order_by(col(S.starts_at).desc().nulls_last(), col(S.id).desc())
        .limit(1)
    )
    return sale_id


async def consignment_counts_by_sale_ids(
    db: OperationDB, viewer: Viewer, ids: Sequence[int]
) -> list[int]:
    """Per sale: the number of readable consignments attached to it."""
    consignments = readable_consignments(viewer).subquery()
    stmt = (
        sa.select(consignments.c.sale_id, sa.func.count())
        .where(consignments.c.sale_id.in_(set(ids)))
        .group_by(consignments.c.sale_id)
    )
    found = {sale_id: n for sale_id, n in await db.rows(stmt)}
    return [found.get(i, 0) for i in ids]
