"""The clerk's lot actions: ``openLot``, ``hammerLot``, ``passLot`` and ``withdrawLot``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from db.session import OperationDB
from domain import errors
from domain.bidding.live import (
    LotAction,
    LotResult,
    hammer_lot,
    open_lot,
    pass_lot,
    withdraw_lot,
)
from domain.principal import Principal
from graph.context import Info
from graph.errors import from_domain
from graph.filtering import decode_id
from graph.payloads import UserError, user_errors
from graph.permissions import STAFF

if TYPE_CHECKING:
    from graph.item.types import Item

ITEM_ID = "The lot."
Action = Callable[[OperationDB, Principal, LotAction, datetime], Awaitable[LotResult]]


@strawberry.input(description="The lot to open.")
class OpenLotInput:
    item_id: strawberry.ID = strawberry.field(description=ITEM_ID)


@strawberry.input(description="The lot to knock down.")
class HammerLotInput:
    item_id: strawberry.ID = strawberry.field(description=ITEM_ID)


@strawberry.input(description="The lot to pass.")
class PassLotInput:
    item_id: strawberry.ID = strawberry.field(description=ITEM_ID)


@strawberry.input(description="The lot to withdraw.")
class WithdrawLotInput:
    item_id: strawberry.ID = strawberry.field(description=ITEM_ID)


LotInput = OpenLotInput | HammerLotInput | PassLotInput | WithdrawLotInput


@strawberry.interface(description="What every lot action returns.")
class LotActionPayload:
    _item: strawberry.Private[models.Item | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why the action does not fit the lot (ITEM_NOT_OPEN, ITEM_CLOSED, "
        "ITEM_ALREADY_OPEN, NOT_LIVE_SALE); nothing changed.",
    )

    @strawberry.field(description="The lot after the action.")
    def item(self) -> Annotated[Item, strawberry.lazy("graph.item.types")] | None:
        return self._item


@strawberry.type(description="The result of `openLot`.")
class OpenLotPayload(LotActionPayload):
    pass


@strawberry.type(description="The result of `hammerLot`.")
class HammerLotPayload(LotActionPayload):
    pass


@strawberry.type(description="The result of `passLot`.")
class PassLotPayload(LotActionPayload):
    pass


@strawberry.type(description="The result of `withdrawLot`.")
class WithdrawLotPayload(LotActionPayload):
    pass


async def _run(
    info: Info, action: Action, input: LotInput
) -> tuple[models.Item | None, list[UserError]]:
    context = info.context
    cmd = LotAction(item_id=decode_id(input.item_id, "Item", "itemId"))
    try:
        result = await action(context.db, context.principal, cmd, datetime.now(UTC))
    except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
        raise from_domain(exc) from exc
    loaders = context.loaders
    if result.item is not None:
        loaders.item_by_id.clear(result.item.id).prime(result.item.id, result.item)
    for row in result.rows:
        loaders.bid_by_id.prime(row.id, row)
    return result.item, user_errors(result.errors)


@strawberry.type
class ItemMutations:
    @strawberry.mutation(
        description="Open a lot of a LIVE sale for bidding (ACTIVE). Its absentee bids execute "
        "first, in the order they were placed, each as little as needed up to its maximum; "
        "their price steps get the next sequences. Staff only.",
        permission_classes=STAFF,
    )
    async def open_lot(self, info: Info, input: OpenLotInput) -> OpenLotPayload:
        item, errors_ = await _run(info, open_lot, input)
        return OpenLotPayload(_item=item, errors=errors_)

    @strawberry.mutation(
        description="Knock an open lot of a LIVE sale down: SOLD to the highest bid (hammer "
        "price, winner) if the reserve is met, else UNSOLD. The sale closes with its last "
        "lot. Staff only.",
        permission_classes=STAFF,
    )
    async def hammer_lot(self, info: Info, input: HammerLotInput) -> HammerLotPayload:
        item, errors_ = await _run(info, hammer_lot, input)
        return HammerLotPayload(_item=item, errors=errors_)

    @strawberry.mutation(
        description="Pass a lot of a LIVE sale (open or not yet called): it closes PASSED, "
        "without a buyer. The sale closes with its last lot. Staff only.",
        permission_classes=STAFF,
    )
    async def pass_lot(self, info: Info, input: PassLotInput) -> PassLotPayload:
        item, errors_ = await _run(info, pass_lot, input)
        return PassLotPayload(_item=item, errors=errors_)

    @strawberry.mutation(
        description="Withdraw a lot that has not closed, from a TIMED or LIVE sale: it closes "
        "WITHDRAWN. The sale closes with its last lot. Staff only.",
        permission_classes=STAFF,
    )
    async def withdraw_lot(self, info: Info, input: WithdrawLotInput) -> WithdrawLotPayload:
        item, errors_ = await _run(info, withdraw_lot, input)
        return WithdrawLotPayload(_item=item, errors=errors_)
