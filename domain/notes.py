"""Note use cases: staff comments attached to any entity (REST B8; GraphQL create/update/delete).

A note's ``revision`` starts at 1 and goes up by one with every update that changes it; the
note row is locked while it is updated, so concurrent edits get consecutive revisions. A note on
a client, item, sale, order or consignment publishes ``EntityUpdated`` for that entity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.queries.note import entity_exists, lock_note
from db.session import OperationDB
from domain import audit
from domain.errors import Forbidden, NotFound, RuleViolation, RuleViolations, UserErrorCode
from domain.principal import Principal
from realtime.events import EntityUpdated
from realtime.publish import publish

NOTE_FIELDS = ("title", "body", "published")
TITLE_MAX = 255
BUNDLES = frozenset(
    {
        models.EntityType.CLIENT,
        models.EntityType.ITEM,
        models.EntityType.SALE,
        models.EntityType.ORDER,
        models.EntityType.CONSIGNMENT,
    }
)
"""Entities whose back-office views hear of their notes changing (``EntityUpdated``)."""


@dataclass(frozen=True, slots=True)
class CreateNote:
    entity_type: models.EntityType
    entity_id: int
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UpdateNote:
    """Only the fields in ``values`` change."""

    note_id: int
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeleteNote:
    note_id: int


def _clean(values: Mapping[str, Any], creating: bool) -> tuple[dict[str, Any], list[RuleViolation]]:
    cleaned: dict[str, Any] = {}
    violations: list[RuleViolation] = []
    for name, value in values.items():
        if name not in NOTE_FIELDS:
            violations.append(
                RuleViolation(UserErrorCode.INVALID, f"Unknown note field {name!r}.", name)
            )
        elif name == "published":
            if not isinstance(value, bool):
                violations.append(
                    RuleViolation(UserErrorCode.INVALID, "Must be true or false.", name)
                )
            else:
                cleaned[name] = value
        elif value is not None and not isinstance(value, str):
            violations.append(RuleViolation(UserErrorCode.INVALID, "Must be text.", name))
        elif name == "title":
            title = (value or "").strip() or None
            if title is not None and len(title) > TITLE_MAX:
                violations.append(
                    RuleViolation(
                        UserErrorCode.INVALID,
                        f"The title is longer than {TITLE_MAX} characters.",
                        name,
                    )
                )
            else:
                cleaned[name] = title
        else:  # body
            if not (value or "").strip():
                violations.append(
                    RuleViolation(UserErrorCode.REQUIRED, "The note needs a text.", name)
                )
            else:
                cleaned[name] = value
    if creating and "body" not in values:
        violations.append(RuleViolation(UserErrorCode.REQUIRED, "The note needs a text.", "body"))
    return cleaned, violations


def _require_staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("Only staff may do this.")


async def _entity_changed(session: AsyncSession, principal: Principal, note: models.Note) -> None:
    if note.entity_type in BUNDLES:
        await publish(
            session,
            EntityUpdated(
                bundle=note.entity_type.value,
                entity_id=note.entity_id,
                user_id=principal.user_id,
            ),
        )


async def create_note(db: OperationDB, principal: Principal, cmd: CreateNote) -> models.Note:
    """Attach a note to an existing entity; its author is the caller. Staff only."""
    _require_staff(principal)
    cleaned, violations = _clean(cmd.values, creating=True)
    async with db.transaction() as session:
        if not await entity_exists(session, cmd.entity_type, cmd.entity_id):
            violations.insert(
                0,
                RuleViolation(
                    UserErrorCode.NOT_FOUND,
                    f"There is no {cmd.entity_type.value} with id {cmd.entity_id}.",
                    "subjectId",
                ),
            )
        if violations:
            raise RuleViolations(violations)
        note = models.Note(
            entity_type=cmd.entity_type,
            entity_id=cmd.entity_id,
            author_id=principal.user_id,
            revision=1,
            **cleaned,
        )
        session.add(note)
        await session.flush()
        await audit.record_created(session, principal, models.EntityType.NOTE, note)
        await _entity_changed(session, principal, note)
    return note


async def update_note(db: OperationDB, principal: Principal, cmd: UpdateNote) -> models.Note:
    """Change the given fields; a change raises the revision by one. Staff only."""
    _require_staff(principal)
    cleaned, violations = _clean(cmd.values, creating=False)
    async with db.transaction() as session:
        note = await lock_note(session, cmd.note_id)
        if note is None:
            raise NotFound("Note not found.")
        if violations:
            raise RuleViolations(violations)
        before = audit.snapshot(note)
        changed = {name: value for name, value in cleaned.items() if getattr(note, name) != value}
        if changed:
            for name, value in changed.items():
                setattr(note, name, value)
            note.revision += 1
            await session.flush()
            await audit.record_updated(session, principal, models.EntityType.NOTE, note, before)
            await _entity_changed(session, principal, note)
    return note


async def delete_note(db: OperationDB, principal: Principal, cmd: DeleteNote) -> models.Note:
    """Delete a note for good. Staff only."""
    _require_staff(principal)
    async with db.transaction() as session:
        note = await lock_note(session, cmd.note_id)
        if note is None:
            raise NotFound("Note not found.")
        await audit.record_deleted(session, principal, models.EntityType.NOTE, note)
        await session.delete(note)
        await session.flush()
        await _entity_changed(session, principal, note)
    return note
