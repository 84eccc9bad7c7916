"""The Bid type."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from db import models
from graph.context import Info
from graph.dataloaders import Prefetch
from graph.enums import BidSource, BidStatus
from graph.node import ModelNode
from graph.permissions import staff_or_owner

if TYPE_CHECKING:
    from graph.client.types import Client
    from graph.item.types import Item


@strawberry.type(description="An accepted price change on a lot.")
class Bid(ModelNode):
    __model__ = models.Bid
    __loader__ = "bid_by_id"
    __prefetch__ = {
        "item": Prefetch("item_by_id", attrgetter("item_id")),
        "bidder": Prefetch("client_by_id", attrgetter("client_id")),
        "paddle": Prefetch("paddle_by_client_id", attrgetter("client_id")),
    }

    id: relay.NodeID[int]
    amount: Decimal = strawberry.field(description="The price this bid set.")
    is_proxy: bool = strawberry.field(
        description="Placed by the engine on behalf of a maximum (proxy) bid."
    )
    sequence: int = strawberry.field(description="Position in the lot's bid order: 1, 2, 3, …")
    status: BidStatus = strawberry.field(description="ACCEPTED or RETRACTED.")
    source: BidSource = strawberry.field(description="ONLINE, ABSENTEE, FLOOR or PHONE.")
    placed_at: datetime = strawberry.field(description="When the bid was accepted.")
    max_amount: Decimal | None = strawberry.field(
        description="The bidder's maximum. Staff and the bidder only; null for others.",
        extensions=staff_or_owner(),
    )

    @strawberry.field(description="The lot bid on.")
    def item(
        self, parent: strawberry.Parent[models.Bid], info: Info
    ) -> Annotated[Item, strawberry.lazy("graph.item.types")] | None:
        return info.context.loaders.item_by_id.get(parent.item_id)

    @strawberry.field(
        description="Who bid. Staff and the bidder themself only; null for others (see `paddle`)."
    )
    def bidder(
        self, parent: strawberry.Parent[models.Bid], info: Info
    ) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        return info.context.loaders.client_by_id.get(parent.client_id)

    @strawberry.field(description="The bidder's paddle number; public.")
    def paddle(self, parent: strawberry.Parent[models.Bid], info: Info) -> str | None:
        return info.context.loaders.paddle_by_client_id.get(parent.client_id)
