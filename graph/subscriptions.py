"""Live updates over WebSocket: bids, lot changes, sale changes, outbid alerts.

Every subscription listens on the process's event bus (PostgreSQL LISTEN/NOTIFY, sent only after
commit) and resolves each event in a fresh database scope (``Context.next_event_scope``), so a
later event never shows rows cached for an earlier one. Over WebSocket one execution serves every
subscriber with the same document, variables and visibility (``graph.multiplex``).

Each resolver checks its arguments and the target's visibility when the subscription starts
(so BAD_USER_INPUT, NOT_FOUND and UNAUTHENTICATED are the protocol's ``error`` message), then
returns the stream of events.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from db import models
from db.queries.bid import bids_after_sequence, last_sequences_by_sale
from graph.context import Context, Info
from graph.errors import BadUserInputError, GavelError, NotFoundError
from graph.filtering import decode_id
from graph.permissions import IsAuthenticated
from realtime.bus import EventBus, Message, Resync, SubscriberLagging
from realtime.events import BidPlaced, Event, ItemUpdated, Outbid, SaleUpdated

if TYPE_CHECKING:
    from graph.bid.types import Bid
    from graph.item.types import Item
    from graph.sale.types import Sale


class RealtimeUnavailable(GavelError):
    code = "INTERNAL"


class SubscriptionLagging(GavelError):
    code = "LAGGING"


LAGGING_MESSAGE = (
    "Live events arrived faster than they could be sent. Subscribe again with `afterSequence` "
    "set to the last `sequence` you received."
)


@strawberry.type(description="One accepted bid, in the lot's bid order.")
class BidEvent:
    sequence: int = strawberry.field(description="The bid's position on its lot: 1, 2, 3, …")
    _bid: strawberry.Private[models.Bid]
    _item: strawberry.Private[models.Item]

    @strawberry.field(description="The bid (its bidder is shown by paddle to the public).")
    def bid(self) -> Annotated[Bid, strawberry.lazy("graph.bid.types")]:
        return self._bid

    @strawberry.field(
        description="The lot as it is when the event is delivered (read fresh for each event; "
        "bids caught up together, after a reconnection or under load, show the latest state)."
    )
    def item(self) -> Annotated[Item, strawberry.lazy("graph.item.types")]:
        return self._item


@strawberry.type(description="You are no longer the highest bidder on a lot.")
class OutbidEvent:
    sequence: int = strawberry.field(description="The bid sequence at which you lost the lead.")
    current_bid: Decimal | None = strawberry.field(description="The lot's price now.")
    _item: strawberry.Private[models.Item]

    @strawberry.field(description="The lot.")
    def item(self) -> Annotated[Item, strawberry.lazy("graph.item.types")]:
        return self._item


def _bus(context: Context) -> EventBus:
    if context.bus is None:
        raise RealtimeUnavailable("Live updates are not available on this server.")
    return context.bus


def _one_target(
    item_id: strawberry.ID | None, sale_id: strawberry.ID | None
) -> tuple[int | None, int | None]:
    if (item_id is None) == (sale_id is None):
        raise BadUserInputError("Pass exactly one of `itemId` or `saleId`.", field="itemId")
    return (
        decode_id(item_id, "Item", "itemId") if item_id is not None else None,
        decode_id(sale_id, "Sale", "saleId") if sale_id is not None else None,
    )


async def _check_visible(context: Context, item_id: int | None, sale_id: int | None) -> None:
    try:
        scope = await context.next_event_scope()
        if item_id is not None and await scope.loaders.item_by_id.load(item_id) is None:
            raise NotFoundError("No such item.")
        if sale_id is not None and await scope.loaders.sale_by_id.load(sale_id) is None:
            raise NotFoundError("No such sale.")
    except BaseException:
        await context.close_event_scope()
        raise


async def _messages(context: Context, live: AsyncIterator[Message]) -> AsyncIterator[Message]:
    """The bus messages; a subscriber the bus dropped for lagging gets a coded error.

    The previous event's database scope is closed before waiting, so an idle subscription holds
    no pooled connection.
    """
    try:
        while True:
            await context.close_event_scope()
            yield await anext(live)
    except StopAsyncIteration:
        return
    except SubscriberLagging as exc:
        raise SubscriptionLagging(LAGGING_MESSAGE) from exc


def _for_target(
    item_id: int | None, sale_id: int | None
) -> Callable[[BidPlaced | ItemUpdated], bool]:
    def matches(event: BidPlaced | ItemUpdated) -> bool:
        return event.item_id == item_id if item_id is not None else event.sale_id == sale_id

    return matches


async def _bid_events(
    context: Context,
    bus: EventBus,
    item: int | None,
    sale: int | None,
    after_sequence: int | None,
) -> AsyncGenerator[BidEvent, None]:
    matches = _for_target(item, sale)
    try:
        async with bus.subscribe(lambda e: isinstance(e, BidPlaced) and matches(e)) as bus_live:
            live = _messages(context, bus_live)
            # Subscribed first, then the baseline: nothing committed in between is missed.
            scope = await context.next_event_scope()
            if item is not None:
                seen = {item: after_sequence if after_sequence is not None else -1}
                if seen[item] < 0:
                    found = await scope.loaders.item_by_id.load(item)
                    seen[item] = found.last_sequence if found is not None else 0
            else:
                assert sale is not None
                seen = await last_sequences_by_sale(scope.db, sale)
            pending: list[int] = [item] if after_sequence is not None and item else []
            while True:
                if pending:
                    scope = await context.next_event_scope()
                    rows = await bids_after_sequence(scope.db, context.principal, pending, seen)
                    for row in rows:
                        if row.sequence <= seen.get(row.item_id, 0):
                            continue
                        seen[row.item_id] = row.sequence
                        row_item = await scope.loaders.item_by_id.load(row.item_id)
                        if row_item is not None:
                            yield BidEvent(sequence=row.sequence, _bid=row, _item=row_item)
                await context.close_event_scope()  # hold no connection while idle
                message = await anext(live)
                if isinstance(message, Resync):
                    pending = list(seen) if item is None else [item]
                elif isinstance(message, BidPlaced):
                    seen.setdefault(message.item_id, message.first_sequence - 1)
                    pending = [message.item_id]
    finally:
        await context.close_event_scope()


async def _item_events(
    context: Context, bus: EventBus, item: int | None, sale: int | None
) -> AsyncGenerator[Item, None]:
    matches = _for_target(item, sale)
    try:
        async with bus.subscribe(lambda e: isinstance(e, ItemUpdated) and matches(e)) as live:
            async for message in _messages(context, live):
                if isinstance(message, ItemUpdated):
                    scope = await context.next_event_scope()
                    row = await scope.loaders.item_by_id.load(message.item_id)
                    if row is not None:
                        yield cast("Item", row)  # the row resolves as Item (is_type_of)
    finally:
        await context.close_event_scope()


async def _sale_events(context: Context, bus: EventBus, sale: int) -> AsyncGenerator[Sale, None]:
    def accepts(event: Event) -> bool:
        return isinstance(event, SaleUpdated) and event.sale_id == sale

    try:
        async with bus.subscribe(accepts) as live:
            async for message in _messages(context, live):
                if isinstance(message, SaleUpdated):
                    scope = await context.next_event_scope()
                    row = await scope.loaders.sale_by_id.load(sale)
                    if row is not None:
                        yield cast("Sale", row)  # the row resolves as Sale (is_type_of)
    finally:
        await context.close_event_scope()


async def _outbid_events(
    context: Context, bus: EventBus, client_id: int | None
) -> AsyncGenerator[OutbidEvent, None]:
    def accepts(event: Event) -> bool:
        return isinstance(event, Outbid) and event.client_id == client_id

    try:
        async with bus.subscribe(accepts) as live:
            async for message in _messages(context, live):
                if isinstance(message, Outbid):
                    scope = await context.next_event_scope()
                    row = await scope.loaders.item_by_id.load(message.item_id)
                    if row is not None:
                        yield OutbidEvent(
                            sequence=message.sequence, current_bid=row.current_bid, _item=row
                        )
    finally:
        await context.close_event_scope()


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Every accepted bid on a lot (`itemId`) or on every lot of a sale "
        "(`saleId`), in commit order. With `afterSequence` (and `itemId`) the committed bids "
        "after that sequence come first, then live ones, with no gap and no duplicate: pass the "
        "last `sequence` you saw to resume after a disconnect."
    )
    async def bid_placed(
        self,
        info: Info,
        item_id: strawberry.ID | None = None,
        sale_id: strawberry.ID | None = None,
        after_sequence: int | None = None,
    ) -> AsyncGenerator[BidEvent, None]:
        context = info.context
        bus = _bus(context)
        item, sale = _one_target(item_id, sale_id)
        if after_sequence is not None and item is None:
            raise BadUserInputError("`afterSequence` needs `itemId`.", field="afterSequence")
        await _check_visible(context, item, sale)
        return _bid_events(context, bus, item, sale, after_sequence)

    @strawberry.subscription(
        description="A lot as it changes (price, bid count, status, closing time when soft "
        "close extends it), for one lot (`itemId`) or every lot of a sale (`saleId`)."
    )
    async def item_updated(
        self,
        info: Info,
        item_id: strawberry.ID | None = None,
        sale_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[Annotated[Item, strawberry.lazy("graph.item.types")], None]:
        context = info.context
        bus = _bus(context)
        item, sale = _one_target(item_id, sale_id)
        await _check_visible(context, item, sale)
        return _item_events(context, bus, item, sale)

    @strawberry.subscription(description="A sale as it changes (status, dates, closing).")
    async def sale_updated(
        self, info: Info, sale_id: strawberry.ID
    ) -> AsyncGenerator[Annotated[Sale, strawberry.lazy("graph.sale.types")], None]:
        context = info.context
        bus = _bus(context)
        sale = decode_id(sale_id, "Sale", "saleId")
        await _check_visible(context, None, sale)
        return _sale_events(context, bus, sale)

    @strawberry.subscription(
        description="Tells the signed-in bidder each time they lose the lead on a lot, "
        "including to a proxy (maximum) bid.",
        permission_classes=[IsAuthenticated],
    )
    async def outbid(self, info: Info) -> AsyncGenerator[OutbidEvent, None]:
        context = info.context
        return _outbid_events(context, _bus(context), context.principal.client_id)
