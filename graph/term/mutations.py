"""Staff mutations on taxonomy terms: ``createTerm``, ``updateTerm``, ``deleteTerm``.

REST never creates terms (A12.8); these are how a vocabulary grows.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import UNSET

from db import models
from domain import terms
from graph.context import Info
from graph.editing import attempt, sent_fields
from graph.filtering import decode_id
from graph.payloads import UserError
from graph.permissions import STAFF
from graph.sale.mutations import IncrementBandInput
from graph.term.types import Term, Vocabulary


@strawberry.input(description="A new term.")
class CreateTermInput:
    vocabulary: Vocabulary = strawberry.field(description="The vocabulary it joins.")
    name: str = strawberry.field(description="The label, unique in the vocabulary (any case).")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="A broader term of the same vocabulary."
    )
    weight: int = strawberry.field(default=0, description="Position among its siblings.")
    increments: list[IncrementBandInput] | None = strawberry.field(
        default=None, description="BID_STEPS only: the increment table sales filed under it get."
    )


@strawberry.input(description="Changes to a term: only the fields sent change.")
class UpdateTermInput:
    id: strawberry.ID = strawberry.field(description="The term.")
    name: str | None = strawberry.field(default=UNSET, description="The label.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="A broader term of the same vocabulary; null: top level."
    )
    weight: int | None = strawberry.field(default=UNSET, description="Position among siblings.")
    increments: list[IncrementBandInput] | None = strawberry.field(
        default=UNSET, description="BID_STEPS only: the increment table; null removes it."
    )


@strawberry.input(description="The term to delete.")
class DeleteTermInput:
    id: strawberry.ID = strawberry.field(description="The term (no lot, client or sale on it).")


@strawberry.type(description="The result of `createTerm` or `updateTerm`.")
class TermPayload:
    _term: strawberry.Private[models.Term | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every rule the input broke; nothing changed."
    )

    @strawberry.field(description="The term after the change.")
    def term(self) -> Term | None:
        return self._term


@strawberry.type(description="The result of `createTerm`.")
class CreateTermPayload(TermPayload):
    pass


@strawberry.type(description="The result of `updateTerm`.")
class UpdateTermPayload(TermPayload):
    pass


@strawberry.type(description="The result of `deleteTerm`.")
class DeleteTermPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The ID of the deleted term."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why the term was kept (IN_USE)."
    )


def _bands(bands: list[IncrementBandInput] | None) -> list[dict[str, str]] | None:
    if bands is None:
        return None
    return [{"from": str(band.start), "increment": str(band.increment)} for band in bands]


def _prime(info: Info, term: models.Term | None) -> None:
    if term is not None:
        info.context.loaders.term_by_id.clear(term.id).prime(term.id, term)


@strawberry.type
class TermMutations:
    @strawberry.mutation(
        description="Add a term to a vocabulary (names unique per vocabulary, any case). "
        "Staff only.",
        permission_classes=STAFF,
    )
    async def create_term(
        self,
        info: Info,
        input: Annotated[CreateTermInput, strawberry.argument(description="The new term.")],
    ) -> CreateTermPayload:
        context = info.context
        cmd = terms.CreateTerm(
            vocabulary=input.vocabulary,
            name=input.name,
            parent_id=decode_id(input.parent_id, "Term", "parentId") if input.parent_id else None,
            weight=input.weight,
            increments=_bands(input.increments),
        )
        term, errors_ = await attempt(terms.create_term(context.db, context.principal, cmd))
        _prime(info, term)
        return CreateTermPayload(_term=term, errors=errors_)

    @strawberry.mutation(
        description="Rename, re-parent or re-weigh a term. Staff only.", permission_classes=STAFF
    )
    async def update_term(
        self,
        info: Info,
        input: Annotated[UpdateTermInput, strawberry.argument(description="The changes.")],
    ) -> UpdateTermPayload:
        context = info.context
        changes = sent_fields(input, ids={"parent_id": "Term"}, skip=("id",))
        if "increments" in changes:
            changes["increments"] = _bands(changes["increments"])
        cmd = terms.UpdateTerm(term_id=decode_id(input.id, "Term", "id"), changes=changes)
        term, errors_ = await attempt(terms.update_term(context.db, context.principal, cmd))
        _prime(info, term)
        return UpdateTermPayload(_term=term, errors=errors_)

    @strawberry.mutation(
        description="Delete a term no lot, client or sale is filed under. Staff only.",
        permission_classes=STAFF,
    )
    async def delete_term(
        self,
        info: Info,
        input: Annotated[DeleteTermInput, strawberry.argument(description="The term.")],
    ) -> DeleteTermPayload:
        context = info.context
        cmd = terms.DeleteTerm(term_id=decode_id(input.id, "Term", "id"))
        term, errors_ = await attempt(terms.delete_term(context.db, context.principal, cmd))
        if term is None:
            return DeleteTermPayload(errors=errors_)
        context.loaders.term_by_id.clear(term.id)
        return DeleteTermPayload(deleted_id=strawberry.ID(input.id))
