"""The schema: root types composed from each entity's mixins, plus extensions.

``schema`` is the symbol `gavel export-schema` prints.
"""

from __future__ import annotations

from inspect import CO_ITERABLE_COROUTINE
from types import CoroutineType, GeneratorType
from typing import Any

import strawberry
from strawberry import relay
from strawberry.extensions import AddValidationRules, MaskErrors, ParserCache, ValidationCache
from strawberry.extensions.query_depth_limiter import create_validator
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.activity.queries import ActivityQueries
from graph.address.mutations import AddressMutations
from graph.address.queries import AddressQueries
from graph.bid.mutations import BidMutations
from graph.category.queries import CategoryQueries
from graph.client.mutations import ClientMutations
from graph.client.queries import ClientQueries
from graph.consignment.mutations import ConsignmentMutations
from graph.consignment.queries import ConsignmentQueries
from graph.errors import should_mask_error
from graph.extensions import RefuseNulCharacters
from graph.file.mutations import FileMutations
from graph.file.queries import FileQueries
from graph.item.editing import ItemEditingMutations
from graph.item.history import ItemHistoryMutations
from graph.item.mutations import ItemMutations
from graph.item.queries import ItemQueries
from graph.job.events import StaffEventSubscriptions
from graph.job.mutations import JobMutations
from graph.job.queries import JobQueries
from graph.note.mutations import NoteMutations
from graph.note.queries import NoteQueries
from graph.order.mutations import OrderMutations
from graph.order.queries import OrderQueries
from graph.sale.mutations import SaleEditingMutations, SaleMutations
from graph.sale.queries import SaleQueries
from graph.scalars import SCALARS
from graph.subscriptions import Subscription
from graph.term.mutations import TermMutations
from graph.term.queries import TermQueries
from graph.transaction.mutations import TransactionMutations
from graph.transaction.queries import TransactionQueries
from graph.user.mutations import UserMutations
from graph.user.queries import UserQueries

MAX_QUERY_DEPTH = 12
DEPTH_LIMIT = create_validator(MAX_QUERY_DEPTH, should_ignore=None)
"""The depth rule, one class for the process: ``QueryDepthLimiter`` makes a new rule class per
operation, and the validation cache is keyed by the rules, so it never hit."""

_AWAITABLE_TYPES: dict[type, bool] = {}


def is_awaitable(value: Any) -> bool:
    """graphql-core's awaitable check, decided once per type instead of once per value.

    The stock check calls ``hasattr(value, "__await__")`` on every resolved value; on a
    SQLModel row that raises and catches an AttributeError inside pydantic's ``__getattr__``
    (thousands per catalogue page). ``await`` looks ``__await__`` up on the type, so the
    answer for a type holds for all its instances (generators excepted, checked per value).
    """
    cls = type(value)
    known = _AWAITABLE_TYPES.get(cls)
    if known is None:
        if cls is GeneratorType:
            return bool(value.gi_code.co_flags & CO_ITERABLE_COROUTINE)
        known = _AWAITABLE_TYPES[cls] = cls is CoroutineType or hasattr(cls, "__await__")
    return known


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with the per-type awaitable check."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = is_awaitable  # type: ignore[assignment]


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
    TermQueries,
    ActivityQueries,
    JobQueries,
):
    node: relay.Node | None = relay.node(
        description="Any entity by its global ID; null when it does not exist or is not visible."
    )
    nodes: list[relay.Node | None] = relay.node(
        description="Several entities by global ID, in the same order; null for the missing."
    )


@strawberry.type(description="Everything that changes data.")
class Mutation(
    UserMutations,
    BidMutations,
    ItemMutations,
    SaleMutations,
    SaleEditingMutations,
    ItemEditingMutations,
    ItemHistoryMutations,
    ConsignmentMutations,
    FileMutations,
    ClientMutations,
    AddressMutations,
    NoteMutations,
    OrderMutations,
    TransactionMutations,
    JobMutations,
    TermMutations,
):
    pass


@strawberry.type(name="Subscription", description="Live events over WebSocket.")
class RootSubscription(Subscription, StaffEventSubscriptions):
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
        subscription=RootSubscription,
        execution_context_class=ExecutionContext,
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=[
            lambda: AddValidationRules([DEPTH_LIMIT]),
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
            RefuseNulCharacters,
            lambda: MaskErrors(should_mask_error=should_mask_error),
        ],
    )


schema = build_schema()
