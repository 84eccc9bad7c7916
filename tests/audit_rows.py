"""Reading the audit trail back in tests."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models


async def actions(
    session: AsyncSession, entity_type: models.EntityType, entity_id: int | None = None
) -> list[str]:
    """The activity actions recorded for an entity (or for every entity of a type), in order."""
    query = sa.select(models.Activity.action).where(col(models.Activity.entity_type) == entity_type)
    if entity_id is not None:
        query = query.where(col(models.Activity.entity_id) == entity_id)
    result = await session.execute(query.order_by(col(models.Activity.id)))
    return list(result.scalars())
