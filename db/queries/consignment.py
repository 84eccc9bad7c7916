"""Consignments: list spec and batched reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids
from db.queries.listing import ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_consignments
from db.session import OperationDB

C = models.Consignment


def owner_name_expression() -> ColumnElement[Any]:
    """The consignor's name (first, last, company) for REST ``filter[owner_name]``."""
    K = models.Client
    name = sa.func.concat_ws(" ", col(K.first_name), col(K.last_name), col(K.company))
    return sa.select(name).where(col(K.id) == col(C.consignor_id)).scalar_subquery()


def finder_names_expression() -> ColumnElement[Any]:
    """The names of the consignment's finders (REST ``filter[finder_fees]``)."""
    K = models.Client
    fees = sa.func.jsonb_array_elements(col(C.finder_fees)).table_valued("value").alias("fee")
    finder_ids = sa.select(
        sa.cast(sa.func.jsonb_extract_path_text(fees.c.value, "finder"), sa.Integer)
    ).select_from(fees)
    name = sa.func.concat_ws(" ", col(K.first_name), col(K.last_name), col(K.company))
    return (
        sa.select(sa.func.string_agg(name, " "))
        .where(col(K.id).in_(finder_ids.scalar_subquery()))
        .scalar_subquery()
    )


def owner_has_email_expression() -> ColumnElement[bool]:
    """Whether the consignor has an e-mail address (REST ``filter[has_email]``)."""
    K = models.Client
    return sa.exists().where(
        col(K.id) == col(C.consignor_id), sa.func.coalesce(col(K.email), "") != ""
    )


CONSIGNMENT_LIST = ListSpec(
    model=C,
    fields={
        "id": C.id,
        "number": C.number,
        "title": C.title,
        "symbol": C.symbol,
        "consignor_id": C.consignor_id,
        "sale_id": C.sale_id,
        "is_house": C.is_house,
        "published": C.published,
        "estimated": C.estimated,
        "created_at": C.created_at,
        "updated_at": C.updated_at,
        "status": sa.literal("active"),
        "owner_name": owner_name_expression(),
        "has_email": owner_has_email_expression(),
        "finder_names": finder_names_expression(),
        "number_and_title": sa.func.concat_ws(" ", col(C.number), col(C.title)),
    },
    sortable=frozenset(
        {"id", "number", "title", "symbol", "estimated", "created_at", "updated_at"}
    ),
    default_sort=(Sort("updated_at", descending=True),),
    search=(C.number, C.title, C.symbol),
)


async def consignments_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable consignments by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_consignments(viewer), ids)
