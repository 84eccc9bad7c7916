"""The Consignment type."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from db import models
from domain.orders.pricing import consignment_tiers
from graph.activity.types import history_field
from graph.context import Info
from graph.filtering import list_query, page_args
from graph.item.inputs import ITEM_ID_TYPES, ItemFilter, ItemOrder
from graph.lists import nested
from graph.node import ModelNode
from graph.note.inputs import NoteFilter, NoteOrder
from graph.note.types import Note, entity_notes
from graph.permissions import STAFF_ONLY, staff_only
from graph.relay import After, Before, Connection, First, Last, Search
from graph.rows import (
    ChargeRow,
    FinderFee,
    ShippingMethod,
    charge_rows,
    finder_fee_rows,
    shipping_rows,
)
from graph.scalars import Rate
from graph.user.types import responsible_users_field

if TYPE_CHECKING:
    from graph.client.types import Client
    from graph.item.types import Item
    from graph.order.types import Order
    from graph.sale.types import Sale


@strawberry.type(
    description="One tier of a consignor's commission: from this hammer price upwards, "
    "either a rate or a fixed amount."
)
class CommissionStep:
    start: Decimal = strawberry.field(
        name="from", description="From this hammer price (inclusive) upwards…"
    )
    rate: Rate | None = strawberry.field(
        description='…the commission is this fraction of the hammer price ("0.15"), or…'
    )
    amount: Decimal | None = strawberry.field(description="…this fixed amount.")


def commission_steps(rows: Iterable[Mapping[str, Any]] | None) -> list[CommissionStep]:
    """The readable tiers of a consignment, lowest first (read as invoicing reads them)."""
    return [
        CommissionStep(
            start=tier.start,
            rate=Rate(tier.rate) if tier.rate is not None else None,
            amount=tier.amount,
        )
        for tier in consignment_tiers(rows)
    ]


@strawberry.type(
    description="Goods a consignor hands to the house for a sale, with the commission terms. "
    "Staff see every consignment; a bidder sees the ones they consigned."
)
class Consignment(ModelNode):
    __model__ = models.Consignment
    __loader__ = "consignment_by_id"

    id: relay.NodeID[int]
    number: str = strawberry.field(description="Business identifier (CON-2025-001).")
    title: str = strawberry.field(description="Title (Estate Jewelry Collection).")
    symbol: str | None = strawberry.field(description="Symbol marking the consignment's lots.")
    sub_symbol: str | None = strawberry.field(description="Sub-symbol marking its lots.")
    published: bool = strawberry.field(description="Publication flag.")
    promoted: bool = strawberry.field(description="Promoted to the front page.")
    is_house: bool = strawberry.field(description="The house's own inventory.")
    no_post_sale: bool = strawberry.field(
        description="The lots are left out of post-sale processing."
    )
    estimated: Decimal | None = strawberry.field(description="Estimated value.")
    insurance_value: Decimal | None = strawberry.field(description="Insured value.")
    insurance_type: str | None = strawberry.field(description="Insurance cover (full, …).")
    underbid: Rate | None = strawberry.field(
        description='Lots may sell at this fraction of the reserve or estimate ("0.8").'
    )
    commission_step_type: str | None = strawberry.field(
        description="How the commission is computed (percentage, fixed, tiered)."
    )
    tax_type: str | None = strawberry.field(description="Tax calculation type (standard, vat).")
    payment_instructions: str | None = strawberry.field(description="How the consignor is paid.")
    created_at: datetime = strawberry.field(description="Created.")
    updated_at: datetime = strawberry.field(description="Last changed.")

    @strawberry.field(description="The consignor's commission tiers, lowest first.")
    def commission_steps(
        self, parent: strawberry.Parent[models.Consignment]
    ) -> list[CommissionStep]:
        return commission_steps(parent.commission_steps)

    @strawberry.field(
        description="Charges deducted from the consignor's settlement, once per consignment "
        "(photography, insurance)."
    )
    def additional_charges(self, parent: strawberry.Parent[models.Consignment]) -> list[ChargeRow]:
        return charge_rows(parent.additional_charges)

    @strawberry.field(description="Shipments of the consignment's goods.")
    def shipping_methods(
        self, parent: strawberry.Parent[models.Consignment]
    ) -> list[ShippingMethod]:
        return shipping_rows(parent.shipping_methods)

    @strawberry.field(
        description="Finders' fees on the consignment or its lots. Staff only; empty for others.",
        extensions=staff_only(),
    )
    def finder_fees(self, parent: strawberry.Parent[models.Consignment]) -> list[FinderFee]:
        return finder_fee_rows(parent.finder_fees)

    @strawberry.field(description="The client who consigned the goods.")
    async def consignor(
        self, parent: strawberry.Parent[models.Consignment], info: Info
    ) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        return await info.context.loaders.client_by_id.load(parent.consignor_id)

    @strawberry.field(description="The sale the goods are offered in, if assigned.")
    async def sale(
        self, parent: strawberry.Parent[models.Consignment], info: Info
    ) -> Annotated[Sale, strawberry.lazy("graph.sale.types")] | None:
        if parent.sale_id is None:
            return None
        return await info.context.loaders.sale_by_id.load(parent.sale_id)

    @strawberry.field(
        description="Settlements of the consignor for the consignment's sale (consignor orders, "
        "not canceled; FINISHED and LOCKED ones are closed), oldest first. Staff see all; the "
        "consignor sees their own."
    )
    async def statements(
        self, parent: strawberry.Parent[models.Consignment], info: Info
    ) -> list[Annotated[Order, strawberry.lazy("graph.order.types")]]:
        if parent.sale_id is None:
            return []
        loader = info.context.loaders.settlements_by_sale_and_client
        return await loader.load((parent.sale_id, parent.consignor_id))

    @strawberry.field(description="The consignment's lots (that the caller can see).")
    async def items(
        self,
        parent: strawberry.Parent[models.Consignment],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: ItemFilter | None = None,
        order_by: list[ItemOrder] | None = None,
        search: Search = None,
    ) -> Connection[Annotated[Item, strawberry.lazy("graph.item.types")]]:
        query = list_query(filter, order_by, search, ITEM_ID_TYPES)
        args = page_args(first, after, last, before)
        loaders = info.context.loaders
        return await nested(
            parent.id,
            loaders.items_by_consignment_id(query, args),
            lambda: loaders.item_count_by_consignment_id(query),
        )

    @strawberry.field(
        description="Staff notes on the consignment, newest first by default." + STAFF_ONLY,
        extensions=staff_only(),
    )
    async def notes(
        self,
        parent: strawberry.Parent[models.Consignment],
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: NoteFilter | None = None,
        order_by: list[NoteOrder] | None = None,
        search: Search = None,
    ) -> Connection[Note] | None:
        return await entity_notes(
            info,
            models.EntityType.CONSIGNMENT,
            parent.id,
            first=first,
            after=after,
            last=last,
            before=before,
            filter=filter,
            order_by=order_by,
            search=search,
        )

    activities = history_field(models.EntityType.CONSIGNMENT, "consignment")
    responsible_users = responsible_users_field(models.EntityType.CONSIGNMENT, "consignment")
