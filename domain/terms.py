"""Taxonomy terms: the vocabularies, the term fields of items, clients and sales, the one term
resolver every write goes through, and the staff use cases on terms.

**Term input** (REST A12.8, GraphQL term-id lists): each entry is an id (an integer or a string
of digits) or a label, matched case-insensitively against the field's vocabulary. An id or
label the vocabulary does not have is ``NOT_FOUND`` with the entry's path (``categories.1``;
``country`` for a single-valued field), raised inside the write's transaction so nothing is
written. Terms are never created by a write; staff create them with ``create_term``. A list
keeps its order, repeated terms collapse to their first place, ``None`` or ``[]`` clears.

**Storage.** The ``categories`` vocabulary is the ``categories`` table (its tree is the lot
catalogue's); every other vocabulary lives in ``taxonomy_terms``. Each entity type has one link
table keyed by field and position (``db/models/term.py``); a single-valued field (``country``)
is a list of at most one. A lot's main category (``items.category_id``) is always the first of
its ``categories``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.queries import term as queries
from db.queries.term import Links, TermRow
from db.session import OperationDB
from domain import audit
from domain.errors import Forbidden, NotFound, RuleViolation, UserErrorCode
from domain.fields import Checks, camel
from domain.principal import Principal


class Vocabulary(enum.StrEnum):
    """The vocabularies of ``taxonomy_terms`` (``categories`` is its own table)."""

    COUNTRIES = "countries"
    COLLECTIBLE_TYPES = "collectible_types"
    DESTINATIONS = "destinations"
    SEARCH_TAGS = "search_tags"
    CATALOGUE_PARTS = "catalogue_parts"
    POSTAL_THEMATICS = "postal_thematics"
    SYMBOLS = "symbols"
    SUB_SYMBOLS = "sub_symbols"
    GROUPING_CATEGORIES = "grouping_categories"
    TOPICS = "topics"
    ITEM_TAGS = "item_tags"
    MEDIUMS = "mediums"
    INTERESTS = "interests"
    CLIENT_SOURCES = "client_sources"
    DEPARTMENTS = "departments"
    BID_STEPS = "bid_steps"
    CATALOGS = "catalogs"


CATEGORIES = "categories"
"""The vocabulary kept in the ``categories`` table."""


@dataclass(frozen=True, slots=True)
class TermField:
    """A term field: its vocabulary and whether it holds a list or at most one term."""

    vocabulary: str
    many: bool = True


ITEM_FIELDS: Mapping[str, TermField] = {
    "categories": TermField(CATEGORIES),
    "destinations": TermField(Vocabulary.DESTINATIONS),
    "search_tags": TermField(Vocabulary.SEARCH_TAGS),
    "catalogue_parts": TermField(Vocabulary.CATALOGUE_PARTS),
    "postal_thematics": TermField(Vocabulary.POSTAL_THEMATICS),
    "symbols": TermField(Vocabulary.SYMBOLS),
    "sub_symbol": TermField(Vocabulary.SUB_SYMBOLS),
    "grouping_category": TermField(Vocabulary.GROUPING_CATEGORIES),
    "topics": TermField(Vocabulary.TOPICS),
    "tags": TermField(Vocabulary.ITEM_TAGS),
    "mediums": TermField(Vocabulary.MEDIUMS),
    "collectible_type": TermField(Vocabulary.COLLECTIBLE_TYPES, many=False),
    "country": TermField(Vocabulary.COUNTRIES, many=False),
}
CLIENT_FIELDS: Mapping[str, TermField] = {
    "categories": TermField(CATEGORIES),
    "interested_in": TermField(Vocabulary.INTERESTS),
    "source": TermField(Vocabulary.CLIENT_SOURCES, many=False),
}
SALE_FIELDS: Mapping[str, TermField] = {
    "departments": TermField(Vocabulary.DEPARTMENTS),
    "bid_steps": TermField(Vocabulary.BID_STEPS, many=False),
    "catalog": TermField(Vocabulary.CATALOGS, many=False),
}

TermRef = int | str
"""A term as sent: an id, a string of digits (an id) or a label."""

_MAX_ID = 2**31 - 1
"""Larger ids cannot be rows (``integer`` keys): not found without asking PostgreSQL."""


def _as_id(value: TermRef) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _entries(checks: Checks, name: str, spec: TermField, value: Any) -> list[tuple[str, Any]]:
    """``(path, entry)`` of each sent entry; a malformed value is reported and yields none."""
    path = camel(name)
    if value is None:
        return []
    if not spec.many:
        if isinstance(value, list | tuple) and len(value) > 1:
            checks.fail(path, UserErrorCode.INVALID, f"`{path}` holds one term.")
            return []
        values = list(value) if isinstance(value, list | tuple) else [value]
        paths = [path] * len(values)
    elif isinstance(value, list | tuple):
        values = list(value)
        paths = [f"{path}.{index}" for index in range(len(values))]
    else:
        checks.fail(path, UserErrorCode.INVALID, f"`{path}` must be a list of terms.")
        return []
    entries = []
    for where, entry in zip(paths, values, strict=True):
        if isinstance(entry, bool) or not isinstance(entry, int | str) or not str(entry).strip():
            checks.fail(where, UserErrorCode.INVALID, "A term is an id or a label.")
        else:
            entries.append((where, entry))
    return entries


async def resolve(
    session: AsyncSession,
    checks: Checks,
    fields: Mapping[str, TermField],
    sent: Mapping[str, Any],
) -> dict[str, list[int]]:
    """The term ids of every term field in ``sent`` (ids or labels, module docstring).

    Unknown terms and malformed entries go to ``checks``; their fields are left out.
    """
    wanted: dict[str, tuple[set[int], set[str]]] = {}
    entries: dict[str, list[tuple[str, Any]]] = {}
    malformed: set[str] = set()
    for name, value in sent.items():
        spec = fields.get(name)
        if spec is None:
            continue
        before = len(checks.violations)
        entries[name] = _entries(checks, name, spec, value)
        if len(checks.violations) > before:
            malformed.add(name)
        ids, labels = wanted.setdefault(spec.vocabulary, (set(), set()))
        for _path, entry in entries[name]:
            number = _as_id(entry)
            if number is None:
                labels.add(str(entry).strip().lower())
            elif 0 < number <= _MAX_ID:
                ids.add(number)
    by_id: dict[tuple[str, int], int] = {}
    by_label: dict[tuple[str, str], int] = {}
    if any(ids or labels for ids, labels in wanted.values()):
        for term in await queries.find_terms(session, wanted):
            vocabulary = term.vocabulary if isinstance(term, models.Term) else CATEGORIES
            by_id[(vocabulary, term.id)] = term.id
            by_label[(vocabulary, term.name.lower())] = term.id
    resolved: dict[str, list[int]] = {}
    for name, found in entries.items():
        vocabulary = fields[name].vocabulary
        ids_in_order: list[int] = []
        failed = False
        for path, entry in found:
            number = _as_id(entry)
            term_id = (
                by_id.get((vocabulary, number))
                if number is not None
                else by_label.get((vocabulary, str(entry).strip().lower()))
            )
            if term_id is None:
                failed = True
                what = f"id {number}" if number is not None else f"label {str(entry).strip()!r}"
                checks.fail(path, UserErrorCode.NOT_FOUND, f"No term with {what} in {vocabulary}.")
            else:
                ids_in_order.append(term_id)
        if not failed and name not in malformed:
            resolved[name] = list(dict.fromkeys(ids_in_order))
    return resolved


def category_fields(fields: Mapping[str, TermField]) -> frozenset[str]:
    """The fields of ``fields`` whose terms are categories."""
    return frozenset(name for name, spec in fields.items() if spec.vocabulary == CATEGORIES)


async def write(
    session: AsyncSession,
    links: Links,
    fields: Mapping[str, TermField],
    owner_id: int,
    resolved: Mapping[str, Sequence[int]],
) -> None:
    """Replace the owner's links of the resolved fields."""
    await queries.replace_terms(session, links, owner_id, resolved, category_fields(fields))


