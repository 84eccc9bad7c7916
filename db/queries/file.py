"""Files: list spec and batched reads (item images among them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids, rows_by_parent_ids
from db.queries.listing import ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_files
from db.session import OperationDB

F = models.File

FILE_LIST = ListSpec(
    model=F,
    fields={
        "id": F.id,
        "entity_type": F.entity_type,
        "entity_id": F.entity_id,
        "is_private": F.is_private,
        "mime_type": F.mime_type,
        "filename": F.filename,
        "size": F.size,
        "created_at": F.created_at,
    },
    sortable=frozenset({"id", "filename", "mime_type", "size", "created_at"}),
    default_sort=(Sort("created_at", descending=True),),
    search=(F.filename,),
)


async def files_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable files by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_files(viewer), ids)


async def images_by_item_ids(
    db: OperationDB, viewer: Viewer, item_ids: Sequence[int]
) -> list[list[Any]]:
    """Each item's readable image files in display order (private ones for staff only)."""
    images = models.ItemImage
    return await rows_by_parent_ids(
        db,
        readable_files(viewer).join(images, col(images.file_id) == col(F.id)),
        images.item_id,
        item_ids,
        order_by=(images.position, F.id),
    )
