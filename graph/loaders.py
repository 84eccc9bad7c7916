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
from db.queries import activity as activity_queries
from db.queries import address as address_queries
from db.queries import bid as bid_queries
from db.queries import category as category_queries
from db.queries import client as client_queries
from db.queries import consignment as consignment_queries
from db.queries import file as file_queries
from db.queries import item as item_queries
from db.queries import note as note_queries
from db.queries import order as order_queries
from db.queries import responsible as responsible_queries
from db.queries import sale as sale_queries
from db.queries import term as term_queries
from db.queries import transaction as transaction_queries
from db.queries import user as user_queries
from db.queries.batch import counts_by_parent, pages_by_parent
from db.queries.listing import ListQuery, ListSpec, Page, PageArgs
from db.queries.visibility import (
    readable_bids,
    readable_consignments,
    readable_items,
    readable_orders,
    readable_transactions,
)
from db.session import OperationDB
from domain.principal import Principal
from graph.dataloaders import BatchLoader, Prefetch

PageLoader = BatchLoader[int, Page]
TermFields = dict[str, list[term_queries.TermRow]]
CountLoader = BatchLoader[int, int]


class Loaders:
    """Every loader of one operation, created on first use."""

    def __init__(self, db: OperationDB, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self._keyed: dict[tuple[Any, ...], BatchLoader[Any, Any]] = {}
        self._scopes: dict[Callable[[Principal], Select[Any]], Select[Any]] = {}
        self.prefetch_plans: dict[Any, tuple[Prefetch, ...]] = {}
        """What each connection field prefetches for its rows (``graph.relay``), per operation."""

    # -- helpers ---------------------------------------------------------------------------

    def _scope(self, readable: Callable[[Principal], Select[Any]]) -> Select[Any]:
        """``readable(principal)``, built once per operation (list fields ask once per parent)."""
        statement = self._scopes.get(readable)
        if statement is None:
            statement = self._scopes[readable] = readable(self.principal)
        return statement

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
                spec.check_filters(query, is_staff=self.principal.is_staff)
                return await pages_by_parent(
                    self.db, statement, parent_column, parent_ids, spec, query, args
                )

            self._keyed[key] = BatchLoader(fetch)
        return self._keyed[key]

    def _count_by_parent(
        self,
        name: str,
        statement: Select[Any],
        parent_column: Any,
        spec: ListSpec,
        query: ListQuery,
    ) -> CountLoader:
        key = (name + ":count", query)
        if key not in self._keyed:

            async def fetch(parent_ids: Sequence[int]) -> list[int]:
                spec.check_filters(query, is_staff=self.principal.is_staff)
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
    def user_by_id(self) -> BatchLoader[int, models.User | None]:
        return self._by_id(user_queries.users_by_ids)

    @cached_property
    def order_by_id(self) -> BatchLoader[int, models.Order | None]:
        return self._by_id(order_queries.orders_by_ids)

    @cached_property
    def order_line_by_id(self) -> BatchLoader[int, models.OrderLine | None]:
        return self._by_id(order_queries.order_lines_by_ids)

    @cached_property
    def transaction_by_id(self) -> BatchLoader[int, models.Transaction | None]:
        return self._by_id(transaction_queries.transactions_by_ids)

    @cached_property
    def order_lines_by_order_id(self) -> BatchLoader[int, list[models.OrderLine]]:
        """Every line of each order, by position (orders are short; no pagination)."""
        return self._by_id(order_queries.order_lines_by_order_ids)

    @cached_property
    def paddle_by_client_id(self) -> BatchLoader[int, str | None]:
        """Paddle (bidder) numbers are public even where the client is not."""
        return BatchLoader(partial(client_queries.paddles_by_client_ids, self.db))

    # -- aggregates ------------------------------------------------------------------------

    @cached_property
    def item_stats_by_sale_id(self) -> BatchLoader[int, tuple[int, Decimal, Decimal]]:
        return self._by_id(sale_queries.item_stats_by_sale_ids)

    @cached_property
    def image_stats_by_sale_id(self) -> BatchLoader[int, tuple[int, int]]:
        """(readable lots with images, without) per sale."""
        return self._by_id(sale_queries.image_stats_by_sale_ids)

    @cached_property
    def settlements_by_sale_and_client(
        self,
    ) -> BatchLoader[tuple[int, int], list[models.Order]]:
        """Readable, not canceled consignor orders per ``(sale_id, client_id)``."""

        async def fetch(keys: Sequence[tuple[int, int]]) -> list[list[models.Order]]:
            found = await order_queries.settlements_by_sale_and_client(
                self.db, self.principal, keys
            )
            return [found.get(key, []) for key in keys]

        return BatchLoader(fetch)

    def responsible_users_by_owner_id(
        self, entity_type: models.EntityType
    ) -> BatchLoader[int, list[models.User]]:
        """The responsible staff users of clients, consignments or lots (staff data: the
        fields calling it are staff-only)."""
        key = ("responsible_users", entity_type)
        if key not in self._keyed:
            self._keyed[key] = BatchLoader(
                partial(responsible_queries.responsible_users_by_owner_ids, self.db, entity_type)
            )
        return self._keyed[key]

    @cached_property
    def my_max_bid_by_item_id(self) -> BatchLoader[int, Decimal | None]:
        """The signed-in bidder's own maximum on each item (null without a client or a bid)."""
        client_id = self.principal.client_id

        async def fetch(item_ids: Sequence[int]) -> list[Decimal | None]:
            if client_id is None:
                return [None] * len(item_ids)
            return await bid_queries.max_bids_by_item_ids(self.db, client_id, item_ids)

        return BatchLoader(fetch)

    @cached_property
    def balance_by_client_id(self) -> BatchLoader[int, Decimal]:
        """What each client owes the house (positive) or is owed (negative)."""
        return self._by_id(order_queries.balances_by_client_ids)

    # -- lists by parent -------------------------------------------------------------------

    def items_by_sale_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "items_by_sale_id",
            self._scope(readable_items),
            models.Item.sale_id,
            item_queries.ITEM_LIST,
            query,
            args,
        )

    def item_count_by_sale_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "items_by_sale_id",
            self._scope(readable_items),
            models.Item.sale_id,
            item_queries.ITEM_LIST,
            query,
        )

    def bids_by_item_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "bids_by_item_id",
            self._scope(readable_bids),
            models.Bid.item_id,
            bid_queries.BID_LIST,
            query,
            args,
        )

    def bid_count_by_item_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "bids_by_item_id",
            self._scope(readable_bids),
            models.Bid.item_id,
            bid_queries.BID_LIST,
            query,
        )

    def bids_by_client_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "bids_by_client_id",
            self._scope(readable_bids),
            models.Bid.client_id,
            bid_queries.BID_LIST,
            query,
            args,
        )

    def bid_count_by_client_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "bids_by_client_id",
            self._scope(readable_bids),
            models.Bid.client_id,
            bid_queries.BID_LIST,
            query,
        )

    def orders_by_client_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "orders_by_client_id",
            self._scope(readable_orders),
            models.Order.client_id,
            order_queries.ORDER_LIST,
            query,
            args,
        )

    def order_count_by_client_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "orders_by_client_id",
            self._scope(readable_orders),
            models.Order.client_id,
            order_queries.ORDER_LIST,
            query,
        )

    def orders_by_sale_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "orders_by_sale_id",
            self._scope(readable_orders),
            models.Order.sale_id,
            order_queries.ORDER_LIST,
            query,
            args,
        )

    def order_count_by_sale_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "orders_by_sale_id",
            self._scope(readable_orders),
            models.Order.sale_id,
            order_queries.ORDER_LIST,
            query,
        )

    def transactions_by_order_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "transactions_by_order_id",
            self._scope(readable_transactions),
            models.Transaction.order_id,
            transaction_queries.TRANSACTION_LIST,
            query,
            args,
        )

    def transaction_count_by_order_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "transactions_by_order_id",
            self._scope(readable_transactions),
            models.Transaction.order_id,
            transaction_queries.TRANSACTION_LIST,
            query,
        )

    def transactions_by_client_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "transactions_by_client_id",
            self._scope(readable_transactions),
            models.Transaction.client_id,
            transaction_queries.TRANSACTION_LIST,
            query,
            args,
        )

    def transaction_count_by_client_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "transactions_by_client_id",
            self._scope(readable_transactions),
            models.Transaction.client_id,
            transaction_queries.TRANSACTION_LIST,
            query,
        )

    # -- consignments, addresses, notes, files, categories, activities ---------------------

    @cached_property
    def consignment_by_id(self) -> BatchLoader[int, models.Consignment | None]:
        return self._by_id(consignment_queries.consignments_by_ids)

    @cached_property
    def address_by_id(self) -> BatchLoader[int, models.Address | None]:
        return self._by_id(address_queries.addresses_by_ids)

    @cached_property
    def note_by_id(self) -> BatchLoader[int, models.Note | None]:
        return self._by_id(note_queries.notes_by_ids)

    @cached_property
    def file_by_id(self) -> BatchLoader[int, models.File | None]:
        return self._by_id(file_queries.files_by_ids)

    @cached_property
    def category_by_id(self) -> BatchLoader[int, models.Category | None]:
        return self._by_id(category_queries.categories_by_ids)

    @cached_property
    def term_by_id(self) -> BatchLoader[int, models.Term | None]:
        return self._by_id(term_queries.terms_by_ids)

    def _terms_by_owner(self, links: term_queries.Links) -> BatchLoader[int, TermFields]:
        async def fetch(owner_ids: Sequence[int]) -> list[TermFields]:
            return await term_queries.terms_by_owner_ids(self.db, links, owner_ids)

        return BatchLoader(fetch)

    @cached_property
    def terms_by_item_id(self) -> BatchLoader[int, TermFields]:
        """Every term field of each lot (field → terms in order), one statement per page."""
        return self._terms_by_owner(term_queries.ITEM_LINKS)

    @cached_property
    def terms_by_client_id(self) -> BatchLoader[int, TermFields]:
        """Every term field of each client."""
        return self._terms_by_owner(term_queries.CLIENT_LINKS)

    @cached_property
    def terms_by_sale_id(self) -> BatchLoader[int, TermFields]:
        """Every term field of each sale."""
        return self._terms_by_owner(term_queries.SALE_LINKS)

    @cached_property
    def activity_by_id(self) -> BatchLoader[int, models.Activity | None]:
        return self._by_id(activity_queries.activities_by_ids)

    @cached_property
    def addresses_by_client_id(self) -> BatchLoader[int, list[models.Address]]:
        """Every address of each client, the default first (clients have few; no pages)."""
        return self._by_id(address_queries.addresses_by_client_ids)

    @cached_property
    def connected_clients_by_client_id(self) -> BatchLoader[int, list[models.Client]]:
        """The clients connected to each client (client connections), by id."""
        return self._by_id(client_queries.connected_clients_by_client_ids)

    @cached_property
    def images_by_item_id(self) -> BatchLoader[int, list[models.File]]:
        """Each item's image files in display order."""
        return self._by_id(file_queries.images_by_item_ids)

    @cached_property
    def current_orders_by_item_id(
        self,
    ) -> BatchLoader[int, tuple[models.Order | None, models.Order | None]]:
        """Each lot's newest invoice and settlement, canceled ones left out (staff fields)."""
        return BatchLoader(partial(order_queries.current_orders_by_item_ids, self.db))

    @cached_property
    def history_by_item_id(self) -> BatchLoader[int, list[models.ItemHistory]]:
        """Each item's history records, newest first (staff-only fields read them)."""
        return BatchLoader(partial(item_queries.history_by_item_ids, self.db))

    def consignments_by_consignor_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "consignments_by_consignor_id",
            self._scope(readable_consignments),
            models.Consignment.consignor_id,
            consignment_queries.CONSIGNMENT_LIST,
            query,
            args,
        )

    def consignment_count_by_consignor_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "consignments_by_consignor_id",
            self._scope(readable_consignments),
            models.Consignment.consignor_id,
            consignment_queries.CONSIGNMENT_LIST,
            query,
        )

    def consignments_by_sale_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "consignments_by_sale_id",
            self._scope(readable_consignments),
            models.Consignment.sale_id,
            consignment_queries.CONSIGNMENT_LIST,
            query,
            args,
        )

    def consignment_count_by_sale_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "consignments_by_sale_id",
            self._scope(readable_consignments),
            models.Consignment.sale_id,
            consignment_queries.CONSIGNMENT_LIST,
            query,
        )

    def items_by_consignment_id(self, query: ListQuery, args: PageArgs) -> PageLoader:
        return self._page_by_parent(
            "items_by_consignment_id",
            self._scope(readable_items),
            models.Item.consignment_id,
            item_queries.ITEM_LIST,
            query,
            args,
        )

    def item_count_by_consignment_id(self, query: ListQuery) -> CountLoader:
        return self._count_by_parent(
            "items_by_consignment_id",
            self._scope(readable_items),
            models.Item.consignment_id,
            item_queries.ITEM_LIST,
            query,
        )

    def notes_by_entity_id(
        self, entity_type: models.EntityType, query: ListQuery, args: PageArgs
    ) -> PageLoader:
        """Notes on entities of one type, paged per entity id."""
        return self._page_by_parent(
            f"notes_by_{entity_type.value}_id",
            note_queries.readable_notes_on(self.principal, entity_type),
            models.Note.entity_id,
            note_queries.NOTE_LIST,
            query,
            args,
        )

    def note_count_by_entity_id(
        self, entity_type: models.EntityType, query: ListQuery
    ) -> CountLoader:
        return self._count_by_parent(
            f"notes_by_{entity_type.value}_id",
            note_queries.readable_notes_on(self.principal, entity_type),
            models.Note.entity_id,
            note_queries.NOTE_LIST,
            query,
        )

    def activities_by_entity_id(
        self, entity_type: models.EntityType, query: ListQuery, args: PageArgs
    ) -> PageLoader:
        """Audit-log rows of entities of one type, paged per entity id."""
        return self._page_by_parent(
            f"activities_by_{entity_type.value}_id",
            activity_queries.readable_activities_on(self.principal, entity_type),
            models.Activity.entity_id,
            activity_queries.ACTIVITY_LIST,
            query,
            args,
        )

    def activity_count_by_entity_id(
        self, entity_type: models.EntityType, query: ListQuery
    ) -> CountLoader:
        return self._count_by_parent(
            f"activities_by_{entity_type.value}_id",
            activity_queries.readable_activities_on(self.principal, entity_type),
            models.Activity.entity_id,
            activity_queries.ACTIVITY_LIST,
            query,
        )
