"""Responsible staff users of clients, consignments and lots (link tables, in order)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models
from db.session import OperationDB

LINKS: dict[models.EntityType, tuple[sa.Table, str]] = {
    models.EntityType.CLIENT: (models.ClientResponsibleUser.__table__, "client_id"),  # type: ignore[attr-defined]
    models.EntityType.CONSIGNMENT: (
        models.ConsignmentResponsibleUser.__table__,  # type: ignore[attr-defined]
        "consignment_id",
    ),
    models.EntityType.ITEM: (models.ItemResponsibleUser.__table__, "item_id"),  # type: ignore[attr-defined]
}
"""Each entity's link table and its owner column."""

STAFF_ROLES = (models.Role.STAFF, models.Role.ADMIN)


async def responsible_users_by_owner_ids(
    db: OperationDB, entity_type: models.EntityType, owner_ids: Sequence[int]
) -> list[list[models.User]]:
    """Each owner's responsible users in their stored order, aligned with ``owner_ids``; one
    statement. The caller decides who may see them (staff data)."""
    if not owner_ids:
        return []
    table, owner = LINKS[entity_type]
    stmt = (
        sa.select(models.User, table.c[owner])
        .join(table, table.c.user_id == models.User.id)
        .where(table.c[owner].in_(set(owner_ids)))
        .order_by(table.c[owner], table.c.position)
    )
    grouped: dict[int, list[models.User]] = {}
    for user, owner_id in await db.rows(stmt):
        grouped.setdefault(owner_id, []).append(user)
    return [grouped.get(i, []) for i in owner_ids]


# Called inside a use case's transaction (which holds the operation's lock) on its session.


async def responsible_user_ids(
    session: AsyncSession, entity_type: models.EntityType, owner_id: int
) -> list[int]:
    """One owner's responsible user ids, in order."""
    table, owner = LINKS[entity_type]
    stmt = sa.select(table.c.user_id).where(table.c[owner] == owner_id).order_by(table.c.position)
    return list((await session.execute(stmt)).scalars())


async def staff_user_ids(session: AsyncSession, user_ids: Sequence[int]) -> set[int]:
    """Those of ``user_ids`` that are active staff (or admin) users."""
    if not user_ids:
        return set()
    U = models.User
    stmt = sa.select(col(U.id)).where(
        col(U.id).in_(set(user_ids)), col(U.role).in_(STAFF_ROLES), col(U.is_active)
    )
    return set((await session.execute(stmt)).scalars())


async def replace_responsible_users(
    session: AsyncSession,
    entity_type: models.EntityType,
    owner_id: int,
    user_ids: Sequence[int],
) -> None:
    """Make ``user_ids`` (distinct) the owner's responsible users, in this order."""
    table, owner = LINKS[entity_type]
    await session.execute(sa.delete(table).where(table.c[owner] == owner_id))
    if user_ids:
        rows: list[dict[str, Any]] = [
            {owner: owner_id, "user_id": user_id, "position": position}
            for position, user_id in enumerate(user_ids)
        ]
        await session.execute(sa.insert(table), rows)


async def move_responsible_users(
    session: AsyncSession, entity_type: models.EntityType, source_ids: Sequence[int], target_id: int
) -> int:
    """Append the sources' responsible users the target lacks to the target's (merge), and
    drop the sources' rows; how many the target gained."""
    table, owner = LINKS[entity_type]
    current = await responsible_user_ids(session, entity_type, target_id)
    stmt = (
        sa.select(table.c.user_id)
        .where(table.c[owner].in_(set(source_ids)))
        .order_by(table.c[owner], table.c.position)
    )
    gained = [
        user_id
        for user_id in dict.fromkeys((await session.execute(stmt)).scalars())
        if user_id not in current
    ]
    await session.execute(sa.delete(table).where(table.c[owner].in_(set(source_ids))))
    await replace_responsible_users(session, entity_type, target_id, [*current, *gained])
    return len(gained)