def changes(
    before: Mapping[str, Sequence[int]], resolved: Mapping[str, Sequence[int]]
) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """``(before, after)`` of the resolved fields; ``audit.diff`` of the two is the audit change."""
    return (
        {name: list(before.get(name, [])) for name in resolved},
        {name: list(ids) for name, ids in resolved.items()},
    )


async def merge_into(
    session: AsyncSession,
    links: Links,
    fields: Mapping[str, TermField],
    source_ids: Sequence[int],
    target_id: int,
) -> int:
    """Give the target the sources' terms it lacks (after its own; a single-valued field keeps
    the target's term), then drop the sources' links; how many source links there were."""
    found = await queries.term_ids_by_owner(session, links, [target_id, *source_ids])
    merged: dict[str, list[int]] = {}
    for name, spec in fields.items():
        ids = [i for owner in (target_id, *source_ids) for i in found.get(owner, {}).get(name, [])]
        merged[name] = list(dict.fromkeys(ids))[: None if spec.many else 1]
    moved = sum(len(ids) for owner in source_ids for ids in found.get(owner, {}).values())
    await queries.delete_terms(session, links, source_ids)
    if moved:
        await write(session, links, fields, target_id, merged)
    return moved


# -- staff use cases on terms --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateTerm:
    """``increments`` only for a ``bid_steps`` term: the table a sale filed under it gets."""

    vocabulary: Vocabulary
    name: str
    parent_id: int | None = None
    weight: int = 0
    increments: Sequence[Mapping[str, Any]] | None = None


