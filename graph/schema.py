"""The schema: root types composed from each entity's mixins, plus extensions.

``schema`` is the symbol `gavel export-schema` prints.
"""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.extensions import MaskErrors, ParserCache, QueryDepthLimiter, ValidationCache
from strawberry.schema.config import StrawberryConfig

from graph.activity.queries import ActivityQueries
from graph.address.queries import AddressQueries
from graph.bid.mutations import BidMutations
from graph.category.queries import CategoryQueries
from graph.client.queries import ClientQueries
from graph.consignment.queries import ConsignmentQueries
from graph.errors import should_mask_error
from graph.file.queries import FileQueries
from graph.item.queries import ItemQueries
from graph.note.queries import NoteQueries
from graph.order.queries import OrderQueries
from graph.sale.queries import SaleQueries
from graph.scalars import SCALARS
from graph.subscriptions import Subscription
from graph.transaction.queries import TransactionQueries
from graph.user.mutations import UserMutations
from graph.user.queries import UserQueries

MAX_QUERY_DEPTH = 12


@strawberry.type(description="Everything that can be read.")
class Query(
    UserQueries,
    SaleQueries,
    ItemQueries,
    ClientQueries,
    OrderQueries,
    TransactionQueries,
    ConsignmentQueries,
    AddressQueries,
    NoteQueries,
    FileQueries,
    CategoryQueries,
    ActivityQueries,
):
    node: relay.Node | None = relay.node(
        description="Any entity by its global ID; null when it does not exist or is not visible."
    )
    nodes: list[relay.Node | None] = relay.node(
        description="Several entities by global ID, in the same order; null for the missing."
    )


@strawberry.type(description="Everything that changes data.")
class Mutation(UserMutations, BidMutations):
    pass


def build_schema() -> strawberry.Schema:
    """The schema with Gavel's extensions (depth limit, caches, error masking).

    Build it once per process: Strawberry's relay fields bind to the first schema built.
    Extensions are factories, so each operation gets fresh instances; the parser and
    validation caches are module-level LRU caches shared across operations.
    """
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=[
            lambda: QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH),
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
            lambda: MaskErrors(should_mask_error=should_mask_error),
        ],
    )


schema = build_schema()
