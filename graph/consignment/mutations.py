"""Staff mutations on consignments: create, update and delete."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import UNSET

from db import models
from domain import consignments
from graph.context import Info
from graph.editing import attempt, sent_fields
from graph.filtering import decode_id
from graph.payloads import UserError
from graph.permissions import STAFF
from graph.rows import ChargeRowInput, FinderFeeInput, ShippingMethodInput
from graph.scalars import Rate
from graph.user.types import RESPONSIBLE_USERS_INPUT

if TYPE_CHECKING:
    from graph.consignment.types import Consignment

IDS = {"consignor_id": "Client", "sale_id": "Sale", "responsible_user_ids": "User"}


@strawberry.input(description="One commission tier: from this hammer price, a rate or an amount.")
class CommissionStepInput:
    start: Decimal = strawberry.field(
        name="from", description="From this hammer price (inclusive; the first tier from 0)…"
    )
    rate: Rate | None = strawberry.field(
        default=None, description="…this fraction of the hammer price, or…"
    )
    amount: Decimal | None = strawberry.field(default=None, description="…this fixed amount.")


@strawberry.input(description="Fields of a consignment; only the fields sent are written.")
class ConsignmentFieldsInput:
    number: str | None = strawberry.field(
        default=UNSET,
        description="Business identifier, unique (CON-2025-001); generated when not sent.",
    )
    symbol: str | None = strawberry.field(default=UNSET, description="Symbol marking the lots.")
    sub_symbol: str | None = strawberry.field(default=UNSET, description="Sub-symbol.")
    sale_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The sale (cannot change while the consignment has lots)."
    )
    published: bool | None = strawberry.field(default=UNSET, description="Publication flag.")
    promoted: bool | None = strawberry.field(default=UNSET, description="Promoted.")
    no_post_sale: bool | None = strawberry.field(
        default=UNSET, description="Leave the lots out of post-sale processing."
    )
    estimated: Decimal | None = strawberry.field(default=UNSET, description="Estimated value.")
    insurance_value: Decimal | None = strawberry.field(default=UNSET, description="Insured value.")
    insurance_type: str | None = strawberry.field(default=UNSET, description="Insurance cover.")
    underbid: Rate | None = strawberry.field(
        default=UNSET, description="Fraction of the reserve or estimate lots may sell at."
    )
    commission_step_type: str | None = strawberry.field(
        default=UNSET, description="percentage, fixed or tiered."
    )
    commission_steps: list[CommissionStepInput] | None = strawberry.field(
        default=UNSET, description="Commission tiers (replaced as a whole)."
    )
    tax_type: str | None = strawberry.field(default=UNSET, description="Tax calculation type.")
    payment_instructions: str | None = strawberry.field(
        default=UNSET, description="How the consignor is paid."
    )
    additional_charges: list[ChargeRowInput] | None = strawberry.field(
        default=UNSET,
        description="Charges deducted from the consignor's settlement (replaced as a whole; "
        "null or [] clears). Errors name the row: `additionalCharges[1].amount`.",
    )
    shipping_methods: list[ShippingMethodInput] | None = strawberry.field(
        default=UNSET,
        description="Shipments of the goods (replaced as a whole; null or [] clears).",
    )
    finder_fees: list[FinderFeeInput] | None = strawberry.field(
        default=UNSET,
        description="Finders' fees (replaced as a whole; null or [] clears): the finder must "
        "be a client and the lot, when given, a lot of this consignment.",
    )
    responsible_user_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description=RESPONSIBLE_USERS_INPUT
    )


@strawberry.input(description="A new consignment.")
class CreateConsignmentInput(ConsignmentFieldsInput):
    title: str = strawberry.field(description="Title (Estate Jewelry Collection).")
    consignor_id: strawberry.ID = strawberry.field(description="The consignor (a client).")


@strawberry.input(description="Changes to a consignment: only the fields sent change.")
class UpdateConsignmentInput(ConsignmentFieldsInput):
    id: strawberry.ID = strawberry.field(description="The consignment.")
    title: str | None = strawberry.field(default=UNSET, description="Title.")
    consignor_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The consignor (a client)."
    )


@strawberry.input(description="The consignment to delete.")
class DeleteConsignmentInput:
    id: strawberry.ID = strawberry.field(description="The consignment (without lots).")


@strawberry.type(description="The result of `createConsignment` or `updateConsignment`.")
class ConsignmentPayload:
    _consignment: strawberry.Private[models.Consignment | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every rule the input broke; nothing changed."
    )

    @strawberry.field(description="The consignment after the change.")
    def consignment(
        self,
    ) -> Annotated[Consignment, strawberry.lazy("graph.consignment.types")] | None:
        return self._consignment


@strawberry.type(description="The result of `createConsignment`.")
class CreateConsignmentPayload(ConsignmentPayload):
    pass


@strawberry.type(description="The result of `updateConsignment`.")
class UpdateConsignmentPayload(ConsignmentPayload):
    pass


@strawberry.type(description="The result of `deleteConsignment`.")
class DeleteConsignmentPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The ID of the deleted consignment."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why the consignment was kept (HAS_ITEMS)."
    )


def _values(input: ConsignmentFieldsInput) -> dict[str, Any]:
    values = sent_fields(input, ids=IDS, skip=("id",))
    if "commission_steps" in values:
        values["commission_steps"] = [
            {"from": step.start, "rate": step.rate, "amount": step.amount}
            for step in values["commission_steps"] or ()
        ]
    for name in ("additional_charges", "shipping_methods"):
        if name in values:
            values[name] = [row.to_row() for row in values[name] or ()]
    if "finder_fees" in values:
        values["finder_fees"] = [
            row.to_row(f"finderFees[{index}]")
            for index, row in enumerate(values["finder_fees"] or ())
        ]
    return values


def _prime(info: Info, consignment: models.Consignment | None) -> None:
    if consignment is not None:
        loader = info.context.loaders.consignment_by_id
        loader.clear(consignment.id).prime(consignment.id, consignment)


@strawberry.type
class ConsignmentMutations:
    @strawberry.mutation(
        description="Create a consignment for a consignor. Staff only.",
        permission_classes=STAFF,
    )
    async def create_consignment(
        self, info: Info, input: CreateConsignmentInput
    ) -> CreateConsignmentPayload:
        context = info.context
        cmd = consignments.CreateConsignment(values=_values(input))
        consignment, errors_ = await attempt(
            consignments.create_consignment(context.db, context.principal, cmd)
        )
        _prime(info, consignment)
        return CreateConsignmentPayload(_consignment=consignment, errors=errors_)

    @strawberry.mutation(
        description="Change a consignment's fields: only those sent change. Staff only.",
        permission_classes=STAFF,
    )
    async def update_consignment(
        self, info: Info, input: UpdateConsignmentInput
    ) -> UpdateConsignmentPayload:
        context = info.context
        cmd = consignments.UpdateConsignment(
            consignment_id=decode_id(input.id, "Consignment", "id"), changes=_values(input)
        )
        consignment, errors_ = await attempt(
            consignments.update_consignment(context.db, context.principal, cmd)
        )
        _prime(info, consignment)
        return UpdateConsignmentPayload(_consignment=consignment, errors=errors_)

    @strawberry.mutation(
        description="Delete a consignment that has no lots. Staff only.",
        permission_classes=STAFF,
    )
    async def delete_consignment(
        self, info: Info, input: DeleteConsignmentInput
    ) -> DeleteConsignmentPayload:
        context = info.context
        cmd = consignments.DeleteConsignment(
            consignment_id=decode_id(input.id, "Consignment", "id")
        )
        consignment, errors_ = await attempt(
            consignments.delete_consignment(context.db, context.principal, cmd)
        )
        if consignment is None:
            return DeleteConsignmentPayload(errors=errors_)
        context.loaders.consignment_by_id.clear(consignment.id)
        return DeleteConsignmentPayload(deleted_id=strawberry.ID(input.id))
