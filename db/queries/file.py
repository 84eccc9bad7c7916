"""Files: list spec and batched reads (item images among them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
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


async def files_by_entity_ids(
    db: OperationDB, viewer: Viewer, entity_type: models.EntityType, ids: Sequence[int]
) -> list[list[models.File]]:
    """The readable files attached to each entity, oldest first, aligned with ``ids``."""
    F = models.File
    return await rows_by_parent_ids(
        db,
        readable_files(viewer).where(col(F.entity_type) == entity_type),
        col(F.entity_id),
        ids,
        order_by=(col(F.created_at), col(F.id)),
    )


async def file_by_id(db: OperationDB, file_id: int) -> models.File | None:
    """The file whatever its visibility (to tell "unknown" from "not yours")."""
    result = await db.execute(sa.select(F).where(col(F.id) == file_id))
    row: models.File | None = result.scalar_one_or_none()
    return row


async def lock_files(db: OperationDB, file_ids: Sequence[int]) -> list[models.File]:
    """``SELECT … FOR UPDATE`` the files with these ids, in id order (stable lock order)."""
    result = await db.session.execute(
        sa.select(F)
        .where(col(F.id).in_(file_ids))
        .order_by(col(F.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(result.scalars().all())


async def image_ids_of_item(db: OperationDB, item_id: int) -> list[int]:
    """The item's image file ids in display order (inside the caller's transaction)."""
    images = models.ItemImage
    result = await db.session.execute(
        sa.select(col(images.file_id))
        .where(col(images.item_id) == item_id)
        .order_by(col(images.position), col(images.file_id))
    )
    return list(result.scalars().all())


async def item_ids_showing_file(db: OperationDB, file_id: int) -> list[int]:
    """Items that show the file among their images (inside the caller's transaction)."""
    images = models.ItemImage
    result = await db.session.execute(
        sa.select(col(images.item_id)).where(col(images.file_id) == file_id)
    )
    return sorted(result.scalars().all())


async def replace_item_images(db: OperationDB, item_id: int, file_ids: Sequence[int]) -> None:
    """Make ``file_ids`` the item's images, in this order (positions 0, 1, …)."""
    images = models.ItemImage
    session = db.session
    await session.execute(sa.delete(images).where(col(images.item_id) == item_id))
    if file_ids:
        await session.execute(
            sa.insert(images),
            [
                {"item_id": item_id, "file_id": file_id, "position": position}
                for position, file_id in enumerate(file_ids)
            ],
        )


_ATTACHABLE: dict[models.EntityType, Any] = {
    models.EntityType.CLIENT: models.Client,
    models.EntityType.ADDRESS: models.Address,
    models.EntityType.SALE: models.Sale,
    models.EntityType.ITEM: models.Item,
    models.EntityType.BID: models.Bid,
    models.EntityType.ORDER: models.Order,
    models.EntityType.CONSIGNMENT: models.Consignment,
    models.EntityType.TRANSACTION: models.Transaction,
    models.EntityType.NOTE: models.Note,
    models.EntityType.USER: models.User,
}


async def entity_exists(db: OperationDB, entity_type: models.EntityType, entity_id: int) -> bool:
    """Whether a file can be attached to this entity (it exists and is not itself a file)."""
    model = _ATTACHABLE.get(entity_type)
    if model is None:
        return False
    result = await db.session.execute(sa.select(col(model.id)).where(col(model.id) == entity_id))
    return result.scalar_one_or_none() is not None
