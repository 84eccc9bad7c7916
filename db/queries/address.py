"""Client addresses: list spec and batched reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids, rows_by_parent_ids
from db.queries.listing import Condition, ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_addresses
from db.session import OperationDB

A = models.Address


_TYPES: Any = A.address_types  # an ARRAY column: ``contains`` and ``overlap`` apply


def _has_type(cond: Condition) -> ColumnElement[bool]:
    """``address_types`` holds the type (``eq``), any of them (``in_``) or none (``not_in``)."""
    clauses: list[ColumnElement[bool]] = []
    if cond.eq is not None:
        clauses.append(_TYPES.contains([cond.eq]))
    if cond.in_ is not None:
        clauses.append(_TYPES.overlap(list(cond.in_)))
    if cond.not_in is not None:
        clauses.append(sa.not_(_TYPES.overlap(list(cond.not_in))))
    return sa.and_(sa.true(), *clauses)


ADDRESS_LIST = ListSpec(
    model=A,
    fields={
        "id": A.id,
        "client_id": A.client_id,
        "country": A.country,
        "is_default": A.is_default,
        "locality": A.locality,
        "postal_code": A.postal_code,
        "validated": A.validated,
        "created_at": A.created_at,
        "updated_at": A.updated_at,
    },
    sortable=frozenset(
        {"id", "country", "is_default", "locality", "postal_code", "created_at", "updated_at"}
    ),
    default_sort=(Sort("id"),),
    extra_conditions={"address_types": _has_type},
    search=(
        A.first_name,
        A.last_name,
        A.organisation_name,
        A.thoroughfare,
        A.locality,
        A.postal_code,
    ),
)


async def addresses_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable addresses by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_addresses(viewer), ids)


async def addresses_by_client_ids(
    db: OperationDB, viewer: Viewer, client_ids: Sequence[int]
) -> list[list[Any]]:
    """Every readable address of each client, the default first, then by id."""
    return await rows_by_parent_ids(
        db,
        readable_addresses(viewer),
        A.client_id,
        client_ids,
        order_by=(col(A.is_default).desc(), A.id),
    )
