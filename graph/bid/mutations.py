"""``placeBid``: the one serialized way a bid enters the auction."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from domain import errors
from domain.bidding import rules
from domain.bidding.service import (
    BuyNow,
    PlaceBid,
    RetractBid,
    buy_now,
    place_bid,
    retract_bid,
)
from graph.context import Info
from graph.errors import from_domain
from graph.filtering import decode_id
from graph.payloads import UserError, user_errors
from graph.permissions import STAFF, IsAuthenticated

if TYPE_CHECKING:
    from graph.bid.types import Bid
    from graph.item.types import Item
    from graph.loaders import Loaders

strawberry.enum(
    rules.Outcome,
    name="BidOutcome",
    description=(
        "What an accepted bid means for its bidder: WINNING, OUTBID (accepted, but an earlier "
        "maximum beat it at once) or WINNING_RESERVE_NOT_MET."
    ),
)


@strawberry.input(description="A bid on one lot.")
class PlaceBidInput:
    item_id: strawberry.ID = strawberry.field(description="The lot to bid on.")
    amount: Decimal = strawberry.field(
        description="The bid; at least the lot's `nextMinimumBid`, at most two decimals."
    )
    max_amount: Decimal | None = strawberry.field(
        default=None,
        description="Optional maximum: the engine then bids for you, as little as needed, up "
        "to this amount (proxy bidding).",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string per intended bid: retrying with the same key returns "
        "the first result and places nothing new.",
    )
    on_behalf_of: strawberry.ID | None = strawberry.field(
        default=None,
        description="Staff only: the client a floor or phone bid is entered for.",
    )


@strawberry.type(description="The result of `placeBid`.")
class PlaceBidPayload:
    _bid: strawberry.Private[models.Bid | None] = None
    _item: strawberry.Private[models.Item | None] = None
    outcome: rules.Outcome | None = strawberry.field(
        default=None,
        description="Where the bidder stands right after the bid; null when nothing was placed "
        "or for an absentee bid (the lot's price moves when the clerk opens it).",
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Auction rules the bid broke (ITEM_NOT_OPEN, ITEM_CLOSED, BELOW_MINIMUM, "
        "INVALID_AMOUNT, CLIENT_NOT_APPROVED, OWN_ITEM); nothing was placed.",
    )

    @strawberry.field(
        description="The bidder's own accepted bid row; null when nothing was placed (or an "
        "equal, earlier maximum took the amount)."
    )
    def bid(self) -> Annotated[Bid, strawberry.lazy("graph.bid.types")] | None:
        return self._bid

    @strawberry.field(description="The lot after the bid.")
    def item(self) -> Annotated[Item, strawberry.lazy("graph.item.types")] | None:
        return self._item


@strawberry.input(description="Buy a lot outright at its buy-now price.")
class BuyNowInput:
    item_id: strawberry.ID = strawberry.field(description="The lot to buy.")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string per intended purchase: retrying with the same key "
        "returns the first result and buys nothing more.",
    )


@strawberry.type(description="The result of `buyNow`.")
class BuyNowPayload:
    _bid: strawberry.Private[models.Bid | None] = None
    _item: strawberry.Private[models.Item | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Rules the purchase broke (NO_BUY_NOW, HAS_BIDS, ITEM_NOT_OPEN, "
        "ITEM_CLOSED, CLIENT_NOT_APPROVED, OWN_ITEM); nothing was bought.",
    )

    @strawberry.field(
        description="The bid row at the buy-now price (the lot's next `sequence`); null when "
        "nothing was bought."
    )
    def bid(self) -> Annotated[Bid, strawberry.lazy("graph.bid.types")] | None:
        return self._bid

    @strawberry.field(description="The lot after the purchase: SOLD, with its hammer price.")
    def item(self) -> Annotated[Item, strawberry.lazy("graph.item.types")] | None:
        return self._item


@strawberry.input(description="A bid to take back.")
class RetractBidInput:
    bid_id: strawberry.ID = strawberry.field(
        description="A bid someone placed (not one of the proxy engine's rows)."
    )


@strawberry.type(description="The result of `retractBid`.")
class RetractBidPayload:
    _bid: strawberry.Private[models.Bid | None] = None
    _item: strawberry.Private[models.Item | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why the bid was not retracted (BID_RETRACTED, PROXY_BID, ITEM_CLOSED); "
        "nothing changed.",
    )

    @strawberry.field(description="The bid, RETRACTED unless `errors` says why not.")
    def bid(self) -> Annotated[Bid, strawberry.lazy("graph.bid.types")] | None:
        return self._bid

    @strawberry.field(description="The lot repriced as if the bid had never been placed.")
    def item(self) -> Annotated[Item, strawberry.lazy("graph.item.types")] | None:
        return self._item


@strawberry.type
class BidMutations:
    @strawberry.mutation(
        description="Place a bid (optionally with a maximum). Bids on a lot are serialized by a "
        "database lock; every accepted price change gets the next `sequence`. On a lot of a "
        "LIVE sale that the clerk has not opened yet, a bid with `maxAmount` is an absentee "
        "bid: it is stored (source ABSENTEE) without moving the price and executes when the "
        "lot opens.",
        permission_classes=[IsAuthenticated],
    )
    async def place_bid(self, info: Info, input: PlaceBidInput) -> PlaceBidPayload:
        context = info.context
        cmd = PlaceBid(
            item_id=decode_id(input.item_id, "Item", "itemId"),
            amount=input.amount,
            max_amount=input.max_amount,
            idempotency_key=input.idempotency_key,
            on_behalf_of=(
                decode_id(input.on_behalf_of, "Client", "onBehalfOf")
                if input.on_behalf_of is not None
                else None
            ),
            source=models.BidSource.FLOOR
            if input.on_behalf_of is not None
            else models.BidSource.ONLINE,
        )
        try:
            result = await place_bid(context.db, context.principal, cmd, datetime.now(UTC))
        except errors.RuleViolation as violation:
            return PlaceBidPayload(errors=user_errors([violation]))
        except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
            raise from_domain(exc) from exc
        loaders = context.loaders
        loaders.item_by_id.clear(result.item.id).prime(result.item.id, result.item)
        for row in result.rows:
            loaders.bid_by_id.prime(row.id, row)
        return PlaceBidPayload(
            _bid=result.bid,
            _item=result.item,
            outcome=result.outcome,
            errors=user_errors(result.errors),
        )

    @strawberry.mutation(
        description="Buy a lot at its buy-now price, while it has one and no bid yet: the lot "
        "closes SOLD, and the purchase is a bid row at that price with the next `sequence`.",
        permission_classes=[IsAuthenticated],
    )
    async def buy_now(self, info: Info, input: BuyNowInput) -> BuyNowPayload:
        context = info.context
        cmd = BuyNow(
            item_id=decode_id(input.item_id, "Item", "itemId"),
            idempotency_key=input.idempotency_key,
        )
        try:
            result = await buy_now(context.db, context.principal, cmd, datetime.now(UTC))
        except errors.RuleViolation as violation:
            return BuyNowPayload(errors=user_errors([violation]))
        except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
            raise from_domain(exc) from exc
        _prime(context.loaders, result.item, [result.bid] if result.bid else [])
        return BuyNowPayload(_bid=result.bid, _item=result.item, errors=user_errors(result.errors))

    @strawberry.mutation(
        description="Retract a bid: it becomes RETRACTED and the lot's price and proxy bids are "
        "recomputed as if it had never been placed (engine rows that no longer hold are "
        "RETRACTED too, new ones get the next sequences). Only while the lot is open; an "
        "absentee bid can also be retracted before its live lot opens. Staff only.",
        permission_classes=STAFF,
    )
    async def retract_bid(self, info: Info, input: RetractBidInput) -> RetractBidPayload:
        context = info.context
        cmd = RetractBid(bid_id=decode_id(input.bid_id, "Bid", "bidId"))
        try:
            result = await retract_bid(context.db, context.principal, cmd, datetime.now(UTC))
        except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
            raise from_domain(exc) from exc
        rows = [result.bid, *result.rows] if result.bid else result.rows
        _prime(context.loaders, result.item, rows)
        return RetractBidPayload(
            _bid=result.bid, _item=result.item, errors=user_errors(result.errors)
        )


def _prime(loaders: Loaders, item: models.Item | None, bids: list[models.Bid]) -> None:
    """Put the rows a mutation just wrote into the loaders (fresh after the commit)."""
    if item is not None:
        loaders.item_by_id.clear(item.id).prime(item.id, item)
    for bid in bids:
        loaders.bid_by_id.clear(bid.id).prime(bid.id, bid)
