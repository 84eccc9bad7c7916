"""createNote, updateNote and deleteNote through GraphQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

CREATE_NOTE_MUTATION = """
mutation Create($input: CreateNoteInput!) {
  createNote(input: $input) {
    note { title body published revision entityType author { databaseId }
           subject { ... on Client { databaseId } } }
    errors { field code message }
  }
}
"""

UPDATE_NOTE_MUTATION = """
mutation Update($input: UpdateNoteInput!) {
  updateNote(input: $input) {
    note { title body published revision }
    errors { field code message }
  }
}
"""

DELETE_NOTE_MUTATION = """
mutation Delete($input: DeleteNoteInput!) {
  deleteNote(input: $input) { deletedId errors { field code message } }
}
"""


async def _activities(session: AsyncSession) -> list[tuple[str, int]]:
    rows = await session.execute(
        sa.select(models.Activity.action, models.Activity.entity_id).order_by(models.Activity.id)
    )
    return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def test_staff_attach_a_note_to_a_client(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)

    # when
    data = await graphql.data(
        CREATE_NOTE_MUTATION,
        {
            "input": {
                "subjectId": to_base64("Client", client.id),
                "title": "Call back",
                "body": "<p>Wants the catalogue</p>",
            }
        },
        as_=staff,
    )

    # then
    assert data["createNote"] == {
        "note": {
            "title": "Call back",
            "body": "<p>Wants the catalogue</p>",
            "published": False,
            "revision": 1,
            "entityType": "CLIENT",
            "author": {"databaseId": staff.id},
            "subject": {"databaseId": client.id},
        },
        "errors": [],
    }
    note_id = await session.scalar(sa.select(models.Note.id))
    assert note_id is not None
    assert await _activities(session) == [("create", note_id)]


async def test_a_note_on_a_missing_entity_writes_nothing(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)

    data = await graphql.data(
        CREATE_NOTE_MUTATION,
        {"input": {"subjectId": to_base64("Sale", 987654), "body": ""}},
        as_=staff,
    )

    assert data["createNote"]["errors"] == [
        {"field": "subjectId", "code": "NOT_FOUND", "message": "There is no sale with id 987654."},
        {"field": "body", "code": "REQUIRED", "message": "The note needs a text."},
    ]
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Note)) == 0
    assert await _activities(session) == []


async def test_update_changes_the_sent_fields_and_raises_the_revision(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    note = await factories.create_note(session, on=client, title="Old", body="<p>b</p>")

    data = await graphql.data(
        UPDATE_NOTE_MUTATION,
        {"input": {"id": to_base64("Note", note.id), "title": None, "published": True}},
        as_=staff,
    )

    assert data["updateNote"] == {
        "note": {"title": None, "body": "<p>b</p>", "published": True, "revision": 2},
        "errors": [],
    }
    assert await _activities(session) == [("update", note.id)]


async def test_delete_removes_the_note(graphql: GraphQLClient, session: AsyncSession) -> None:
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    note = await factories.create_note(session, on=item)

    data = await graphql.data(
        DELETE_NOTE_MUTATION, {"input": {"id": to_base64("Note", note.id)}}, as_=staff
    )

    assert data["deleteNote"] == {"deletedId": to_base64("Note", note.id), "errors": []}
    assert await session.get(models.Note, note.id) is None
    assert await _activities(session) == [("delete", note.id)]


async def test_a_subject_of_an_unknown_kind_is_bad_input(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)

    body = await graphql(
        CREATE_NOTE_MUTATION,
        {"input": {"subjectId": to_base64("Category", 1), "body": "x"}},
        as_=staff,
    )

    assert_graphql_error(body, code="BAD_USER_INPUT")


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_write_notes(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    bidder = await factories.create_bidder(session)
    assert bidder.client_id is not None

    body = await graphql(
        CREATE_NOTE_MUTATION,
        {"input": {"subjectId": to_base64("Client", bidder.client_id), "body": "x"}},
        as_=bidder if caller else None,
    )

    assert_graphql_error(body, code=code)
    assert await _activities(session) == []
