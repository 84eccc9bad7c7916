"""Categories: list spec and batched reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db import models
from db.queries.batch import rows_by_ids
from db.queries.listing import ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_categories
from db.session import OperationDB

K = models.Category

CATEGORY_LIST = ListSpec(
    model=K,
    fields={"id": K.id, "name": K.name, "parent_id": K.parent_id, "weight": K.weight},
    sortable=frozenset({"id", "name", "weight"}),
    default_sort=(Sort("weight"), Sort("name")),
    search=(K.name,),
)


async def categories_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Categories by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_categories(viewer), ids)
