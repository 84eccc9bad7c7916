"""The audit trail: one ``Activity`` row per change, written in the change's own transaction.

Every use case that writes an entity calls ``record_created`` / ``record_updated`` /
``record_deleted`` (or ``record`` for anything else) before its single commit, so a change and
its audit row commit or roll back together; a refused mutation leaves no row. ``changes`` maps
each changed field to ``{"before": …, "after": …}`` in JSON form (money as strings, times as
ISO-8601), so the log never holds a float or a naive time.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from db import models
from domain.principal import Principal

Changes = dict[str, dict[str, Any]]

_NEVER_AUDITED = frozenset({"created_at", "updated_at"})


def json_value(value: Any) -> Any:
    """``value`` as JSON keeps it: Decimals as strings, times as ISO-8601, enums as their ids."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(item) for item in value]
    return value


def snapshot(row: SQLModel, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The row's column values (or only ``fields``) in JSON form, to diff after a change."""
    names = fields if fields is not None else type(row).model_fields
    return {name: json_value(getattr(row, name)) for name in names if name not in _NEVER_AUDITED}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """The fields whose value differs, each as ``{"before": …, "after": …}``."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


async def record(
    session: AsyncSession,
    principal: Principal,
    action: str,
    entity_type: models.EntityType,
    entity_id: int,
    changes: Changes | None = None,
) -> models.Activity:
    """Add one activity row to the session's transaction (flushed with the change)."""
    activity = models.Activity(
        user_id=principal.user_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=changes or {},
    )
    session.add(activity)
    return activity


async def record_created(
    session: AsyncSession,
    principal: Principal,
    entity_type: models.EntityType,
    row: SQLModel,
    also: Changes | None = None,
) -> models.Activity:
    """Audit a new row: every field, ``before`` null. The row must be flushed (it has an id).

    ``also`` adds changes stored outside the row (link tables such as responsible users).
    """
    changes = {**diff({}, snapshot(row)), **(also or {})}
    return await record(session, principal, "create", entity_type, _id(row), changes)


async def record_updated(
    session: AsyncSession,
    principal: Principal,
    entity_type: models.EntityType,
    row: SQLModel,
    before: Mapping[str, Any],
    action: str = "update",
    also: Changes | None = None,
) -> models.Activity | None:
    """Audit the fields of ``row`` that differ from ``before`` (a ``snapshot``), plus ``also``
    (changes stored outside the row); none, no row."""
    changes = {**diff(before, snapshot(row, before.keys())), **(also or {})}
    if not changes:
        return None
    return await record(session, principal, action, entity_type, _id(row), changes)


async def record_deleted(
    session: AsyncSession, principal: Principal, entity_type: models.EntityType, row: SQLModel
) -> models.Activity:
    """Audit a removed row: every field, ``after`` null."""
    return await record(
        session, principal, "delete", entity_type, _id(row), diff(snapshot(row), {})
    )


def _id(row: SQLModel) -> int:
    value = getattr(row, "id", None)
    if not isinstance(value, int):
        raise ValueError(f"{type(row).__name__} has no id yet: flush it before auditing")
    return value
