"""B8 Notes: ``GET /notes``, staff comments on clients, items, sales, orders and consignments.

Thin adapter over ``db.queries.note`` (the graph's ``notes`` list). This page types its fields
itself (Decision D6): integer ``id``, ``"1"``/``"0"`` publication, millisecond timestamps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db import models
from db.queries.listing import Condition, Sort
from db.queries.note import NOTE_LIST, documents_by_note_ids, entities_by_ids
from db.queries.user import users_by_ids
from db.queries.visibility import readable_notes
from db.session import OperationDB
from domain.files import file_url
from domain.principal import Principal
from rest_compat.circuit import clients
from rest_compat.deps import RestState, caller, operation_db, rest_state
from rest_compat.errors import ACCESS_DENIED, RestError
from rest_compat.openapi import list_openapi, query_parameter
from rest_compat.query import FilterField, Kind, Resource, bad, parse_list, path_id, run_list
from rest_compat.shapes import ListEnvelope, errors, listing

router = APIRouter(tags=["Notes"])

FIELDS = (
    "id",
    "label",
    "published",
    "created",
    "updated",
    "author",
    "vid",
    "reference",
    "note",
    "documents",
)
REFERENCE_TYPES = ("client", "item", "sale", "order", "consignment")
NOTES = Resource(
    filters={
        "reference_type": FilterField("entity_type", Kind.ENUM, choices=REFERENCE_TYPES),
        "published": FilterField("published", Kind.BOOL),
        "created": FilterField("created_at", Kind.DATETIME),
    },
    sorts={
        "id": ("id",),
        "label": ("title",),
        "created": ("created_at",),
        "updated": ("updated_at",),
    },
    fields=FIELDS,
    default_sort=(Sort("created_at", descending=True),),
)
REFERENCE = "filter[reference]"

API_PATHS = {
    models.EntityType.CLIENT: "datatable-clients",
    models.EntityType.ITEM: "datatable-items",
    models.EntityType.SALE: "datatable-sales",
    models.EntityType.ORDER: "orders",
    models.EntityType.CONSIGNMENT: "datatable-consignments",
}
APP_PATHS = {
    models.EntityType.CLIENT: "clients/{id}/client",
    models.EntityType.ITEM: "items/{id}/item",
    models.EntityType.SALE: "sales/{id}/sale",
    models.EntityType.ORDER: "orders/{id}/order",
    models.EntityType.CONSIGNMENT: "consignments/{id}/consignment",
}
LABEL_WORDS = 8
"""A note without a title is labelled by the first words of its text."""


def _reference(raw: str) -> dict[str, tuple[str, Condition]]:
    """``filter[reference]``: ``"<id>"`` (any type) or ``"<type>:<id>"`` (Proposal)."""
    kind, colon, number = raw.strip().rpartition(":")
    entity_id = path_id(number)
    if entity_id is None or (colon and kind.lower() not in REFERENCE_TYPES):
        raise bad(REFERENCE, f"Invalid value {raw!r}: expected an id or <type>:<id>.")
    conditions = {"reference": ("entity_id", Condition(eq=entity_id))}
    if colon:
        conditions["reference_type"] = ("entity_type", Condition(eq=kind.lower()))
    return conditions


def _split(items: Iterable[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[str]]:
    """The query pairs without ``filter[reference]``, and that filter's values."""
    pairs = list(items)
    rest = [(key, value) for key, value in pairs if key != REFERENCE]
    return rest, [value for key, value in pairs if key == REFERENCE]


def millis(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() * 1000)


_TAG = re.compile(r"<[^>]*>")


def note_label(note: models.Note) -> str:
    if note.title:
        return note.title
    return " ".join(_TAG.sub(" ", note.body).split()[:LABEL_WORDS])


def _entity_label(entity_type: models.EntityType, entity: Any) -> str:
    if entity is None:
        return ""
    if entity_type is models.EntityType.CLIENT:
        return clients.label(entity)
    if entity_type is models.EntityType.ORDER:
        return str(entity.number)
    return str(getattr(entity, "title", "") or getattr(entity, "number", ""))


