"""A lot's history records (``domain.item_history``): the entry type and ``recordItemHistory``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import UNSET

from db import models
from domain import item_history
from graph.context import Info
from graph.editing import attempt, sent_fields
from graph.filtering import decode_id
from graph.payloads import UserError
from graph.permissions import STAFF

if TYPE_CHECKING:
    from graph.client.types import Client
    from graph.item.types import Item
    from graph.user.types import User

IDS = {"sold_agent_id": "User", "winner_client_id": "Client"}


@strawberry.type(
    description="One record of a lot's sale-result facts as a clerk entered them. Each record "
    "holds the previous one's values with the changes applied; the newest is the lot's history. "
    "The lot's status, hammer price and winner stay the bidding engine's."
)
class ItemHistoryEntry:
    _row: strawberry.Private[models.ItemHistory]

    @strawberry.field(description="When it was recorded.")
    def recorded_at(self) -> datetime:
        return self._row.created_at

    @strawberry.field(description="Who recorded it (null for the system or a removed user).")
    def recorded_by(
        self, info: Info
    ) -> Annotated[User, strawberry.lazy("graph.user.types")] | None:
        user_id = self._row.user_id
        return None if user_id is None else info.context.loaders.user_by_id.get(user_id)

    @strawberry.field(description="Amount to pay the consignor.")
    def consignor_price(self) -> Decimal | None:
        return self._row.consignor_price

    @strawberry.field(description="Whether the consignor is not to be paid (null: not said).")
    def dont_pay_consignor(self) -> bool | None:
        return self._row.dont_pay_consignor

    @strawberry.field(description="The staff member who sold the lot.")
    def selling_agent(
        self, info: Info
    ) -> Annotated[User, strawberry.lazy("graph.user.types")] | None:
        agent_id = self._row.sold_agent_id
        return None if agent_id is None else info.context.loaders.user_by_id.get(agent_id)

    @strawberry.field(description="The hammer price the clerk recorded (beside `hammerPrice`).")
    def sold_for_amount(self) -> Decimal | None:
        return self._row.sold_for_amount

    @strawberry.field(description="The paddle number the clerk recorded as the buyer.")
    def sold_to_bidder_number(self) -> int | None:
        return self._row.sold_to_bidder_number

    @strawberry.field(description="The buyer's alias or paddle.")
    def bidder_alias(self) -> str | None:
        return self._row.bidder_alias

    @strawberry.field(description="sold, unsold or passed, as the clerk recorded it.")
    def sold_status(self) -> str | None:
        return self._row.sold_status

    @strawberry.field(description="Extension status.")
    def under_extension_status(self) -> str | None:
        return self._row.under_extension_status

    @strawberry.field(description="The client the clerk recorded as the winner.")
    def winner(self, info: Info) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        client_id = self._row.winner_client_id
        return None if client_id is None else info.context.loaders.client_by_id.get(client_id)

    @strawberry.field(description="Whether the clerk recorded the lot as withdrawn.")
    def withdrawn(self) -> bool | None:
        return self._row.withdrawn


def history_entries(rows: list[models.ItemHistory]) -> list[ItemHistoryEntry]:
    """The records as entries (newest first, as loaded)."""
    return [ItemHistoryEntry(_row=row) for row in rows]


@strawberry.input(description="Sale-result facts to record on a lot; only the fields sent change.")
class RecordItemHistoryInput:
    item_id: strawberry.ID = strawberry.field(description="The lot.")
    consignor_price: Decimal | None = strawberry.field(
        default=UNSET, description="Amount to pay the consignor (zero or more)."
    )
    dont_pay_consignor: bool | None = strawberry.field(
        default=UNSET, description="Whether the consignor is not to be paid."
    )
    sold_agent_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The staff member (a user) who sold the lot."
    )
    sold_for_amount: Decimal | None = strawberry.field(
        default=UNSET,
        description="The hammer price as recorded; kept beside the lot's `hammerPrice`, never "
        "over it.",
    )
    sold_to_bidder_number: int | None = strawberry.field(
        default=UNSET, description="The buyer's paddle number (zero or more)."
    )
    bidder_alias: str | None = strawberry.field(
        default=UNSET, description="The buyer's alias or paddle."
    )
    sold_status: str | None = strawberry.field(default=UNSET, description="sold, unsold or passed.")
    under_extension_status: str | None = strawberry.field(
        default=UNSET, description="Extension status."
    )
    winner_client_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The client recorded as the winner (not the lot's `winner`)."
    )
    withdrawn: bool | None = strawberry.field(
        default=UNSET, description="Whether the lot is recorded as withdrawn."
    )


@strawberry.type(description="The result of `recordItemHistory`.")
class RecordItemHistoryPayload:
    _entry: strawberry.Private[models.ItemHistory | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every rule the input broke; nothing was recorded."
    )

    @strawberry.field(description="The new record.")
    def entry(self) -> ItemHistoryEntry | None:
        return None if self._entry is None else ItemHistoryEntry(_row=self._entry)

    @strawberry.field(description="The lot.")
    def item(self, info: Info) -> Annotated[Item, strawberry.lazy("graph.item.types")] | None:
        if self._entry is None:
            return None
        return info.context.loaders.item_by_id.get(self._entry.item_id)


@strawberry.type
class ItemHistoryMutations:
    @strawberry.mutation(
        description="Record sale-result facts on a lot (REST `field_*` inputs): appends a "
        "history record; the lot's status, hammer price and winner do not change. Staff only.",
        permission_classes=STAFF,
    )
    async def record_item_history(
        self, info: Info, input: RecordItemHistoryInput
    ) -> RecordItemHistoryPayload:
        context = info.context
        cmd = item_history.RecordItemHistory(
            item_id=decode_id(input.item_id, "Item", "itemId"),
            values=sent_fields(input, ids=IDS, skip=("item_id",)),
        )
        entry, errors_ = await attempt(
            item_history.record_item_history(context.db, context.principal, cmd)
        )
        if entry is not None:
            context.loaders.history_by_item_id.clear(entry.item_id)
        return RecordItemHistoryPayload(_entry=entry, errors=errors_)
