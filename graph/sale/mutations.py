"""Staff mutations on sales."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import UNSET

from db import models
from domain import errors, sales
from domain.bidding.schedule import ScheduleClosing, schedule_closing
from graph.context import Info
from graph.editing import attempt, sent_fields
from graph.enums import SaleKind
from graph.errors import from_domain
from graph.filtering import decode_id
from graph.payloads import UserError, user_errors
from graph.permissions import STAFF
from graph.rows import ChargeRowInput, ExternalIdInput
from graph.scalars import Rate
from graph.term.inputs import TERM_IDS, decode_terms

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


# -- create, update, delete ----------------------------------------------------------------


@strawberry.input(description="One band of an increment table.")
class IncrementBandInput:
    start: Decimal = strawberry.field(
        name="from", description="From this price (inclusive; the first band starts at 0)…"
    )
    increment: Decimal = strawberry.field(description="…bids rise by at least this much.")


@strawberry.input(description="Fields of a sale; only the fields sent are written.")
class SaleFieldsInput:
    subtitle: str | None = strawberry.field(default=UNSET, description="Subtitle.")
    description: str | None = strawberry.field(default=UNSET, description="HTML description.")
    sale_number: str | None = strawberry.field(
        default=UNSET, description="Reference number, unique (SALE-2025-001)."
    )
    kind: SaleKind | None = strawberry.field(default=UNSET, description="TIMED or LIVE.")
    published: bool | None = strawberry.field(
        default=UNSET, description="Shown in the public catalogue."
    )
    hidden: bool | None = strawberry.field(default=UNSET, description="Hidden from the public.")
    hide_sold_information: bool | None = strawberry.field(
        default=UNSET, description="Hide prices and buyers of sold lots publicly."
    )
    starts_at: datetime | None = strawberry.field(default=UNSET, description="When bidding opens.")
    ends_at: datetime | None = strawberry.field(
        default=UNSET, description="When bidding ends; not before `startsAt`."
    )
    live_starts_at: datetime | None = strawberry.field(
        default=UNSET, description="When the live session starts."
    )
    live_ends_at: datetime | None = strawberry.field(
        default=UNSET, description="When the live session ends; not before `liveStartsAt`."
    )
    last_date_for_consignment: datetime | None = strawberry.field(
        default=UNSET, description="Last day consignors may bring goods."
    )
    currency: str | None = strawberry.field(
        default=UNSET, description="ISO 4217 code; frozen once the lots have bids."
    )
    buyers_premium_rate: Rate | None = strawberry.field(
        default=UNSET, description="Buyer's premium as a fraction of the hammer price."
    )
    tax_rate: Rate | None = strawberry.field(
        default=UNSET, description="Tax rate applied to the premium (fraction)."
    )
    increments: list[IncrementBandInput] | None = strawberry.field(
        default=UNSET,
        description="The increment table (replaced as a whole); empty or null for the default.",
    )
    soft_close_seconds: int | None = strawberry.field(
        default=UNSET, description="Soft-close window in seconds (>= 0)."
    )
    stagger_seconds: int | None = strawberry.field(
        default=UNSET, description="Seconds between the closing of consecutive lots (>= 0)."
    )
    lots_locked: bool | None = strawberry.field(
        default=UNSET, description="Freeze the lot numbers of the sale's items."
    )
    auctioneer_name: str | None = strawberry.field(default=UNSET, description="Auctioneer.")
    venue: str | None = strawberry.field(default=UNSET, description="Where the sale is held.")
    departments: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Departments: " + TERM_IDS
    )
    bid_steps: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The named bid-step table (a Term ID); null clears."
    )
    catalog: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The catalogue (a Term ID); null clears."
    )
    additional_charges: list[ChargeRowInput] | None = strawberry.field(
        default=UNSET,
        description="Charges billed once to each buyer of the sale (handling, catalogue), "
        "replaced as a whole; null or [] clears. Errors name the row: "
        "`additionalCharges[1].amount`.",
    )
    auto_sync_image_end_date: datetime | None = strawberry.field(
        default=UNSET, description="Synchronise the lot images until this time."
    )
    post_sale_discount: Decimal | None = strawberry.field(
        default=UNSET, description="Post-sale discount as a percentage (0 to 100, cents)."
    )
    initial_finder_fees_orders: str | None = strawberry.field(
        default=UNSET, description="Initial finder-fee orders setting."
    )
    next_consignment_notice: str | None = strawberry.field(
        default=UNSET, description="Notice about the next consignment deadline."
    )
    date_and_location_string: str | None = strawberry.field(
        default=UNSET, description="Date and place of the sale as display text."
    )
    item_images_dir: str | None = strawberry.field(
        default=UNSET, description="Directory the lot images are synchronised from."
    )
    sync_active: bool | None = strawberry.field(
        default=UNSET, description="Synchronisation with other systems on."
    )
    display_live_links: bool | None = strawberry.field(
        default=UNSET, description="Show live-bidding links."
    )
    pdf_link: str | None = strawberry.field(default=UNSET, description="Catalogue PDF URL.")
    pdf_sale_result: str | None = strawberry.field(default=UNSET, description="Results PDF URL.")
    e_book_link: str | None = strawberry.field(default=UNSET, description="E-book URL.")
    external_ids: list[ExternalIdInput] | None = strawberry.field(
        default=UNSET,
        description="Ids of the sale in other systems, replaced as a whole; null or [] clears. "
        "Errors name the row: `externalIds[0].externalId`.",
    )


@strawberry.input(description="A new sale.")
class CreateSaleInput(SaleFieldsInput):
    title: str = strawberry.field(description="Title of the sale.")


@strawberry.input(description="Changes to a sale: only the fields sent change.")
class UpdateSaleInput(SaleFieldsInput):
    id: strawberry.ID = strawberry.field(description="The sale.")
    title: str | None = strawberry.field(default=UNSET, description="Title of the sale.")


@strawberry.input(description="The sale to delete.")
class DeleteSaleInput:
    id: strawberry.ID = strawberry.field(description="The sale (without bids or orders).")


@strawberry.type(description="The result of `createSale` or `updateSale`.")
class SalePayload:
    _sale: strawberry.Private[models.Sale | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every rule the input broke; nothing changed."
    )

    @strawberry.field(description="The sale after the change.")
    def sale(self) -> Annotated[Sale, strawberry.lazy("graph.sale.types")] | None:
        return self._sale


@strawberry.type(description="The result of `createSale`.")
class CreateSalePayload(SalePayload):
    pass


@strawberry.type(description="The result of `updateSale`.")
class UpdateSalePayload(SalePayload):
    pass


@strawberry.type(description="The result of `deleteSale`.")
class DeleteSalePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The ID of the deleted sale."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why the sale was kept (HAS_BIDS, HAS_ORDERS); nothing changed.",
    )


def _sale_values(input: SaleFieldsInput) -> dict[str, Any]:
    values = decode_terms(sent_fields(input, skip=("id",)), sales.TERM_FIELDS)
    if "increments" in values:
        values["increments"] = [
            {"from": str(band.start), "increment": str(band.increment)}
            for band in values["increments"] or ()
        ]
    for name in ("additional_charges", "external_ids"):
        if name in values:
            values[name] = [row.to_row() for row in values[name] or ()]
    return values


def _prime(info: Info, sale: models.Sale | None) -> None:
    if sale is not None:
        info.context.loaders.sale_by_id.clear(sale.id).prime(sale.id, sale)


@strawberry.type
class SaleEditingMutations:
    @strawberry.mutation(
        description="Create a sale (unpublished unless `published` is sent). Staff only.",
        permission_classes=STAFF,
    )
    async def create_sale(self, info: Info, input: CreateSaleInput) -> CreateSalePayload:
        context = info.context
        cmd = sales.CreateSale(values=_sale_values(input))
        sale, errors_ = await attempt(sales.create_sale(context.db, context.principal, cmd))
        _prime(info, sale)
        return CreateSalePayload(_sale=sale, errors=errors_)

    @strawberry.mutation(
        description="Change a sale's fields: only those sent change; every broken rule is "
        "reported and nothing changes. Staff only.",
        permission_classes=STAFF,
    )
    async def update_sale(self, info: Info, input: UpdateSaleInput) -> UpdateSalePayload:
        context = info.context
        cmd = sales.UpdateSale(
            sale_id=decode_id(input.id, "Sale", "id"), changes=_sale_values(input)
        )
        sale, errors_ = await attempt(sales.update_sale(context.db, context.principal, cmd))
        _prime(info, sale)
        return UpdateSalePayload(_sale=sale, errors=errors_)

    @strawberry.mutation(
        description="Delete a sale that has no bids and no orders, with its lots; its "
        "consignments are kept, detached. Staff only.",
        permission_classes=STAFF,
    )
    async def delete_sale(self, info: Info, input: DeleteSaleInput) -> DeleteSalePayload:
        context = info.context
        cmd = sales.DeleteSale(sale_id=decode_id(input.id, "Sale", "id"))
        sale, errors_ = await attempt(sales.delete_sale(context.db, context.principal, cmd))
        if sale is None:
            return DeleteSalePayload(errors=errors_)
        context.loaders.sale_by_id.clear(sale.id)
        return DeleteSalePayload(deleted_id=strawberry.ID(input.id))