def represent(
    request: Request,
    state: RestState,
    note: models.Note,
    author: models.User | None,
    entity: Any,
    documents: Sequence[models.File],
) -> dict[str, Any]:
    """The B8 representation (every field, in the table's order)."""
    base = str(request.base_url).rstrip("/")
    kind = note.entity_type
    api_path = API_PATHS.get(kind, kind.value)
    app_path = APP_PATHS.get(kind, f"{kind.value}s/{{id}}/{kind.value}").format(id=note.entity_id)
    now = datetime.now(UTC)
    return {
        "id": note.id,
        "label": note_label(note),
        "published": "1" if note.published else "0",
        "created": millis(note.created_at),
        "updated": millis(note.updated_at),
        "author": None
        if author is None
        else {
            "id": str(author.id),
            "label": author.full_name or author.email,
            "mail": author.email,
            "value": str(author.id),
            "uuid": "",
        },
        "vid": str(note.revision),
        "reference": {
            "id": str(note.entity_id),
            "uuid": str(getattr(entity, "uuid", "") or ""),
            "label": _entity_label(kind, entity),
            "type": kind.value,
            "url_api": f"{base}/api/v1.0/{api_path}/{note.entity_id}",
            "app_url": f"{base}/app#dashboard/{app_path}",
        },
        "note": note.body,
        "documents": [
            {
                "id": str(file.id),
                "filename": file.filename,
                "filemime": file.mime_type,
                "filesize": str(file.size),
                "url": f"{base}{file_url(state.file_store, file, now)}",
            }
            for file in documents
        ]
        or None,
    }


async def represent_all(
    request: Request,
    state: RestState,
    db: OperationDB,
    principal: Principal,
    notes: Sequence[models.Note],
) -> list[dict[str, Any]]:
    """B8 rows for ``notes``: one statement per related kind, whatever their number."""
    if not notes:
        return []
    author_ids = sorted({n.author_id for n in notes if n.author_id is not None})
    authors = dict(zip(author_ids, await users_by_ids(db, principal, author_ids), strict=True))
    entities: dict[models.EntityType, dict[int, Any]] = {}
    for kind in sorted({n.entity_type for n in notes}):
        ids = [n.entity_id for n in notes if n.entity_type is kind]
        entities[kind] = await entities_by_ids(db, kind, ids)
    documents = await documents_by_note_ids(db, principal, [n.id for n in notes])
    return [
        represent(
            request,
            state,
            note,
            authors.get(note.author_id) if note.author_id else None,
            entities[note.entity_type].get(note.entity_id),
            files,
        )
        for note, files in zip(notes, documents, strict=True)
    ]


# -- response models -----------------------------------------------------------------------


class Author(BaseModel):
    id: str = Field(examples=["12"])
    label: str = Field(description="Full name.", examples=["Jane Clerk"])
    mail: str
    value: str = Field(description="The id again.")
    uuid: str = Field(description="Users have no uuid in Gavel: empty.")


class Reference(BaseModel):
    id: str = Field(examples=["2005"])
    uuid: str = Field(description="Empty for entities without a uuid (orders, consignments).")
    label: str
    type: str = Field(description="client, item, sale, order or consignment.")
    url_api: str = Field(description="The entity's REST path.")
    app_url: str = Field(description="The back-office UI URL.")


class Document(BaseModel):
    id: str
    filename: str
    filemime: str
    filesize: str = Field(description="Bytes.")
    url: str


class Note(BaseModel):
    """B8 (Decision D6). With ``fields=`` only the named fields (and ``id``) are present."""

    id: int = Field(examples=[2044744])
    label: str | None = Field(default=None, description="Title, or the text's first words.")
    published: str | None = Field(default=None, description='"1" or "0".')
    created: int | None = Field(default=None, description="Epoch milliseconds.")
    updated: int | None = Field(default=None, description="Epoch milliseconds.")
    author: Author | None = None
    vid: str | None = Field(default=None, description="Revision.")
    reference: Reference | None = None
    note: str | None = Field(default=None, description="HTML content.")
    documents: list[Document] | None = Field(default=None, description="null when none.")


# -- routes --------------------------------------------------------------------------------


@router.get(
    "/notes",
    response_model=ListEnvelope[Note],
    responses=errors(),
    openapi_extra=list_openapi(
        NOTES,
        query_parameter(
            REFERENCE,
            {"type": "string", "pattern": f"^(({'|'.join(REFERENCE_TYPES)}):)?[0-9]+$"},
            "The noted entity: `<id>` or `<type>:<id>`.",
        ),
    ),
    summary="List notes",
    description="B8. Common list parameters (A3-A7): range, page, sort (default -created), "
    "fields, filter[...]. Filters: reference (`<id>` or `<type>:<id>`), "
    + ", ".join(NOTES.filters)
    + ". Sorts: "
    + ", ".join(NOTES.sorts)
    + ". Staff only.",
)
async def list_notes(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    if not principal.is_staff:
        raise RestError(403, "Access denied", ACCESS_DENIED)
    items, references = _split(request.query_params.multi_items())
    if len(references) > 1:
        raise bad(REFERENCE, "Give one reference.")
    extra = _reference(references[0]) if references else None
    params = parse_list(items, NOTES, extra)
    notes, count = await run_list(
        db, readable_notes(principal), NOTE_LIST, params, is_staff=principal.is_staff
    )
    rows = await represent_all(request, state, db, principal, notes)
    return listing(request, rows, count, params)