@dataclass(frozen=True, slots=True)
class UpdateTerm:
    """Only the fields in ``changes`` (``name``, ``parent_id``, ``weight``, ``increments``)
    change."""

    term_id: int
    changes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeleteTerm:
    term_id: int


def _staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("Only staff may do this.")


async def _check_term(session: AsyncSession, checks: Checks, term: models.Term) -> None:
    if not term.name or not term.name.strip():
        checks.fail("name", UserErrorCode.REQUIRED, "`name` is required.")
    elif await queries.name_taken(session, term.vocabulary, term.name, term.id):
        checks.fail("name", UserErrorCode.UNIQUE, "The vocabulary already has this term.")
    if term.parent_id is not None:
        parent = await session.get(models.Term, term.parent_id)
        if parent is None or parent.vocabulary != term.vocabulary:
            checks.fail("parentId", UserErrorCode.NOT_FOUND, "No such term in the vocabulary.")
        elif term.id is not None and await _descends_from(session, parent, term.id):
            checks.fail("parentId", UserErrorCode.INVALID, "A term cannot be its own ancestor.")
    if term.increments is not None and term.vocabulary != Vocabulary.BID_STEPS:
        checks.fail("increments", UserErrorCode.INVALID, "Only bid_steps terms have increments.")
    else:
        checks.increments("increments", term.increments)
    checks.raise_if_any()


async def _descends_from(session: AsyncSession, term: models.Term, ancestor_id: int) -> bool:
    seen: set[int] = set()
    current: models.Term | None = term
    while current is not None and current.id not in seen:
        if current.id == ancestor_id:
            return True
        seen.add(current.id)
        current = await session.get(models.Term, current.parent_id) if current.parent_id else None
    return False


async def create_term(db: OperationDB, principal: Principal, cmd: CreateTerm) -> models.Term:
    """Add a term to a vocabulary; names are unique per vocabulary, case-insensitively."""
    _staff(principal)
    async with db.transaction() as session:
        term = models.Term(
            vocabulary=cmd.vocabulary.value,
            name=cmd.name.strip(),
            parent_id=cmd.parent_id,
            weight=cmd.weight,
            increments=None if cmd.increments is None else [dict(b) for b in cmd.increments],
        )
        await _check_term(session, Checks(), term)
        session.add(term)
        await session.flush()
        await audit.record_created(session, principal, models.EntityType.TERM, term)
    return term


async def update_term(db: OperationDB, principal: Principal, cmd: UpdateTerm) -> models.Term:
    """Rename, re-parent or re-weigh a term."""
    _staff(principal)
    async with db.transaction() as session:
        term = await session.get(models.Term, cmd.term_id, with_for_update=True)
        if term is None:
            raise NotFound("Term not found.")
        before = audit.snapshot(term)
        for name, value in cmd.changes.items():
            if name not in ("name", "parent_id", "weight", "increments"):
                raise ValueError(f"not writable on a term: {name}")
            setattr(term, name, value.strip() if name == "name" and value else value)
        checks = Checks()
        if "weight" in cmd.changes and cmd.changes["weight"] is None:
            checks.fail("weight", UserErrorCode.REQUIRED, "`weight` cannot be null.")
        await _check_term(session, checks, term)
        await session.flush()
        await audit.record_updated(session, principal, models.EntityType.TERM, term, before)
    return term


async def delete_term(db: OperationDB, principal: Principal, cmd: DeleteTerm) -> models.Term:
    """Remove a term no lot, client or sale is filed under (``IN_USE`` otherwise)."""
    _staff(principal)
    async with db.transaction() as session:
        term = await session.get(models.Term, cmd.term_id, with_for_update=True)
        if term is None:
            raise NotFound("Term not found.")
        if await queries.term_in_use(session, term.id):
            raise RuleViolation(
                UserErrorCode.IN_USE, "Lots, clients or sales are filed under this term.", "id"
            )
        await audit.record_deleted(session, principal, models.EntityType.TERM, term)
        await session.delete(term)
        await session.flush()
    return term


async def bid_step_increments(
    session: AsyncSession, resolved: Mapping[str, Sequence[int]]
) -> list[dict[str, Any]] | None:
    """The increment table of the ``bid_steps`` term in ``resolved``, if it has one."""
    ids = resolved.get("bid_steps")
    if not ids:
        return None
    term = await session.get(models.Term, ids[0])
    return None if term is None or not term.increments else list(term.increments)


def term_vocabulary(term: TermRow) -> str:
    """The vocabulary machine name of a term as read."""
    return term.vocabulary if isinstance(term, models.Term) else CATEGORIES
