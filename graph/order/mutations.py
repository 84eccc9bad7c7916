"""Staff mutations on orders: create, update, split, credit note, cancel & reissue, invoicing.

Thin adapters: decode the input, build the domain command, call the use case, and map its
``RuleViolation(s)`` to payload ``errors`` (``NotFound`` / ``Forbidden`` to coded GraphQL errors).
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry

from db import models
from domain import errors
from domain.orders import pricing
from domain.orders.invoicing import build_sale_orders
from domain.orders.service import (
    CancelAndReissue,
    CreateCreditNote,
    CreateOrder,
    SplitOrder,
    UpdateOrder,
    cancel_and_reissue_order,
    create_credit_note,
    create_order,
    split_order,
    update_order,
)
from graph.context import Info
from graph.enums import OrderStatus, OrderType
from graph.errors import from_domain
from graph.filtering import decode_id, decode_ids
from graph.payloads import UserError, user_errors
from graph.permissions import STAFF

if TYPE_CHECKING:
    from graph.item.types import Item
    from graph.order.types import Order

T = TypeVar("T")

ORDER_ERRORS = "Why nothing changed (field + code + message)."


# -- inputs --------------------------------------------------------------------------------


@strawberry.input(description="An additional charge (shipping, handling, …) and its tax.")
class AdditionalChargeInput:
    term: str = strawberry.field(description="What is charged (Shipping, Handling, …).")
    amount: Decimal = strawberry.field(description="Amount, tax excluded (zero or more).")
    tax: Decimal = strawberry.field(
        default=Decimal("0"), description="Tax on the charge, as an amount (zero or more)."
    )
    description: str = strawberry.field(default="", description="Text printed on the line.")

    def to_charge(self) -> pricing.Charge:
        return pricing.Charge(
            term=self.term, amount=self.amount, tax=self.tax, description=self.description
        )


@strawberry.input(description="An address printed on one order instead of the client's.")
class CustomAddressInput:
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country code (DE).")
    administrative_area: str | None = strawberry.field(
        default=None, description="State, province or region."
    )
    locality: str | None = strawberry.field(default=None, description="City.")
    postal_code: str | None = strawberry.field(default=None, description="Postal code.")
    thoroughfare: str | None = strawberry.field(default=None, description="Street and number.")
    premise: str | None = strawberry.field(default=None, description="Apartment, suite, floor.")
    first_name: str | None = strawberry.field(default=None, description="Recipient first name.")
    last_name: str | None = strawberry.field(default=None, description="Recipient last name.")
    organisation_name: str | None = strawberry.field(default=None, description="Company.")

    def to_dict(self) -> dict[str, str]:
        fields = (
            "country",
            "administrative_area",
            "locality",
            "postal_code",
            "thoroughfare",
            "premise",
            "first_name",
            "last_name",
            "organisation_name",
        )
        return {name: value for name in fields if (value := getattr(self, name)) is not None}


@strawberry.input(description="A new order, priced by the server from its lots and charges.")
class CreateOrderInput:
    type: OrderType = strawberry.field(
        description="BIDDER, CONSIGNOR or TRANSPORT_INVOICE (credit notes come from "
        "`createCreditNote`)."
    )
    sale_id: strawberry.ID = strawberry.field(description="The sale.")
    owner_id: strawberry.ID = strawberry.field(description="The client the order is for.")
    status: OrderStatus = strawberry.field(
        default=models.OrderStatus.NEW, description="NEW (default) or IN_PROCESS."
    )
    item_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Lots to invoice: for BIDDER, lots of the sale won by the owner; for "
        "CONSIGNOR, sold lots of the owner's consignments in the sale; none on a "
        "TRANSPORT_INVOICE. A lot may be on one non-canceled order of each type.",
    )
    additional_charges: list[AdditionalChargeInput] = strawberry.field(
        default_factory=list,
        description="The order's own charges (deducted on a CONSIGNOR order).",
    )


@strawberry.input(description="Changes to an order; only the fields sent change.")
class UpdateOrderInput:
    id: strawberry.ID = strawberry.field(description="The order.")
    status: OrderStatus | None = strawberry.field(
        default=strawberry.UNSET,
        description="New status: NEW → IN_PROCESS | FINISHED | CANCELED; IN_PROCESS → NEW | "
        "FINISHED | CANCELED; FINISHED → IN_PROCESS | LOCKED. LOCKED and CANCELED are final.",
    )
    additional_charges: list[AdditionalChargeInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Replaces the order's own charges (not those of its lots); the totals "
        "are recomputed. Null or [] removes them.",
    )
    use_custom_address: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Print `customAddress` instead of the client's."
    )
    custom_address: CustomAddressInput | None = strawberry.field(
        default=strawberry.UNSET, description="The order's own address; null removes it."
    )


@strawberry.input(description="Lots to move off an open order.")
class SplitOrderInput:
    order_id: strawberry.ID = strawberry.field(description="The NEW or IN_PROCESS order.")
    item_ids: list[strawberry.ID] = strawberry.field(
        description="Lots of that order to move (with their own charges); at least one stays."
    )


@strawberry.input(description="Lots of a FINISHED or LOCKED order to credit.")
class CreateCreditNoteInput:
    order_id: strawberry.ID = strawberry.field(description="The order to credit.")
    item_ids: list[strawberry.ID] = strawberry.field(
        description="1 to 100 lots of that order, not credited before."
    )


@strawberry.input(description="The LOCKED order to cancel and reissue.")
class CancelAndReissueOrderInput:
    order_id: strawberry.ID = strawberry.field(description="The LOCKED order.")


@strawberry.input(description="The closed sale to invoice.")
class InvoiceSaleInput:
    sale_id: strawberry.ID = strawberry.field(description="A sale whose lots are all closed.")


# -- payloads ------------------------------------------------------------------------------

OrderRef = Annotated["Order", strawberry.lazy("graph.order.types")]
ItemRef = Annotated["Item", strawberry.lazy("graph.item.types")]
Row = models.Order | None


@strawberry.type(description="The result of `createOrder`.")
class CreateOrderPayload:
    _order: strawberry.Private[Row] = None
    errors: list[UserError] = strawberry.field(default_factory=list, description=ORDER_ERRORS)

    @strawberry.field(description="The new order.")
    def order(self) -> OrderRef | None:
        return self._order


@strawberry.type(description="The result of `updateOrder`.")
class UpdateOrderPayload:
    _order: strawberry.Private[Row] = None
    errors: list[UserError] = strawberry.field(default_factory=list, description=ORDER_ERRORS)

    @strawberry.field(description="The order, changed.")
    def order(self) -> OrderRef | None:
        return self._order


@strawberry.type(description="The result of `splitOrder`.")
class SplitOrderPayload:
    _order: strawberry.Private[Row] = None
    _target: strawberry.Private[Row] = None
    _moved: strawberry.Private[list[int]] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(default_factory=list, description=ORDER_ERRORS)

    @strawberry.field(description="The source order, with the lots that stayed.")
    def order(self) -> OrderRef | None:
        return self._order

    @strawberry.field(
        description="The order that received the lots: the owner's other open order of the "
        "same type and sale, or a new one."
    )
    def target_order(self) -> OrderRef | None:
        return self._target

    @strawberry.field(description="The lots moved.")
    async def moved_items(self, info: Info) -> list[ItemRef]:
        return await _items(info, self._moved)


@strawberry.type(description="The result of `createCreditNote`.")
class CreateCreditNotePayload:
    _order: strawberry.Private[Row] = None
    _credit_note: strawberry.Private[Row] = None
    errors: list[UserError] = strawberry.field(default_factory=list, description=ORDER_ERRORS)

    @strawberry.field(description="The credited order.")
    def order(self) -> OrderRef | None:
        return self._order

    @strawberry.field(description="The new FINISHED credit note (negative amounts).")
    def credit_note(self) -> OrderRef | None:
        return self._credit_note


@strawberry.type(description="The result of `cancelAndReissueOrder`.")
class CancelAndReissueOrderPayload:
    _order: strawberry.Private[Row] = None
    _credit_note: strawberry.Private[Row] = None
    _new_order: strawberry.Private[Row] = None
    errors: list[UserError] = strawberry.field(default_factory=list, description=ORDER_ERRORS)

    @strawberry.field(description="The source order, now CANCELED.")
    def order(self) -> OrderRef | None:
        return self._order

    @strawberry.field(description="The credit note reversing it.")
    def credit_note(self) -> OrderRef | None:
        return self._credit_note

    @strawberry.field(description="The NEW order carrying its lines again (and its payments).")
    def new_order(self) -> OrderRef | None:
        return self._new_order


@strawberry.type(description="The result of `invoiceSale`.")
class InvoiceSalePayload:
    _orders: strawberry.Private[list[models.Order]] = strawberry.field(default_factory=list)
    _already: strawberry.Private[list[int]] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(default_factory=list, description=ORDER_ERRORS)

    @strawberry.field(
        description="The orders created by this run (none when everything was invoiced)."
    )
    def orders(self) -> list[OrderRef]:
        rows: list[Any] = list(self._orders)
        return rows

    @strawberry.field(description="Sold lots found already on orders, left as they were.")
    async def already_invoiced_items(self, info: Info) -> list[ItemRef]:
        return await _items(info, self._already)


async def _items(info: Info, ids: Sequence[int]) -> list[Any]:
    items = await info.context.loaders.item_by_id.load_many(list(ids))
    return [item for item in items if item is not None]


# -- plumbing ------------------------------------------------------------------------------


async def run_use_case(call: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Await a use case: its result, or the user errors of the rules it refused on."""
    try:
        return await call, []
    except (errors.RuleViolation, errors.RuleViolations) as refused:
        return None, user_errors(errors.violations_of(refused))
    except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
        raise from_domain(exc) from exc


