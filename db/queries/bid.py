"""Bids: list spec and batched reads."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from db import models
from db.queries.batch import rows_by_ids
from db.queries.listing import ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_bids
from db.session import OperationDB

B = models.Bid

BID_LIST = ListSpec(
    model=B,
    fields={
        "id": B.id,
        "item_id": B.item_id,
        "client_id": B.client_id,
        "amount": B.amount,
        "status": B.status,
        "is_proxy": B.is_proxy,
        "sequence": B.sequence,
        "placed_at": B.placed_at,
    },
    sortable=frozenset({"id", "amount", "sequence", "placed_at"}),
    default_sort=(Sort("placed_at", descending=True),),
)


async def bids_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable bids by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_bids(viewer), ids)


async def accepted_bid_rows(
    db: OperationDB, item_id: int
) -> Sequence[tuple[int, Decimal, Decimal | None, int]]:
    """(client id, amount, max amount, sequence) of every accepted bid on an item, in order.

    Call it with the item locked: the rules engine rebuilds the bidders' maxima from these.
    """
    stmt = (
        sa.select(B.client_id, B.amount, B.max_amount, B.sequence)
        .where(B.item_id == item_id, B.status == models.BidStatus.ACCEPTED)
        .order_by(B.sequence)
    )
    return [tuple(row) for row in await db.session.execute(stmt)]  # type: ignore[misc]


async def bids_by_idempotency_key(db: OperationDB, user_id: int, key: str) -> Sequence[models.Bid]:
    """Rows a user's earlier call with this idempotency key placed."""
    stmt = sa.select(B).where(B.user_id == user_id, B.idempotency_key == key).order_by(B.sequence)
    return (await db.session.execute(stmt)).scalars().all()
