"""Note mutations: create, update and delete (thin adapters over ``domain.notes``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.relay import to_base64

from db import models
from domain import errors, notes
from graph.context import Info
from graph.errors import from_domain
from graph.filtering import decode_id
from graph.partial import decode_subject, present
from graph.payloads import UserError, user_errors
from graph.permissions import STAFF

if TYPE_CHECKING:
    from graph.note.types import Note

UNSET: Any = strawberry.UNSET


@strawberry.input(description="A new note on an entity.")
class CreateNoteInput:
    subject_id: strawberry.ID = strawberry.field(
        description="The entity the note is on (a client, sale, item, order, consignment, …)."
    )
    body: str = strawberry.field(description="HTML content; must not be blank.")
    title: str | None = strawberry.field(default=None, description="Title (255 characters).")
    published: bool = strawberry.field(default=False, description="Published flag.")


@strawberry.input(description="The note to change and what to change; the rest stays.")
class UpdateNoteInput:
    id: strawberry.ID = strawberry.field(description="The note.")
    body: str | None = strawberry.field(default=UNSET, description="HTML content, not blank.")
    title: str | None = strawberry.field(default=UNSET, description="Title; null clears it.")
    published: bool | None = strawberry.field(default=UNSET, description="Published flag.")


@strawberry.input(description="The note to delete.")
class DeleteNoteInput:
    id: strawberry.ID = strawberry.field(description="The note.")


@strawberry.type(description="The result of `createNote`.")
class CreateNotePayload:
    _note: strawberry.Private[models.Note | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every rule broken; nothing was written."
    )

    @strawberry.field(description="The new note.")
    def note(self) -> Annotated[Note, strawberry.lazy("graph.note.types")] | None:
        return self._note


@strawberry.type(description="The result of `updateNote`.")
class UpdateNotePayload:
    _note: strawberry.Private[models.Note | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every rule broken; nothing was written."
    )

    @strawberry.field(description="The note after the change (its revision raised by one).")
    def note(self) -> Annotated[Note, strawberry.lazy("graph.note.types")] | None:
        return self._note


@strawberry.type(description="The result of `deleteNote`.")
class DeleteNotePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The deleted note's ID."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why the note was not deleted."
    )


def _prime(info: Info, note: models.Note) -> None:
    info.context.loaders.note_by_id.clear(note.id).prime(note.id, note)


@strawberry.type
class NoteMutations:
    @strawberry.mutation(
        description="Attach a note to an entity; the caller is its author. Staff only.",
        permission_classes=STAFF,
    )
    async def create_note(
        self,
        info: Info,
        input: Annotated[
            CreateNoteInput, strawberry.argument(description="The entity and the note.")
        ],
    ) -> CreateNotePayload:
        entity_type, entity_id = decode_subject(input.subject_id, "subjectId")
        cmd = notes.CreateNote(
            entity_type=entity_type,
            entity_id=entity_id,
            values=present(input, frozenset({"subject_id"})),
        )
        context = info.context
        try:
            note = await notes.create_note(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return CreateNotePayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound) as exc:
            raise from_domain(exc) from exc
        _prime(info, note)
        return CreateNotePayload(_note=note)

    @strawberry.mutation(
        description="Change the sent fields of a note; a change raises its revision by one. "
        "Staff only.",
        permission_classes=STAFF,
    )
    async def update_note(
        self,
        info: Info,
        input: Annotated[
            UpdateNoteInput, strawberry.argument(description="The note and what to change.")
        ],
    ) -> UpdateNotePayload:
        cmd = notes.UpdateNote(
            note_id=decode_id(input.id, "Note"), values=present(input, frozenset({"id"}))
        )
        context = info.context
        try:
            note = await notes.update_note(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return UpdateNotePayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound) as exc:
            raise from_domain(exc) from exc
        _prime(info, note)
        return UpdateNotePayload(_note=note)

    @strawberry.mutation(
        description="Delete a note for good. Staff only.", permission_classes=STAFF
    )
    async def delete_note(
        self,
        info: Info,
        input: Annotated[DeleteNoteInput, strawberry.argument(description="The note to delete.")],
    ) -> DeleteNotePayload:
        cmd = notes.DeleteNote(note_id=decode_id(input.id, "Note"))
        context = info.context
        try:
            note = await notes.delete_note(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return DeleteNotePayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound) as exc:
            raise from_domain(exc) from exc
        info.context.loaders.note_by_id.clear(note.id)
        return DeleteNotePayload(deleted_id=strawberry.ID(to_base64("Note", note.id)))
