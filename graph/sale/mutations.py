"""Staff mutations on sales."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from domain import errors
from domain.bidding.schedule import ScheduleClosing, schedule_closing
from graph.context import Info
from graph.errors import from_domain
from graph.filtering import decode_id
from graph.payloads import UserError, user_errors
from graph.permissions import STAFF

if TYPE_CHECKING:
    from graph.sale.types import Sale


@strawberry.input(description="When a timed sale's lots close.")
class ScheduleSaleClosingInput:
    sale_id: strawberry.ID = strawberry.field(description="The timed sale.")
    first_closes_at: datetime = strawberry.field(description="When the first lot closes.")
    stagger_seconds: int = strawberry.field(
        description="Each next lot (in lot order) closes this many seconds after the previous."
    )


@strawberry.type(description="The result of `scheduleSaleClosing`.")
class ScheduleSaleClosingPayload:
    _sale: strawberry.Private[models.Sale | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was scheduled."
    )

    @strawberry.field(description="The sale, with its lots' new closing times.")
    def sale(self) -> Annotated[Sale, strawberry.lazy("graph.sale.types")] | None:
        return self._sale


@strawberry.type
class SaleMutations:
    @strawberry.mutation(
        description="Staff: set staggered closing times for every open lot of a timed sale.",
        permission_classes=STAFF,
    )
    async def schedule_sale_closing(
        self, info: Info, input: ScheduleSaleClosingInput
    ) -> ScheduleSaleClosingPayload:
        cmd = ScheduleClosing(
            sale_id=decode_id(input.sale_id, "Sale", "saleId"),
            first_closes_at=input.first_closes_at,
            stagger_seconds=input.stagger_seconds,
        )
        try:
            sale = await schedule_closing(info.context.db, info.context.principal, cmd)
        except errors.RuleViolation as violation:
            return ScheduleSaleClosingPayload(errors=user_errors([violation]))
        except errors.NotFound as exc:
            raise from_domain(exc) from exc
        info.context.loaders.sale_by_id.clear(sale.id).prime(sale.id, sale)
        return ScheduleSaleClosingPayload(_sale=sale)
