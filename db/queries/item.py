"""Items (lots): list spec, batched reads and the row lock bids take."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids
from db.queries.listing import ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_items
from db.session import OperationDB

I = models.Item  # noqa: E741

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
