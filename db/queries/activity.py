"""The activity log: list spec, batched reads and the per-entity-type statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.sql import Select
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids
from db.queries.listing import ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_activities
from db.session import OperationDB

A = models.Activity

ACTIVITY_LIST = ListSpec(
    model=A,
    fields={
        "id": A.id,
        "user_id": A.user_id,
        "action": A.action,
        "entity_type": A.entity_type,
        "entity_id": A.entity_id,
        "created_at": A.created_at,
    },
    sortable=frozenset({"id", "action", "created_at"}),
    default_sort=(Sort("created_at", descending=True),),
    search=(A.action,),
)


async def activities_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable activity rows by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_activities(viewer), ids)


def readable_activities_on(viewer: Viewer, entity_type: models.EntityType) -> Select[Any]:
    """Readable activity rows of entities of one type (page them by ``Activity.entity_id``)."""
    return readable_activities(viewer).where(col(A.entity_type) == entity_type)
