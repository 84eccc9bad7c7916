"""Notes: list spec, batched reads, and the per-entity-type statement nested lists page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.sql import Select
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids
from db.queries.listing import ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_notes
from db.session import OperationDB

N = models.Note

NOTE_LIST = ListSpec(
    model=N,
    fields={
        "id": N.id,
        "entity_type": N.entity_type,
        "entity_id": N.entity_id,
        "published": N.published,
        "author_id": N.author_id,
        "title": N.title,
        "created_at": N.created_at,
        "updated_at": N.updated_at,
    },
    sortable=frozenset({"id", "title", "created_at", "updated_at"}),
    default_sort=(Sort("created_at", descending=True),),
    search=(N.title, N.body),
)


async def notes_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable notes by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_notes(viewer), ids)


def readable_notes_on(viewer: Viewer, entity_type: models.EntityType) -> Select[Any]:
    """Readable notes attached to entities of one type (page them by ``Note.entity_id``)."""
    return readable_notes(viewer).where(col(N.entity_type) == entity_type)
