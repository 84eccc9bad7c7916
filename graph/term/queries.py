"""Root fields for taxonomy terms."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
import strawberry
from sqlmodel import col

from db import models
from db.queries.term import TERM_LIST
from db.queries.visibility import readable_terms
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.lists import top_level
from graph.permissions import STAFF
from graph.relay import After, Before, Connection, First, Last, Search
from graph.term.inputs import TERM_ID_TYPES, TermFilter, TermOrder
from graph.term.types import Term, Vocabulary


@strawberry.type
class TermQueries:
    @strawberry.field(
        description="The terms of one vocabulary, lightest weight then name. Staff only.",
        permission_classes=STAFF,
    )
    async def terms(
        self,
        info: Info,
        vocabulary: Annotated[
            Vocabulary, strawberry.argument(description="The vocabulary to list.")
        ],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: TermFilter | None = None,
        order_by: list[TermOrder] | None = None,
        search: Search = None,
    ) -> Connection[Term]:
        statement = readable_terms(info.context.principal).where(
            col(models.Term.vocabulary) == sa.literal(vocabulary.value)
        )
        return await top_level(
            info,
            statement,
            TERM_LIST,
            list_query(filter, order_by, search, TERM_ID_TYPES),
            page_args(first, after, last, before),
        )
