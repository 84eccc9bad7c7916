"""Loaders: the typed registry of every per-operation dataloader.

One ``Loaders`` is built per operation (and per subscription event), never shared. By-id loaders
are ``cached_property``s; list loaders are keyed by their arguments (filters, order, page), so
``sale { items(first: 5) }`` and ``sale { items(first: 50) }`` in one query use two loaders,
each one statement for all parents.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from functools import cached_property, partial
from typing import Any

from sqlalchemy.sql import Select

from db import models
from db.queries import bid as bid_queries
from db.queries import client as client_queries
from db.queries import item as item_queries
from db.queries import sale as sale_queries
from db.queries.batch import counts_by_parent, pages_by_parent
from db.queries.listing import ListQuery, ListSpec, Page, PageArgs
from db.queries.visibility import readable_bids, readable_items
from db.session import OperationDB
from domain.principal import Principal
from graph.dataloaders import BatchLoader

PageLoader = BatchLoader[int, Page]
CountLoader = BatchLoader[int, int]


class Loaders:
    """Every loader of one operation, created on first use."""

    def __init__(self, db: OperationDB, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self._keyed: dict[tuple[Any, ...], BatchLoader[Any, Any]] = {}

    # -- helpers ---------------------------------------------------------------------------

    def _by_id(
        self, fetch: Callable[[OperationDB, Principal, Sequence[int]], Awaitable[list[Any]]]
    ) -> BatchLoader[int, Any]:
        return BatchLoader(partial(fetch, self.db, self.principal))

    def _page_by_parent(
        self,
        name: str,
        statement: Select[Any],
        parent_column: Any,
        spec: ListSpec,
        query: ListQuery,
        args: PageArgs,
    ) -> PageLoader:
        key = (name, query, args)
        if key not in self._keyed:

            async def fetch(parent_ids: Sequence[int]) -> list[Page]:
                return await pages_by_parent(
                    self.db, statement, parent_column, parent_ids, spec, query, args
                )

            self._keyed[key] = BatchLoader(fetch)
        return self._keyed[key]

    def _count_by_parent(
        self, name: str, statement: Select[Any], parent_column: Any, spec: ListSpec,
        query: ListQuery,
    ) -> CountLoader:
        key = (name + ":count", query)
        if key not in self._keyed:

            async def fetch(parent_ids: Sequence[int]) -> list[int]:
                return await counts_by_parent(
                    self.db, statement, parent_column, parent_ids, spec, query
                )

            self._keyed[key] = BatchLoader(fetch)
        return self._keyed[key]

    # -- by id -----------------------------------------------------------------------------

    @cached_property
    def sale_by_id(self) -> BatchLoader[int, models.Sale | None]:
        return self._by_id(sale_queries.sales_by_ids)

    @cached_property
    def item_by_id(self) -> BatchLoader[int, models.Item | None]:
        return self._by_id(item_queries.items_by_ids)

    @cached_property
    def bid_by_id(self) -> BatchLoader[int, models.Bid | None]:
        return self._by_id(bid_queries.bids_by_ids)

    @cached_property
    def client_by_id(self) -> BatchLoader[int, models.Client | None]:
        return self._by_id(client_queries.clients_by_ids)

    @cached_property
    def paddle_by_client_id(self) -> BatchLoader[int, str | None]:
        """Paddle (bidder) numbers are public even where the client is not."""
        return BatchLoader(partial(client_queries.paddles_by_client_ids, self.db))

    # -- aggregates ------------------------------------------------------------------------

    @cached_property
    def item_stats_by_sale_id(self) -> BatchLoader[int, tuple[int, Decimal, Decimal]]:
        return self._by_id(sale_queries.item_stats_by_sale_ids)

    # -- lists by parent -------------------------------------------------------------------

    def items_by_sale_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "items_by_sale_id", readable_items(self.principal), models.Item.sale_id,
            item_queries.ITEM_LIST, query, args,
        )

    def item_count_by_sale_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "items_by_sale_id", readable_items(self.principal), models.Item.sale_id,
            item_queries.ITEM_LIST, query,
        )

    def bids_by_item_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "bids_by_item_id", readable_bids(self.principal), models.Bid.item_id,
            bid_queries.BID_LIST, query, args,
        )

    def bid_count_by_item_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "bids_by_item_id", readable_bids(self.principal), models.Bid.item_id,
            bid_queries.BID_LIST, query,
        )

    def bids_by_client_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "bids_by_client_id", readable_bids(self.principal), models.Bid.client_id,
            bid_queries.BID_LIST, query, args,
        )

    def bid_count_by_client_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "bids_by_client_id", readable_bids(self.principal), models.Bid.client_id,
            bid_queries.BID_LIST, query,
        )
