"""Clients: list spec and batched reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids
from db.queries.listing import ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_clients
from db.session import OperationDB

C = models.Client

CLIENT_LIST = ListSpec(
    model=C,
    fields={
        "id": C.id,
        "status": C.status,
        "published": C.published,
        "first_name": C.first_name,
        "last_name": C.last_name,
        "company": C.company,
        "email": C.email,
        "phone": C.phone,
        "bidder_number": C.bidder_number,
        "customer_number": C.customer_number,
        "created_at": C.created_at,
        "updated_at": C.updated_at,
    },
    sortable=frozenset(
        {
            "id",
            "first_name",
            "last_name",
            "company",
            "email",
            "status",
            "bidder_number",
            "customer_number",
            "created_at",
            "updated_at",
        }
    ),
    default_sort=(Sort("id"),),
    search=(C.first_name, C.last_name, C.company, C.email, C.bidder_number, C.customer_number),
)


async def clients_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable clients by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_clients(viewer), ids)


async def paddles_by_client_ids(db: OperationDB, ids: Sequence[int]) -> list[str | None]:
    """Bidder (paddle) numbers by client id; public, unlike the client record itself."""
    rows = await db.rows(sa.select(col(C.id), col(C.bidder_number)).where(col(C.id).in_(set(ids))))
    found = dict(rows)
    return [found.get(i) for i in ids]
