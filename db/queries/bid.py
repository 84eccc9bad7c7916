"""Bids: list spec and batched reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

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
    staff_only=frozenset({"client_id"}),
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
        sa.select(col(B.client_id), col(B.amount), col(B.max_amount), col(B.sequence))
        .where(col(B.item_id) == item_id, col(B.status) == models.BidStatus.ACCEPTED)
        .order_by(col(B.sequence))
    )
    result = await db.session.execute(stmt)
    return [(client_id, amount, max_amount, seq) for client_id, amount, max_amount, seq in result]


async def bids_by_idempotency_key(db: OperationDB, user_id: int, key: str) -> Sequence[models.Bid]:
    """Rows a user's earlier call with this idempotency key placed."""
    stmt = (
        sa.select(B)
        .where(col(B.user_id) == user_id, col(B.idempotency_key) == key)
        .order_by(col(B.sequence))
    )
    return (await db.session.execute(stmt)).scalars().all()


async def bids_after_sequence(
    db: OperationDB,
    viewer: Viewer,
    item_ids: Sequence[int],
    after: Mapping[int, int],
    upto: int | None = None,
) -> Sequence[models.Bid]:
    """Readable bids of these items with ``sequence > after[item]`` (and ``<= upto``), in order."""
    if not item_ids:
        return []
    conditions = [
        sa.and_(col(B.item_id) == item_id, col(B.sequence) > after.get(item_id, 0))
        for item_id in item_ids
    ]
    stmt = readable_bids(viewer).where(sa.or_(*conditions))
    if upto is not None:
        stmt = stmt.where(col(B.sequence) <= upto)
    return await db.all(stmt.order_by(col(B.item_id), col(B.sequence)))


async def last_sequences_by_sale(db: OperationDB, sale_id: int) -> dict[int, int]:
    """Each item of the sale and the sequence of its latest bid (0 before any)."""
    rows = await db.rows(
        sa.select(col(models.Item.id), col(models.Item.last_sequence)).where(
            col(models.Item.sale_id) == sale_id
        )
    )
    return {item_id: last for item_id, last in rows}


async def accepted_bids(db: OperationDB, item_id: int) -> Sequence[models.Bid]:
    """Every accepted bid row of an item, in sequence order (call it with the item locked)."""
    stmt = (
        sa.select(B)
        .where(col(B.item_id) == item_id, col(B.status) == models.BidStatus.ACCEPTED)
        .order_by(col(B.sequence))
        .execution_options(populate_existing=True)
    )
    return (await db.session.execute(stmt)).scalars().all()


async def max_bids_by_item_ids(
    db: OperationDB, client_id: int, item_ids: Sequence[int]
) -> list[Decimal | None]:
    """A client's own maximum on each item (highest amount or max amount), aligned with ids."""
    stmt = (
        sa.select(
            col(B.item_id),
            sa.func.max(sa.func.greatest(col(B.amount), sa.func.coalesce(B.max_amount, B.amount))),
        )
        .where(
            col(B.item_id).in_(item_ids),
            col(B.client_id) == client_id,
            col(B.status) == models.BidStatus.ACCEPTED,
        )
        .group_by(col(B.item_id))
    )
    found: dict[int, Decimal] = {item_id: value for item_id, value in await db.rows(stmt)}
    return [found.get(item_id) for item_id in item_ids]
