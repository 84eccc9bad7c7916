"""The Term type and the term fields entity types share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from db import models
from db.queries.term import TermRow
from domain import terms
from graph.context import Info
from graph.node import ModelNode

if TYPE_CHECKING:
    from graph.category.types import Category
    from graph.sale.types import IncrementBand

strawberry.enum(
    terms.Vocabulary,
    description="A vocabulary of terms (the `categories` vocabulary has its own `Category` type).",
)
Vocabulary = terms.Vocabulary


@strawberry.type(description="A term of a vocabulary (a tag, a country, a department…); public.")
class Term(ModelNode):
    __model__ = models.Term
    __loader__ = "term_by_id"

    id: relay.NodeID[int]
    name: str = strawberry.field(description="The label (unique in its vocabulary, any case).")
    vocabulary: Vocabulary = strawberry.field(description="The vocabulary it belongs to.")
    weight: int = strawberry.field(description="Position among its siblings; lighter first.")

    @strawberry.field(
        description="A BID_STEPS term's increment table (a sale filed under it gets a copy); "
        "null for other terms."
    )
    def increments(
        self, parent: strawberry.Parent[models.Term]
    ) -> list[Annotated[IncrementBand, strawberry.lazy("graph.sale.types")]] | None:
        from graph.sale.types import IncrementBand

        if parent.increments is None:
            return None
        return [
            IncrementBand(start=Decimal(str(b["from"])), increment=Decimal(str(b["increment"])))
            for b in parent.increments
        ]

    @strawberry.field(description="The broader term, or null at the top level.")
    async def parent(self, parent: strawberry.Parent[models.Term], info: Info) -> Term | None:
        if parent.parent_id is None:
            return None
        return await info.context.loaders.term_by_id.load(parent.parent_id)


CategoryType = Annotated["Category", strawberry.lazy("graph.category.types")]
Lookup = Callable[[Info, Any], Awaitable[dict[str, list[TermRow]]]]


def term_list(lookup: Lookup, name: str, description: str) -> Any:
    """A ``[Term!]!`` field reading ``name`` from the owner's batched term fields."""

    async def resolve(root: strawberry.Parent[Any], info: Info) -> list[Term]:
        return (await lookup(info, root)).get(name, [])

    return strawberry.field(resolver=resolve, description=description)


def term_one(lookup: Lookup, name: str, description: str) -> Any:
    """A nullable ``Term`` field reading ``name`` from the owner's batched term fields."""

    async def resolve(root: strawberry.Parent[Any], info: Info) -> Term | None:
        found = (await lookup(info, root)).get(name, [])
        return found[0] if found else None

    return strawberry.field(resolver=resolve, description=description)


def category_list(lookup: Lookup, description: str) -> Any:
    """The owner's ``categories`` as ``[Category!]!``, in order."""

    async def resolve(root: strawberry.Parent[Any], info: Info) -> list[CategoryType]:
        return (await lookup(info, root)).get("categories", [])

    return strawberry.field(resolver=resolve, description=description)
