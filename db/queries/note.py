"""Notes: list spec, batched reads, and the per-entity-type statement nested lists page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids, rows_by_parent_ids
from db.queries.listing import ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_files, readable_notes
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


ENTITY_MODELS: dict[models.EntityType, type[Any]] = {
    models.EntityType.CLIENT: models.Client,
    models.EntityType.ADDRESS: models.Address,
    models.EntityType.SALE: models.Sale,
    models.EntityType.ITEM: models.Item,
    models.EntityType.BID: models.Bid,
    models.EntityType.ORDER: models.Order,
    models.EntityType.CONSIGNMENT: models.Consignment,
    models.EntityType.TRANSACTION: models.Transaction,
    models.EntityType.NOTE: models.Note,
    models.EntityType.FILE: models.File,
    models.EntityType.USER: models.User,
}
"""The table behind each kind of entity a note, file or activity row can be attached to."""


async def entity_exists(
    session: AsyncSession, entity_type: models.EntityType, entity_id: int
) -> bool:
    """Whether the entity a note would be attached to exists."""
    model = ENTITY_MODELS[entity_type]
    return bool(await session.scalar(sa.select(sa.exists().where(model.id == entity_id))))


async def lock_note(session: AsyncSession, note_id: int) -> models.Note | None:
    """``SELECT … FOR UPDATE`` a note, so concurrent edits get consecutive revisions."""
    result = await session.execute(
        sa.select(N)
        .where(col(N.id) == note_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def documents_by_note_ids(
    db: OperationDB, viewer: Viewer, note_ids: Sequence[int]
) -> list[list[Any]]:
    """Each note's readable attached files (``File.entity_type`` NOTE), oldest first."""
    file = models.File
    return await rows_by_parent_ids(
        db,
        readable_files(viewer).where(col(file.entity_type) == models.EntityType.NOTE),
        file.entity_id,
        note_ids,
        order_by=(file.id,),
    )


async def entities_by_ids(
    db: OperationDB, entity_type: models.EntityType, ids: Sequence[int]
) -> dict[int, Any]:
    """The entities of one type that notes are attached to, by id (notes are staff only)."""
    if not ids:
        return {}
    model: Any = ENTITY_MODELS[entity_type]
    rows = await db.all(sa.select(model).where(model.id.in_(set(ids))))
    return {row.id: row for row in rows}
