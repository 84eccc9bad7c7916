"""Transactions (money received for, or paid out on, an order): list spec and batched reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db import models
from db.queries.batch import rows_by_ids
from db.queries.listing import ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_transactions
from db.session import OperationDB

T = models.Transaction

TRANSACTION_LIST = ListSpec(
    model=T,
    fields={
        "id": T.id,
        "order_id": T.order_id,
        "client_id": T.client_id,
        "type": T.type,
        "amount": T.amount,
        "transaction_date": T.transaction_date,
        "created_at": T.created_at,
    },
    sortable=frozenset({"id", "amount", "transaction_date", "created_at"}),
    default_sort=(Sort("created_at", descending=True),),
    search=(T.cheque_number, T.bank, T.bank_branch, T.info),
)


async def transactions_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable transactions by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_transactions(viewer), ids)
