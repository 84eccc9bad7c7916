"""Typed rows of the multi-row fields (``domain.rows``): additional charges, dimensions,
shipping methods, finder fees, external ids and catalogue references, as inputs (turned into
the domain's row dicts) and as the output types that read the stored JSON rows back."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from domain.orders.pricing import decimal_or_none
from domain.rows import stored_commission
from graph.context import Info
from graph.filtering import decode_id
from graph.permissions import STAFF_ONLY, staff_only
from graph.scalars import Measure, Rate

if TYPE_CHECKING:
    from graph.client.types import Client
    from graph.item.types import Item

StoredRows = Iterable[Mapping[str, Any]] | None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _measure(value: Any) -> Measure | None:
    number = decimal_or_none(value)
    return None if number is None else Measure(number)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# -- additional charges --------------------------------------------------------------------


@strawberry.input(description="An additional charge (shipping, photography, handling, …).")
class ChargeRowInput:
    term: str = strawberry.field(description="What is charged (Shipping, Photography, …).")
    amount: Decimal = strawberry.field(description="Amount, tax excluded (zero or more).")
    tax: Decimal = strawberry.field(
        default=Decimal("0"), description="Tax on the charge, as an amount (zero or more)."
    )
    description: str = strawberry.field(default="", description="Text printed on the line.")
    attached_to: str | None = strawberry.field(
        default=None,
        description="What the charge is attached to: consignment, item or sale on a client; "
        "item on a lot; sale on a sale; consignment or item on a consignment. Null for any.",
    )

    def to_row(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "amount": self.amount,
            "tax": self.tax,
            "description": self.description,
            "attached_to": self.attached_to,
        }


@strawberry.type(description="An additional charge and the tax on it.")
class ChargeRow:
    term: str = strawberry.field(description="What is charged (Shipping, Photography, …).")
    amount: Decimal = strawberry.field(description="Amount, tax excluded.")
    tax: Decimal = strawberry.field(description="Tax on the charge, as an amount.")
    description: str = strawberry.field(description="Text printed on the line.")
    attached_to: str | None = strawberry.field(
        description="consignment, item or sale; null for any."
    )


def charge_rows(rows: StoredRows) -> list[ChargeRow]:
    """The stored charge rows, typed (an unreadable amount reads 0)."""
    return [
        ChargeRow(
            term=str(row.get("term") or ""),
            amount=decimal_or_none(row.get("amount")) or Decimal(0),
            tax=decimal_or_none(row.get("tax")) or Decimal(0),
            description=str(row.get("description") or ""),
            attached_to=row.get("attached_to"),
        )
        for row in rows or ()
    ]


# -- dimensions ----------------------------------------------------------------------------


@strawberry.input(description="One packed piece of a lot: its size in cm and weight in kg.")
class DimensionInput:
    number_on_box: str = strawberry.field(default="", description="Number written on the box.")
    height: Measure | None = strawberry.field(default=None, description="Height in cm (> 0).")
    width: Measure | None = strawberry.field(default=None, description="Width in cm (> 0).")
    depth: Measure | None = strawberry.field(default=None, description="Depth in cm (> 0).")
    weight: Measure | None = strawberry.field(default=None, description="Weight in kg (> 0).")
    type: str = strawberry.field(default="", description="How it is packed (framed, boxed).")
    packed_date: dt.date | None = strawberry.field(default=None, description="When it was packed.")

    def to_row(self) -> dict[str, Any]:
        names = ("number_on_box", "height", "width", "depth", "weight", "type", "packed_date")
        return {name: getattr(self, name) for name in names}


@strawberry.type(description="One packed piece of a lot: its size in cm and weight in kg.")
class Dimension:
    number_on_box: str = strawberry.field(description="Number written on the box.")
    height: Measure | None = strawberry.field(description="Height in cm.")
    width: Measure | None = strawberry.field(description="Width in cm.")
    depth: Measure | None = strawberry.field(description="Depth in cm.")
    weight: Measure | None = strawberry.field(description="Weight in kg.")
    type: str = strawberry.field(description="How it is packed (framed, boxed).")
    packed_date: dt.date | None = strawberry.field(description="When it was packed.")


def dimension_rows(rows: StoredRows) -> list[Dimension]:
    """The stored dimension rows, typed."""
    return [
        Dimension(
            number_on_box=str(row.get("number_on_box") or ""),
            height=_measure(row.get("height")),
            width=_measure(row.get("width")),
            depth=_measure(row.get("depth")),
            weight=_measure(row.get("weight")),
            type=str(row.get("type") or ""),
            packed_date=_date(row.get("packed_date")),
        )
        for row in rows or ()
    ]


# -- catalogue references ------------------------------------------------------------------


@strawberry.input(description="Where a lot appears in a reference catalogue.")
class CatalogInput:
    catalog_name: str = strawberry.field(
        default="", description="The catalogue (Michel, Scott, …); a name or a number is needed."
    )
    catalog_number: str = strawberry.field(
        default="", description="The lot's number in that catalogue."
    )
    ordering_number: int | None = strawberry.field(
        default=None, description="Display order of this reference (zero or more)."
    )
    catalog_value: Decimal | None = strawberry.field(
        default=None, description="The value the catalogue gives the lot (zero or more)."
    )

    def to_row(self) -> dict[str, Any]:
        names = ("catalog_name", "catalog_number", "ordering_number", "catalog_value")
        return {name: getattr(self, name) for name in names}


@strawberry.type(description="Where a lot appears in a reference catalogue.")
class Catalog:
    catalog_name: str = strawberry.field(description="The catalogue (Michel, Scott, …).")
    catalog_number: str = strawberry.field(description="The lot's number in that catalogue.")
    ordering_number: int | None = strawberry.field(description="Display order of this reference.")
    catalog_value: Decimal | None = strawberry.field(
        description="The value the catalogue gives the lot."
    )


def catalog_rows(rows: StoredRows) -> list[Catalog]:
    """The stored catalogue rows, typed."""
    return [
        Catalog(
            catalog_name=str(row.get("catalog_name") or ""),
            catalog_number=str(row.get("catalog_number") or ""),
            ordering_number=_int(row.get("ordering_number")),
            catalog_value=decimal_or_none(row.get("catalog_value")),
        )
        for row in rows or ()
    ]


# -- shipping methods ----------------------------------------------------------------------


@strawberry.enum(description="Which way a shipment goes.")
class ShippingDirection(enum.Enum):
    INCOMING = strawberry.enum_value("incoming", description="From the consignor to the house.")
    OUTGOING = strawberry.enum_value("outgoing", description="From the house to the consignor.")


@strawberry.input(description="A shipment of a consignment's goods.")
class ShippingMethodInput:
    type: ShippingDirection = strawberry.field(description="INCOMING or OUTGOING.")
    method_type: str = strawberry.field(
        default="", description="The carrier or service (FedEx, UPS Ground)."
    )
    amount: Decimal | None = strawberry.field(
        default=None, description="Shipping cost (zero or more)."
    )
    date: dt.date | None = strawberry.field(default=None, description="Shipping date.")
    shipping_id: int | None = strawberry.field(default=None, description="Custom shipping id.")
    tax_customs_number: int | None = strawberry.field(
        default=None, description="Tax or customs reference number."
    )
    tax_customs_type: str = strawberry.field(default="", description="import, export, …")
    customs_tracking_number: str = strawberry.field(default="", description="Tracking number.")
    shipping_notes: str = strawberry.field(default="", description="Internal notes.")
    description: str = strawberry.field(default="", description="Description.")

    def to_row(self) -> dict[str, Any]:
        names = (
            "method_type",
            "amount",
            "date",
            "shipping_id",
            "tax_customs_number",
            "tax_customs_type",
            "customs_tracking_number",
            "shipping_notes",
            "description",
        )
        return {"type": self.type.value} | {name: getattr(self, name) for name in names}


@strawberry.type(description="A shipment of a consignment's goods.")
class ShippingMethod:
    type: ShippingDirection | None = strawberry.field(description="INCOMING or OUTGOING.")
    method_type: str = strawberry.field(description="The carrier or service (FedEx).")
    amount: Decimal | None = strawberry.field(description="Shipping cost.")
    date: dt.date | None = strawberry.field(description="Shipping date.")
    shipping_id: int | None = strawberry.field(description="Custom shipping id.")
    tax_customs_number: int | None = strawberry.field(description="Tax or customs reference.")
    tax_customs_type: str = strawberry.field(description="import, export, …")
    customs_tracking_number: str = strawberry.field(description="Tracking number.")
    description: str = strawberry.field(description="Description.")
    _notes: strawberry.Private[str] = ""

    @strawberry.field(description="Internal notes." + STAFF_ONLY, extensions=staff_only())
    def shipping_notes(self) -> str | None:
        return self._notes


def _direction(value: Any) -> ShippingDirection | None:
    try:
        return ShippingDirection(value)
    except ValueError:
        return None


def shipping_rows(rows: StoredRows) -> list[ShippingMethod]:
    """The stored shipping method rows, typed."""
    return [
        ShippingMethod(
            type=_direction(row.get("type")),
            method_type=str(row.get("method_type") or ""),
            amount=decimal_or_none(row.get("amount")),
            date=_date(row.get("date")),
            shipping_id=_int(row.get("shipping_id")),
            tax_customs_number=_int(row.get("tax_customs_number")),
            tax_customs_type=str(row.get("tax_customs_type") or ""),
            customs_tracking_number=str(row.get("customs_tracking_number") or ""),
            _notes=str(row.get("shipping_notes") or ""),
            description=str(row.get("description") or ""),
        )
        for row in rows or ()
    ]


# -- finder fees ---------------------------------------------------------------------------


@strawberry.input(description="A finder's fee: who brought the goods in, and their commission.")
class FinderFeeInput:
    finder_id: strawberry.ID = strawberry.field(description="The finder (a client).")
    item_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The lot the fee is for, a lot of this consignment; null for the whole "
        "consignment.",
    )
    rate: Rate | None = strawberry.field(
        default=None, description="The commission as a fraction of the hammer price, or…"
    )
    amount: Decimal | None = strawberry.field(
        default=None, description="…as a fixed amount (give one of the two)."
    )

    def to_row(self, where: str) -> dict[str, Any]:
        return {
            "finder_id": decode_id(self.finder_id, "Client", f"{where}.finderId"),
            "item_id": None
            if self.item_id is None
            else decode_id(self.item_id, "Item", f"{where}.itemId"),
            "rate": self.rate,
            "amount": self.amount,
        }


@strawberry.type(description="A finder's fee on a consignment.")
class FinderFee:
    _finder_id: strawberry.Private[int | None]
    _item_id: strawberry.Private[int | None]
    rate: Rate | None = strawberry.field(
        description="The commission as a fraction of the hammer price (null for an amount)."
    )
    amount: Decimal | None = strawberry.field(
        description="The commission as a fixed amount (null for a rate)."
    )

    @strawberry.field(description="The finder.")
    def finder(self, info: Info) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        if self._finder_id is None:
            return None
        return info.context.loaders.client_by_id.get(self._finder_id)

    @strawberry.field(description="The lot the fee is for; null for the whole consignment.")
    def item(self, info: Info) -> Annotated[Item, strawberry.lazy("graph.item.types")] | None:
        if self._item_id is None:
            return None
        return info.context.loaders.item_by_id.get(self._item_id)


def finder_fee_rows(rows: StoredRows) -> list[FinderFee]:
    """The stored finder fee rows, typed."""
    fees = []
    for row in rows or ():
        rate, amount = stored_commission(row.get("commission"))
        fees.append(
            FinderFee(
                _finder_id=_int(row.get("finder")),
                _item_id=_int(row.get("item")),
                rate=Rate(rate) if rate is not None else None,
                amount=amount,
            )
        )
    return fees


# -- external ids --------------------------------------------------------------------------


@strawberry.input(description="An id of the client or sale in another system.")
class ExternalIdInput:
    system: str = strawberry.field(description="The other system.")
    external_id: str = strawberry.field(description="The id there.")

    def to_row(self) -> dict[str, Any]:
        return {"system": self.system, "external_id": self.external_id}


@strawberry.type(description="An id of the client or sale in another system.")
class ExternalId:
    system: str = strawberry.field(description="The other system.")
    external_id: str = strawberry.field(description="The id there.")


def external_ids(rows: StoredRows) -> list[ExternalId]:
    """Stored external id rows as typed rows."""
    return [
        ExternalId(system=str(row.get("system", "")), external_id=str(row.get("external_id", "")))
        for row in rows or ()
    ]
