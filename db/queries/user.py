"""Users and access tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids
from db.queries.viewer import Viewer
from db.queries.visibility import readable_users
from db.session import OperationDB


async def users_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable users by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_users(viewer), ids)


async def user_by_email(db: OperationDB, email: str) -> models.User | None:
    """The user with this e-mail, case-insensitively."""
    stmt = sa.select(models.User).where(sa.func.lower(models.User.email) == email.strip().lower())
    return (await db.session.execute(stmt)).scalar_one_or_none()


async def user_by_token_hash(
    db: OperationDB, token_hash: str, now: datetime
) -> tuple[models.User, models.AccessToken] | None:
    """The active user owning an unexpired token with this digest."""
    stmt = (
        sa.select(models.User, models.AccessToken)
        .join(models.AccessToken, col(models.AccessToken.user_id) == models.User.id)
        .where(
            col(models.AccessToken.token_hash) == token_hash,
            col(models.AccessToken.expires_at) > now,
            col(models.User.is_active).is_(True),
        )
    )
    row = (await db.execute(stmt)).first()
    return (row[0], row[1]) if row is not None else None


async def active_staff(db: OperationDB) -> list[models.User]:
    """Active staff and admin users, by name (staff pickers)."""
    U = models.User
    rows = await db.all(
        sa.select(U)
        .where(col(U.role).in_([models.Role.STAFF, models.Role.ADMIN]), col(U.is_active))
        .order_by(col(U.full_name), col(U.id))
    )
    return list(rows)
