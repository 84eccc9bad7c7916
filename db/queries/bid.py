"""Bids: list spec and batched reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