def refresh_orders(info: Info, orders: Sequence[models.Order]) -> None:
    """Prime the loaders with the changed orders; their lines and balances reload."""
    loaders = info.context.loaders
    for order in orders:
        loaders.order_by_id.clear(order.id).prime(order.id, order)
        loaders.order_lines_by_order_id.clear(order.id)
        loaders.balance_by_client_id.clear(order.client_id)


def _ids(values: Sequence[strawberry.ID], type_name: str, field: str) -> tuple[int, ...]:
    return tuple(decode_ids(list(values), type_name, field))


def _update_changes(input: UpdateOrderInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if input.status is not strawberry.UNSET and input.status is not None:
        changes["status"] = input.status
    if input.additional_charges is not strawberry.UNSET:
        changes["additional_charges"] = [c.to_charge() for c in input.additional_charges or []]
    if input.use_custom_address is not strawberry.UNSET and input.use_custom_address is not None:
        changes["use_custom_address"] = input.use_custom_address
    if input.custom_address is not strawberry.UNSET:
        address = input.custom_address
        changes["custom_address"] = address.to_dict() if address is not None else None
    return changes


@strawberry.type
class OrderMutations:
    @strawberry.mutation(
        description="Staff: create an order, priced from its lots (premium and tax at the "
        "sale's rates, or less the consignor's commission) and charges.",
        permission_classes=STAFF,
    )
    async def create_order(self, info: Info, input: CreateOrderInput) -> CreateOrderPayload:
        context = info.context
        cmd = CreateOrder(
            order_type=input.type,
            sale_id=decode_id(input.sale_id, "Sale", "saleId"),
            client_id=decode_id(input.owner_id, "Client", "ownerId"),
            status=input.status,
            item_ids=_ids(input.item_ids, "Item", "itemIds"),
            charges=tuple(charge.to_charge() for charge in input.additional_charges),
        )
        order, errors_ = await run_use_case(create_order(context.db, context.principal, cmd))
        if order is None:
            return CreateOrderPayload(errors=errors_)
        refresh_orders(info, [order])
        return CreateOrderPayload(_order=order)

    @strawberry.mutation(
        description="Staff: change an order's status (the workflow), own charges (totals "
        "recomputed) or custom address. LOCKED and CANCELED orders change no other field.",
        permission_classes=STAFF,
    )
    async def update_order(self, info: Info, input: UpdateOrderInput) -> UpdateOrderPayload:
        context = info.context
        cmd = UpdateOrder(order_id=decode_id(input.id, "Order"), changes=_update_changes(input))
        order, errors_ = await run_use_case(update_order(context.db, context.principal, cmd))
        if order is None:
            return UpdateOrderPayload(errors=errors_)
        refresh_orders(info, [order])
        return UpdateOrderPayload(_order=order)

    @strawberry.mutation(
        description="Staff: move lots of an open order to the owner's other open order of the "
        "same type and sale, or to a new one; both totals are recomputed.",
        permission_classes=STAFF,
    )
    async def split_order(self, info: Info, input: SplitOrderInput) -> SplitOrderPayload:
        context = info.context
        cmd = SplitOrder(
            order_id=decode_id(input.order_id, "Order", "orderId"),
            item_ids=_ids(input.item_ids, "Item", "itemIds"),
        )
        result, errors_ = await run_use_case(split_order(context.db, context.principal, cmd))
        if result is None:
            return SplitOrderPayload(errors=errors_)
        refresh_orders(info, [result.source, result.target])
        return SplitOrderPayload(
            _order=result.source, _target=result.target, _moved=result.moved_item_ids
        )

    @strawberry.mutation(
        description="Staff: credit lots of a FINISHED or LOCKED order (1 to 100, each once): "
        "a FINISHED credit note whose lines negate theirs.",
        permission_classes=STAFF,
    )
    async def create_credit_note(
        self, info: Info, input: CreateCreditNoteInput
    ) -> CreateCreditNotePayload:
        context = info.context
        cmd = CreateCreditNote(
            order_id=decode_id(input.order_id, "Order", "orderId"),
            item_ids=_ids(input.item_ids, "Item", "itemIds"),
        )
        result, errors_ = await run_use_case(create_credit_note(context.db, context.principal, cmd))
        if result is None:
            return CreateCreditNotePayload(errors=errors_)
        refresh_orders(info, [result.order, result.credit_note])
        return CreateCreditNotePayload(_order=result.order, _credit_note=result.credit_note)

    @strawberry.mutation(
        description="Staff: correct a LOCKED order: it becomes CANCELED, a credit note "
        "reverses it and a NEW order carries its lines and payments again.",
        permission_classes=STAFF,
    )
    async def cancel_and_reissue_order(
        self, info: Info, input: CancelAndReissueOrderInput
    ) -> CancelAndReissueOrderPayload:
        context = info.context
        cmd = CancelAndReissue(order_id=decode_id(input.order_id, "Order", "orderId"))
        result, errors_ = await run_use_case(
            cancel_and_reissue_order(context.db, context.principal, cmd)
        )
        if result is None:
            return CancelAndReissueOrderPayload(errors=errors_)
        refresh_orders(info, [result.order, result.credit_note, result.new_order])
        return CancelAndReissueOrderPayload(
            _order=result.order, _credit_note=result.credit_note, _new_order=result.new_order
        )

    @strawberry.mutation(
        description="Staff: invoice a closed sale now (what the invoicing job does): one "
        "BIDDER order per winning client and one CONSIGNOR order per consignor. Running it "
        "again creates nothing new.",
        permission_classes=STAFF,
    )
    async def invoice_sale(self, info: Info, input: InvoiceSaleInput) -> InvoiceSalePayload:
        context = info.context
        sale_id = decode_id(input.sale_id, "Sale", "saleId")
        result, errors_ = await run_use_case(
            build_sale_orders(context.db, context.principal, sale_id)
        )
        if result is None:
            return InvoiceSalePayload(errors=errors_)
        refresh_orders(info, result.created)
        return InvoiceSalePayload(
            _orders=list(result.created), _already=result.already_invoiced_item_ids
        )
