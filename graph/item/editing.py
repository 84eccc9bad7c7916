"""Staff catalogue editing of items: create, update, delete, bulk edit, statuses, clone, move
and lot numbering. Thin adapters over ``domain.items``."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import UNSET
from strawberry.relay import to_base64

from db import models
from domain import bulk, items
from graph.context import Info
from graph.editing import ErrorPolicy, attempt, sent_fields
from graph.enums import ItemStatus
from graph.filtering import decode_id, decode_ids
from graph.payloads import UserError, user_errors
from graph.permissions import STAFF
from graph.rows import CatalogInput, ChargeRowInput, DimensionInput
from graph.term.inputs import TERM_IDS, decode_terms
from graph.user.types import RESPONSIBLE_USERS_INPUT

if TYPE_CHECKING:
    from graph.item.types import Item

IDS = {"consignment_id": "Consignment", "category_id": "Category", "responsible_user_ids": "User"}
ItemType = Annotated["Item", strawberry.lazy("graph.item.types")]


@strawberry.input(description="Fields of a lot; only the fields sent are written.")
class ItemFieldsInput:
    description: str | None = strawberry.field(default=UNSET, description="HTML description.")
    published: bool | None = strawberry.field(
        default=UNSET, description="Shown in the public catalogue."
    )
    lot_number: int | None = strawberry.field(
        default=UNSET,
        description="Lot number, unique in the sale with `lotLetter`; refused while the sale's "
        "lots are locked.",
    )
    lot_letter: str | None = strawberry.field(
        default=UNSET, description='Suffix letters of the lot ("A"), up to three.'
    )
    category_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description="Main category: moved to the front of `categories` (null clears them).",
    )
    categories: list[strawberry.ID] | None = strawberry.field(
        default=UNSET,
        description="Category IDs, the main category first; replaced as a whole (null or [] "
        "clears). Errors name the entry: `categories.1`.",
    )
    destinations: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Destinations: " + TERM_IDS
    )
    search_tags: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Search tags: " + TERM_IDS
    )
    catalogue_parts: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Catalogue parts: " + TERM_IDS
    )
    postal_thematics: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Postal thematics: " + TERM_IDS
    )
    symbols: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Philatelic symbols: " + TERM_IDS
    )
    sub_symbol: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Philatelic sub-symbols: " + TERM_IDS
    )
    grouping_category: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Grouping categories: " + TERM_IDS
    )
    topics: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Topics: " + TERM_IDS
    )
    tags: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Lot tags: " + TERM_IDS
    )
    mediums: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Mediums: " + TERM_IDS
    )
    collectible_type: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The collectible type (a Term ID); null clears."
    )
    country: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The lot's country (a Term ID); null clears."
    )
    estimate_low: Decimal | None = strawberry.field(default=UNSET, description="Low estimate.")
    estimate_high: Decimal | None = strawberry.field(
        default=UNSET, description="High estimate (not below the low one)."
    )
    starting_price: Decimal | None = strawberry.field(
        default=UNSET, description="Opening bid; frozen once the lot has bids."
    )
    reserve_price: Decimal | None = strawberry.field(
        default=UNSET, description="Confidential reserve; only lowered once the lot has bids."
    )
    buy_now_price: Decimal | None = strawberry.field(
        default=UNSET, description="Buy-now price (used while the lot has no bid)."
    )
    minimum_price: Decimal | None = strawberry.field(
        default=UNSET, description="Minimum acceptable price; only lowered once bid on."
    )
    auctioneer_notes: str | None = strawberry.field(
        default=UNSET, description="Notes for the auctioneer."
    )
    dimensions: list[DimensionInput] | None = strawberry.field(
        default=UNSET,
        description="The packed pieces of the lot (replaced as a whole; null or [] clears). "
        "Errors name the row: `dimensions[1].height`.",
    )
    additional_charges: list[ChargeRowInput] | None = strawberry.field(
        default=UNSET,
        description="Charges billed with the lot to its buyer, each after the lot on the "
        "invoice (replaced as a whole; null or [] clears). Errors name the row: "
        "`additionalCharges[1].amount`.",
    )
    responsible_user_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description=RESPONSIBLE_USERS_INPUT
    )

    position_of_consignment: int | None = strawberry.field(
        default=UNSET, description="Position of the lot within its consignment (zero or more)."
    )
    footer: str | None = strawberry.field(
        default=UNSET, description="Text printed after the description."
    )
    caption: str | None = strawberry.field(
        default=UNSET, description="Caption of the lot's images."
    )
    literature: str | None = strawberry.field(
        default=UNSET, description="Literature citing the lot."
    )
    essay: str | None = strawberry.field(default=UNSET, description="Catalogue essay.")
    provenance: str | None = strawberry.field(
        default=UNSET, description="Previous owners of the lot."
    )
    ex: str | None = strawberry.field(
        default=UNSET, description="Ex-collection: collections it came from."
    )
    item_type: str | None = strawberry.field(default=UNSET, description='Kind of lot ("artwork").')
    grade: str | None = strawberry.field(default=UNSET, description="Condition or grade.")
    year: int | None = strawberry.field(
        default=UNSET, description="Year of the lot, -9999 to 9999 (negative for BC)."
    )
    consignor_reference_number: str | None = strawberry.field(
        default=UNSET, description="The consignor's own reference for the lot."
    )
    estimate_internal: Decimal | None = strawberry.field(
        default=UNSET, description="The house's internal estimate."
    )
    retail_price: Decimal | None = strawberry.field(default=UNSET, description="Retail price.")
    buy_now_setting: str | None = strawberry.field(
        default=UNSET, description="How buy now is offered."
    )
    reserve_type: str | None = strawberry.field(
        default=UNSET, description='Kind of reserve ("fixed").'
    )
    video_url: str | None = strawberry.field(
        default=UNSET, description="Link to a video of the lot."
    )
    pdf_url: str | None = strawberry.field(
        default=UNSET, description="Link to a PDF about the lot."
    )
    certificate_link: str | None = strawberry.field(
        default=UNSET, description="Link to its certificate."
    )
    reference_link: str | None = strawberry.field(
        default=UNSET, description="Link to a reference page."
    )
    product_tax_code: str | None = strawberry.field(
        default=UNSET, description="Sales tax product code."
    )
    harmonized_code: str | None = strawberry.field(default=UNSET, description="Customs (HS) code.")
    signed_locations: str | None = strawberry.field(
        default=UNSET, description="Where the work is signed."
    )
    art_work_type: str | None = strawberry.field(default=UNSET, description="Kind of artwork.")
    shipping_id: int | None = strawberry.field(
        default=UNSET, description="Shipping profile id (zero or more)."
    )
    post_sale: bool | None = strawberry.field(
        default=UNSET, description="Offered in the post-sale."
    )
    public_message: str | None = strawberry.field(
        default=UNSET, description="Message shown to bidders."
    )
    dont_pay_consignor_note: str | None = strawberry.field(
        default=UNSET, description="Why the consignor is not to be paid."
    )
    printing_options: str | None = strawberry.field(
        default=UNSET, description="Catalogue printing options."
    )
    hide_sold_information: bool | None = strawberry.field(
        default=UNSET,
        description="Ask public catalogues to hide the lot's result (the API still returns it).",
    )
    catalogs: list[CatalogInput] | None = strawberry.field(
        default=UNSET,
        description="Where the lot appears in reference catalogues (replaced as a whole; null "
        "or [] clears). Errors name the row: `catalogs[0].catalogValue`.",
    )


@strawberry.input(description="A new lot.")
class CreateItemInput(ItemFieldsInput):
    sale_id: strawberry.ID = strawberry.field(description="The sale.")
    consignment_id: strawberry.ID = strawberry.field(
        description="The consignment, which must belong to the sale."
    )
    title: str = strawberry.field(description="Title line of the lot.")
    start_lot_numbering_at: int | None = strawberry.field(
        default=None,
        description="Without `lotNumber`, the lot gets the highest number in the sale + 1, or "
        "this (default 1) when the sale has no numbered lot.",
    )


@strawberry.input(description="Changes to a lot: only the fields sent change.")
class UpdateItemInput(ItemFieldsInput):
    id: strawberry.ID = strawberry.field(description="The lot.")
    title: str | None = strawberry.field(default=UNSET, description="Title line of the lot.")
    consignment_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The consignment, which must belong to the lot's sale."
    )


@strawberry.input(description="The lot to delete.")
class DeleteItemInput:
    id: strawberry.ID = strawberry.field(
        description="The lot (not sold, on no order, without bids)."
    )


@strawberry.input(description="Lots to delete (REST items-bulk `delete`).")
class DeleteItemsInput:
    item_ids: list[strawberry.ID] = strawberry.field(
        description="The lots (1 to 1000); each not sold, on no order and without bids."
    )
    error_policy: ErrorPolicy = strawberry.field(
        default=ErrorPolicy.REJECT_EVERYTHING, description="What to do with lots that fail."
    )


@strawberry.input(description="Many lots to change, one row each.")
class BulkUpdateItemsInput:
    items: list[UpdateItemInput] = strawberry.field(
        description="One row per lot (1 to 1000); errors name their row (`items.3.estimateLow`)."
    )
    error_policy: ErrorPolicy = strawberry.field(
        default=ErrorPolicy.REJECT_EVERYTHING, description="What to do with rows that fail."
    )


@strawberry.input(description="Close many lots by hand (REST items-bulk `update_status`).")
class UpdateItemStatusesInput:
    item_ids: list[strawberry.ID] = strawberry.field(description="The lots (1 to 1000).")
    status: ItemStatus = strawberry.field(
        description="WITHDRAWN, UNSOLD or PASSED (no buyer) or SOLD (to the leading bid)."
    )
    error_policy: ErrorPolicy = strawberry.field(
        default=ErrorPolicy.REJECT_EVERYTHING, description="What to do with lots that fail."
    )


@strawberry.input(description="Lots to copy or move into a sale and one of its consignments.")
class CloneOrMoveItemsInput:
    item_ids: list[strawberry.ID] = strawberry.field(description="The lots, in order.")
    target_sale_id: strawberry.ID = strawberry.field(
        description="The sale to put them in (its lots must not be locked)."
    )
    target_consignment_id: strawberry.ID = strawberry.field(
        description="A consignment of the target sale."
    )


@strawberry.input(description="Lots to clone.")
class CloneItemsInput(CloneOrMoveItemsInput):
    pass


@strawberry.input(description="Lots to move.")
class MoveItemsInput(CloneOrMoveItemsInput):
    pass


@strawberry.input(description="Renumber every lot of a sale.")
class RenumberLotsInput:
    sale_id: strawberry.ID = strawberry.field(description="The sale (its lots not locked).")
    start_at: int = strawberry.field(default=1, description="The first lot's number.")


@strawberry.input(description="A lot as printed.")
class ItemLotInput:
    item_id: strawberry.ID = strawberry.field(description="The lot.")
    lot: str = strawberry.field(description='Digits then up to three letters ("150", "150A").')


@strawberry.input(description="Set many lots at once; two lots may swap numbers.")
class UpdateItemLotsInput:
    items: list[ItemLotInput] = strawberry.field(description="The lots (1 to 1000).")


@strawberry.type(description="The result of a single-lot mutation.")
class ItemPayload:
    _item: strawberry.Private[models.Item | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every rule the input broke; nothing changed."
    )

    @strawberry.field(description="The lot after the change.")
    def item(self) -> ItemType | None:
        return self._item


@strawberry.type(description="The result of `createItem`.")
class CreateItemPayload(ItemPayload):
    pass


@strawberry.type(description="The result of `updateItem`.")
class UpdateItemPayload(ItemPayload):
    pass


@strawberry.type(description="The result of `deleteItem`.")
class DeleteItemPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The ID of the deleted lot."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why the lot was kept (ITEM_SOLD, HAS_ORDERS, HAS_BIDS).",
    )


@strawberry.type(description="The result of `deleteItems`.")
class DeleteItemsPayload:
    count: int = strawberry.field(default=0, description="How many lots were deleted.")
    deleted_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The IDs of the deleted lots, in input order."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why lots were kept; `field` is the path (`itemIds.2`).",
    )


@strawberry.type(description="What happened to one row of a bulk mutation.")
class ItemBulkResult:
    index: int = strawberry.field(description="The row's position in the input (from 0).")
    _item: strawberry.Private[models.Item | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="The row's errors; `field` is the path in the input (`items.3.lotNumber`).",
    )

    @strawberry.field(description="The lot as written; null when the row was rejected.")
    def item(self) -> ItemType | None:
        return self._item


@strawberry.type(description="The result of a bulk mutation on lots.")
class ItemBulkPayload:
    count: int = strawberry.field(default=0, description="How many rows were written.")
    results: list[ItemBulkResult] = strawberry.field(
        default_factory=list, description="One result per input row, in order."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Every error of every row (paths in `field`), and request-level errors.",
    )


@strawberry.type(description="The result of `bulkUpdateItems`.")
class BulkUpdateItemsPayload(ItemBulkPayload):
    pass


@strawberry.type(description="The result of `updateItemStatuses`.")
class UpdateItemStatusesPayload(ItemBulkPayload):
    pass


@strawberry.type(description="The result of a mutation on several lots, all or nothing.")
class ItemsPayload:
    _items: strawberry.Private[list[models.Item] | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every rule the input broke; nothing changed."
    )

    @strawberry.field(description="The lots after the change, in input order.")
    def items(self) -> list[ItemType]:
        return self._items or []


@strawberry.type(description="The result of `cloneItems`: the copies, in input order.")
class CloneItemsPayload(ItemsPayload):
    pass


@strawberry.type(description="The result of `moveItems`: the moved lots, in input order.")
class MoveItemsPayload(ItemsPayload):
    pass


@strawberry.type(description="The result of `renumberLots`: the sale's lots in lot order.")
class RenumberLotsPayload(ItemsPayload):
    pass


@strawberry.type(description="The result of `updateItemLots`: the lots, in input order.")
class UpdateItemLotsPayload(ItemsPayload):
    pass


def _prime(info: Info, *rows: models.Item | None) -> None:
    loader = info.context.loaders.item_by_id
    for item in rows:
        if item is not None:
            loader.clear(item.id).prime(item.id, item)


def _bulk_payload(
    info: Info, result: bulk.BulkResult[models.Item] | None, errors_: list[UserError]
) -> tuple[int, list[ItemBulkResult], list[UserError]]:
    if result is None:
        return 0, [], errors_
    _prime(info, *(row.object for row in result.rows))
    rows = [
        ItemBulkResult(index=row.index, _item=row.object, errors=user_errors(row.errors))
        for row in result.rows
    ]
    return result.count, rows, user_errors(result.errors)


def _values(input: ItemFieldsInput, skip: tuple[str, ...]) -> dict[str, Any]:
    """The sent fields, with the typed rows as the domain's row dicts."""
    values = decode_terms(sent_fields(input, ids=IDS, skip=skip), items.TERM_FIELDS)
    for name in ("dimensions", "additional_charges", "catalogs"):
        if name in values:
            values[name] = [row.to_row() for row in values[name] or ()]
    return values


