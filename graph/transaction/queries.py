"""Root fields for transactions."""

from __future__ import annotations

import strawberry

from db.queries.transaction import TRANSACTION_LIST
from db.queries.visibility import readable_transactions
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.lists import top_level
from graph.permissions import IsAuthenticated
from graph.relay import After, Before, Connection, First, Last, Search
from graph.transaction.inputs import TRANSACTION_ID_TYPES, TransactionFilter, TransactionOrder
from graph.transaction.types import Transaction


@strawberry.type
class TransactionQueries:
    @strawberry.field(
        description="Transactions, newest first by default. Staff see all; a bidder sees only "
        "their own. `search` matches cheque number, bank, branch and info.",
        permission_classes=[IsAuthenticated],
    )
    async def transactions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: TransactionFilter | None = None,
        order_by: list[TransactionOrder] | None = None,
        search: Search = None,
    ) -> Connection[Transaction]:
        return await top_level(
            info,
            readable_transactions(info.context.principal),
            TRANSACTION_LIST,
            list_query(filter, order_by, search, TRANSACTION_ID_TYPES),
            page_args(first, after, last, before),
        )
