"""Items (lots): list spec, batched reads and the row lock bids take."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids
from db.queries.listing import ListSpec, Sort
from db.queries.term import ITEM_LINKS, filed_under
from db.queries.viewer import Viewer
from db.queries.visibility import readable_items
from db.session import OperationDB

I = models.Item  # noqa: E741


def lot_text_expression() -> ColumnElement[Any]:
    """The printed lot (``"150A"``): the number followed by the letter."""
    return sa.func.concat(sa.cast(col(I.lot_number), sa.Text), col(I.lot_letter))


def consignor_symbol_expression() -> ColumnElement[Any]:
    """The symbol of the item's consignment (REST ``filter[consignor_symbol]``)."""
    C = models.Consignment
    return sa.select(col(C.symbol)).where(col(C.id) == col(I.consignment_id)).scalar_subquery()


ITEM_LIST = ListSpec(
    model=I,
    fields={
        "id": I.id,
        "sale_id": I.sale_id,
        "consignment_id": I.consignment_id,
        "category_id": I.category_id,
        "status": I.status,
        "published": I.published,
        "lot": I.lot_number,
        "lot_number": I.lot_number,
        "lot_letter": I.lot_letter,
        "lot_text": lot_text_expression(),
        "position_of_consignment": I.position_of_consignment,
        "text": sa.func.concat_ws(" ", col(I.title), col(I.description)),
        "consignor_symbol": consignor_symbol_expression(),
        "title": I.title,
        "estimate_low": I.estimate_low,
        "estimate_high": I.estimate_high,
        "starting_price": I.starting_price,
        "current_bid": I.current_bid,
        "hammer_price": I.hammer_price,
        "bid_count": I.bid_count,
        "closes_at": I.closes_at,
        "winner_id": I.winner_id,
        "created_at": I.created_at,
        "updated_at": I.updated_at,
    },
    sortable=frozenset(
        {
            "id",
            "lot",
            "lot_number",
            "lot_letter",
            "position_of_consignment",
            "title",
            "status",
            "estimate_low",
            "estimate_high",
            "starting_price",
            "current_bid",
            "hammer_price",
            "bid_count",
            "closes_at",
            "created_at",
            "updated_at",
        }
    ),
    default_sort=(Sort("lot"),),
    extra_conditions={"categories": filed_under(ITEM_LINKS, "categories", I.id, categories=True)},
    staff_only=frozenset({"consignment_id", "winner_id"}),
    search=(I.title, I.description, I.lot_number),
)


async def items_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable items by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_items(viewer), ids)


async def lock_item(db: OperationDB, item_id: int) -> models.Item | None:
    """``SELECT … FOR UPDATE`` the item: every bid on a lot is serialized on this row lock."""
    result = await db.session.execute(
        sa.select(I)
        .where(col(I.id) == item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


Neighbour = tuple[int, int | None, str] | None
"""``(id, lot_number, lot_letter)`` of a neighbouring lot."""


async def lot_neighbours_by_item_ids(
    db: OperationDB, viewer: Viewer, ids: Sequence[int]
) -> list[tuple[Neighbour, Neighbour]]:
    """Per item: the readable lots just before and after it in its sale's lot order."""
    items = readable_items(viewer).subquery()
    window = {
        "partition_by": items.c.sale_id,
        "order_by": (items.c.lot_number.asc().nulls_last(), items.c.lot_letter, items.c.id),
    }
    sales = sa.select(col(I.sale_id)).where(col(I.id).in_(set(ids)))
    columns = [
        getattr(sa.func, how)(items.c[name]).over(**window).label(f"{how}_{name}")
        for how in ("lag", "lead")
        for name in ("id", "lot_number", "lot_letter")
    ]
    ordered = sa.select(items.c.id, *columns).where(items.c.sale_id.in_(sales)).subquery()
    found: dict[int, tuple[Neighbour, Neighbour]] = {}
    for row in await db.rows(sa.select(ordered).where(ordered.c.id.in_(set(ids)))):
        before = None if row[1] is None else (row[1], row[2], row[3] or "")
        after = None if row[4] is None else (row[4], row[5], row[6] or "")
        found[row[0]] = (before, after)
    return [found.get(i, (None, None)) for i in ids]


def _latest_history(ids: Sequence[int]) -> Select[Any]:
    H = models.ItemHistory
    newest = (
        sa.select(sa.func.max(col(H.id)))
        .where(col(H.item_id).in_(set(ids)))
        .group_by(col(H.item_id))
    )
    return sa.select(H).where(col(H.id).in_(newest))


async def latest_history_by_item_ids(
    db: OperationDB, ids: Sequence[int]
) -> list[models.ItemHistory | None]:
    """The newest history record of each item (None without one), aligned with ``ids``."""
    found = {record.item_id: record for record in await db.all(_latest_history(ids))}
    return [found.get(i) for i in ids]


async def latest_item_history(session: AsyncSession, item_id: int) -> models.ItemHistory | None:
    """The item's newest history record, inside a use case's transaction."""
    record: models.ItemHistory | None = (
        await session.execute(_latest_history([item_id]))
    ).scalar_one_or_none()
    return record


async def history_by_item_ids(
    db: OperationDB, ids: Sequence[int]
) -> list[list[models.ItemHistory]]:
    """Every history record of each item, newest first, aligned with ``ids``."""
    H = models.ItemHistory
    statement = (
        sa.select(H).where(col(H.item_id).in_(set(ids))).order_by(col(H.item_id), col(H.id).desc())
    )
    found: dict[int, list[models.ItemHistory]] = {i: [] for i in ids}
    for record in await db.all(statement):
        found[record.item_id].append(record)
    return [found[i] for i in ids]
