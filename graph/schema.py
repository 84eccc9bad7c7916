"""The schema: root types composed from each entity's mixins, plus extensions.

``schema`` is the symbol `gavel export-schema` prints.
"""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay
from strawberry.extensions import MaskErrors, ParserCache, QueryDepthLimiter, ValidationCache
from strawberry.schema.config import StrawberryConfig

from graph.client.queries import ClientQueries
from graph.errors import should_mask_error
from graph.item.queries import ItemQueries
from graph.sale.queries import SaleQueries
from graph.scalars import MoneyDecimal

MAX_QUERY_DEPTH = 12


@strawberry.type(description="Everything that can be read.")
class Query(SaleQueries, ItemQueries, ClientQueries):
    node: relay.Node | None = relay.node(
        description="Any entity by its global ID; null when it does not exist or is not visible."
    )
    nodes: list[relay.Node | None] = relay.node(
        description="Several entities by global ID, in the same order; null for the missing."
    )


def build_schema() -> strawberry.Schema:
    """The schema with Gavel's extensions (depth limit, caches, error masking).

    Build it once per process: Strawberry's relay fields bind to the first schema built.
    Extensions are factories, so each operation gets fresh instances; the parser and
    validation caches are module-level LRU caches shared across operations.
    """
    return strawberry.Schema(
        query=Query,
        config=StrawberryConfig(scalar_map={Decimal: MoneyDecimal}),
        extensions=[
            lambda: QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH),
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
            lambda: MaskErrors(should_mask_error=should_mask_error),
        ],
    )


schema = build_schema()