def _update(input: UpdateItemInput) -> items.UpdateItem:
    return items.UpdateItem(
        item_id=decode_id(input.id, "Item", "id"), changes=_values(input, skip=("id",))
    )


def _copy(input: CloneOrMoveItemsInput) -> items.CopyItems:
    return items.CopyItems(
        item_ids=decode_ids(input.item_ids, "Item", "itemIds"),
        target_sale_id=decode_id(input.target_sale_id, "Sale", "targetSaleId"),
        target_consignment_id=decode_id(
            input.target_consignment_id, "Consignment", "targetConsignmentId"
        ),
    )


@strawberry.type
class ItemEditingMutations:
    @strawberry.mutation(
        description="Create a lot in a sale; without `lotNumber` it gets the next free number "
        "(unnumbered while the sale's lots are locked). Staff only.",
        permission_classes=STAFF,
    )
    async def create_item(self, info: Info, input: CreateItemInput) -> CreateItemPayload:
        context = info.context
        cmd = items.CreateItem(
            sale_id=decode_id(input.sale_id, "Sale", "saleId"),
            values=_values(input, skip=("sale_id", "start_lot_numbering_at")),
            start_lot_numbering_at=input.start_lot_numbering_at,
        )
        item, errors_ = await attempt(items.create_item(context.db, context.principal, cmd))
        _prime(info, item)
        return CreateItemPayload(_item=item, errors=errors_)

    @strawberry.mutation(
        description="Change a lot's fields: only those sent change, ordered with the bids on "
        "the lot; prices a bidder relies on are protected (HAS_BIDS, ITEM_CLOSED). Staff only.",
        permission_classes=STAFF,
    )
    async def update_item(self, info: Info, input: UpdateItemInput) -> UpdateItemPayload:
        context = info.context
        item, errors_ = await attempt(
            items.update_item(context.db, context.principal, _update(input))
        )
        _prime(info, item)
        return UpdateItemPayload(_item=item, errors=errors_)

    @strawberry.mutation(
        description="Delete a lot that is not sold, on no order and without bids. Staff only.",
        permission_classes=STAFF,
    )
    async def delete_item(self, info: Info, input: DeleteItemInput) -> DeleteItemPayload:
        context = info.context
        cmd = items.DeleteItem(item_id=decode_id(input.id, "Item", "id"))
        item, errors_ = await attempt(items.delete_item(context.db, context.principal, cmd))
        if item is None:
            return DeleteItemPayload(errors=errors_)
        context.loaders.item_by_id.clear(item.id)
        return DeleteItemPayload(deleted_id=strawberry.ID(input.id))

    @strawberry.mutation(
        description="Delete many lots, each like `deleteItem`, under an error policy. Staff only.",
        permission_classes=STAFF,
    )
    async def delete_items(self, info: Info, input: DeleteItemsInput) -> DeleteItemsPayload:
        context = info.context
        cmd = items.DeleteItems(
            item_ids=decode_ids(input.item_ids, "Item", "itemIds"),
            policy=input.error_policy.domain,
        )
        result, errors_ = await attempt(items.delete_items(context.db, context.principal, cmd))
        if result is None:
            return DeleteItemsPayload(errors=errors_)
        deleted = [row.object for row in result.rows if row.object is not None]
        for item in deleted:
            context.loaders.item_by_id.clear(item.id)
        return DeleteItemsPayload(
            count=result.count,
            deleted_ids=[strawberry.ID(to_base64("Item", item.id)) for item in deleted],
            errors=user_errors(result.errors),
        )

    @strawberry.mutation(
        description="Change many lots, each row like `updateItem`; lot numbers are checked on "
        "the final state of the batch (swaps allowed). Staff only.",
        permission_classes=STAFF,
    )
    async def bulk_update_items(
        self, info: Info, input: BulkUpdateItemsInput
    ) -> BulkUpdateItemsPayload:
        context = info.context
        cmd = items.BulkUpdateItems(
            rows=[_update(row) for row in input.items], policy=input.error_policy.domain
        )
        result, errors_ = await attempt(items.bulk_update_items(context.db, context.principal, cmd))
        count, rows, all_errors = _bulk_payload(info, result, errors_)
        return BulkUpdateItemsPayload(count=count, results=rows, errors=all_errors)

    @strawberry.mutation(
        description="Close lots by hand: WITHDRAWN, UNSOLD, PASSED, or SOLD to the leading "
        "bid; lots on an order keep their result. Staff only.",
        permission_classes=STAFF,
    )
    async def update_item_statuses(
        self, info: Info, input: UpdateItemStatusesInput
    ) -> UpdateItemStatusesPayload:
        context = info.context
        cmd = items.UpdateItemStatuses(
            item_ids=decode_ids(input.item_ids, "Item", "itemIds"),
            status=input.status,
            policy=input.error_policy.domain,
        )
        result, errors_ = await attempt(
            items.update_item_statuses(context.db, context.principal, cmd)
        )
        count, rows, all_errors = _bulk_payload(info, result, errors_)
        return UpdateItemStatusesPayload(count=count, results=rows, errors=all_errors)

    @strawberry.mutation(
        description="Copy lots into a sale and consignment with the next free lot numbers "
        "(bids and results are not copied). All or nothing. Staff only.",
        permission_classes=STAFF,
    )
    async def clone_items(self, info: Info, input: CloneItemsInput) -> CloneItemsPayload:
        context = info.context
        copies, errors_ = await attempt(
            items.clone_items(context.db, context.principal, _copy(input))
        )
        _prime(info, *(copies or []))
        return CloneItemsPayload(_items=copies or [], errors=errors_)

    @strawberry.mutation(
        description="Move lots (not sold, on no order, without bids) to a sale and consignment; "
        "a lot number taken in the target is replaced by the next free one. All or nothing. "
        "Staff only.",
        permission_classes=STAFF,
    )
    async def move_items(self, info: Info, input: MoveItemsInput) -> MoveItemsPayload:
        context = info.context
        moved, errors_ = await attempt(
            items.move_items(context.db, context.principal, _copy(input))
        )
        _prime(info, *(moved or []))
        return MoveItemsPayload(_items=moved or [], errors=errors_)

    @strawberry.mutation(
        description="Number a sale's lots from `startAt` in their lot order, letters cleared. "
        "Staff only.",
        permission_classes=STAFF,
    )
    async def renumber_lots(self, info: Info, input: RenumberLotsInput) -> RenumberLotsPayload:
        context = info.context
        cmd = items.RenumberLots(
            sale_id=decode_id(input.sale_id, "Sale", "saleId"), start_at=input.start_at
        )
        lots, errors_ = await attempt(items.renumber_lots(context.db, context.principal, cmd))
        _prime(info, *(lots or []))
        return RenumberLotsPayload(_items=lots or [], errors=errors_)

    @strawberry.mutation(
        description="Set many lots at once (swaps allowed), all or nothing. Staff only.",
        permission_classes=STAFF,
    )
    async def update_item_lots(
        self, info: Info, input: UpdateItemLotsInput
    ) -> UpdateItemLotsPayload:
        context = info.context
        cmd = items.UpdateItemLots(
            rows=[
                items.ItemLot(
                    item_id=decode_id(row.item_id, "Item", f"items.{i}.itemId"), lot=row.lot
                )
                for i, row in enumerate(input.items)
            ]
        )
        lots, errors_ = await attempt(items.update_item_lots(context.db, context.principal, cmd))
        _prime(info, *(lots or []))
        return UpdateItemLotsPayload(_items=lots or [], errors=errors_)
