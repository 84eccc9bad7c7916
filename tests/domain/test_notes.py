"""Note use cases: attached to an existing entity, revisions, audit rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from domain import notes
from domain.errors import RuleViolations, UserErrorCode
from domain.principal import Principal
from tests import factories


def _staff(user: models.User) -> Principal:
    return Principal(user_id=user.id, role=user.role)


async def test_a_note_is_attached_to_an_existing_entity_by_its_author(
    db: OperationDB, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)

    note = await notes.create_note(
        db,
        _staff(staff),
        notes.CreateNote(models.EntityType.SALE, sale.id, {"body": "<p>Hi</p>", "title": " T "}),
    )

    assert (note.entity_type, note.entity_id, note.author_id) == (
        models.EntityType.SALE,
        sale.id,
        staff.id,
    )
    assert (note.title, note.revision, note.published) == ("T", 1, False)


async def test_a_note_on_a_missing_entity_is_refused_with_every_error(
    db: OperationDB, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)

    with pytest.raises(RuleViolations) as raised:
        await notes.create_note(
            db,
            _staff(staff),
            notes.CreateNote(models.EntityType.ITEM, 987654, {"body": "  ", "title": "x" * 300}),
        )

    assert [(v.field, v.code, v.message) for v in raised.value.violations] == [
        ("subjectId", UserErrorCode.NOT_FOUND, "There is no item with id 987654."),
        ("body", UserErrorCode.REQUIRED, "The note needs a text."),
        ("title", UserErrorCode.INVALID, "The title is longer than 255 characters."),
    ]
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Note)) == 0


async def test_each_changing_update_raises_the_revision(
    db: OperationDB, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    note = await factories.create_note(session, on=client, body="a")

    revisions = []
    for values in ({"body": "b"}, {"body": "b"}, {"published": True}):
        updated = await notes.update_note(db, _staff(staff), notes.UpdateNote(note.id, values))
        revisions.append(updated.revision)

    assert revisions == [2, 2, 3]
    assert (updated.body, updated.published) == ("b", True)
    actions = await session.scalars(
        sa.select(models.Activity.action).where(
            models.Activity.entity_type == models.EntityType.NOTE
        )
    )
    assert list(actions.all()) == ["update", "update"]
