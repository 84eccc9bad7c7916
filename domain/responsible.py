"""Responsible staff users of a client, a consignment or a lot (REST ``responsible_user``).

The field is a list of user ids, replaced as a whole and kept in the order sent (duplicates
dropped); every id must be an active staff or admin user (``NOT_FOUND`` on
``responsibleUserIds[<index>]`` otherwise). The use cases clean and check it with their other
fields, so a bad id is reported with every other broken rule and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.queries import responsible as queries
from domain.audit import Changes
from domain.errors import UserErrorCode
from domain.fields import Checks

FIELD = "responsible_user_ids"
"""The command key (snake_case) of the field."""
INPUT = "responsibleUserIds"


def _clean(checks: Checks, value: Any) -> list[int]:
    """The sent ids as a list of distinct ints (null clears); format problems on ``checks``."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        checks.fail(INPUT, UserErrorCode.INVALID, "Must be a list of user ids.")
        return []
    ids: list[int] = []
    for index, user_id in enumerate(value):
        if isinstance(user_id, bool) or not isinstance(user_id, int) or not 0 < user_id < 2**31:
            checks.fail(f"{INPUT}[{index}]", UserErrorCode.INVALID, "Must be a user id.")
        elif user_id not in ids:
            ids.append(user_id)
    return ids


async def _check(
    session: AsyncSession, checks: Checks, sent: Sequence[Any], ids: Sequence[int]
) -> None:
    """Each id names an active staff user; reported at its index in ``sent``."""
    staff = await queries.staff_user_ids(session, ids)
    for index, user_id in enumerate(sent):
        if user_id in ids and user_id not in staff:
            checks.fail(
                f"{INPUT}[{index}]", UserErrorCode.NOT_FOUND, f"No staff user with id {user_id}."
            )


async def cleaned(session: AsyncSession, checks: Checks, sent: Any) -> list[int]:
    """The sent ids to store, in order and distinct; every problem on ``checks``."""
    before = len(checks.violations)
    ids = _clean(checks, sent)
    if ids and len(checks.violations) == before:
        await _check(session, checks, sent, ids)
    return ids


async def replace(
    session: AsyncSession, entity_type: models.EntityType, owner_id: int, ids: Sequence[int]
) -> Changes:
    """Store ``ids`` as the owner's responsible users; the audit change (none if equal)."""
    before = await queries.responsible_user_ids(session, entity_type, owner_id)
    if before == list(ids):
        return {}
    await queries.replace_responsible_users(session, entity_type, owner_id, ids)
    return {FIELD: {"before": before, "after": list(ids)}}
