"""Items (lots), their images, and consignments."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import Field, SQLModel

from db.base import created_at_field, updated_at_field
from db.models.columns import enum_field, fk, flag, integer, json_field, money, text, tz
from db.models.enums import ItemStatus


class Consignment(SQLModel, table=True):
    """Goods a consignor hands to the house for one sale, with the commission terms."""

    __tablename__ = "consignments"

    id: int = Field(default=None, primary_key=True)
    number: str = Field(sa_column=sa.Column(sa.Text, nullable=False, unique=True))
    title: str = Field(sa_column=sa.Column(sa.Text, nullable=False, index=True))
    symbol: str | None = text(index=True)
    sub_symbol: str | None = text()
    consignor_id: int = fk("clients.id", nullable=False)
    sale_id: int | None = fk("sales.id", ondelete="SET NULL")
    published: bool = flag(True)
    promoted: bool = flag(False)
    is_house: bool = flag(False, index=True)
    no_post_sale: bool = flag(False)
    estimated: Decimal | None = money()
    insurance_value: Decimal | None = money()
    insurance_type: str | None = text()
    underbid: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(5, 4)))
    commission_step_type: str | None = text()
    commission_steps: list[dict[str, Any]] = json_field()
    shipping_methods: list[dict[str, Any]] = json_field()
    additional_charges: list[dict[str, Any]] = json_field()
    finder_fees: list[dict[str, Any]] = json_field()
    tax_type: str | None = text()
    payment_instructions: str | None = text()
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class Item(SQLModel, table=True):
    """A lot. ``current_bid``, ``bid_count``, ``last_sequence`` change only under its row lock."""

    __tablename__ = "items"
    __table_args__ = (
        sa.UniqueConstraint("sale_id", "lot_number", "lot_letter", name="uq_items_sale_lot"),
    )

    id: int = Field(default=None, primary_key=True)
    uuid: uuid_lib.UUID = Field(
        default_factory=uuid_lib.uuid4,
        sa_column=sa.Column(UUID(as_uuid=True), nullable=False, unique=True),
    )
    sale_id: int = fk("sales.id", nullable=False, ondelete="CASCADE")
    consignment_id: int | None = fk("consignments.id", ondelete="SET NULL")
    category_id: int | None = fk("categories.id", ondelete="SET NULL")
    lot_number: int | None = integer(index=True)
    lot_letter: str = text(nullable=False, default="")
    title: str = Field(sa_column=sa.Column(sa.Text, nullable=False, index=True))
    description: str | None = text()
    published: bool = flag(True, index=True)
    status: ItemStatus = enum_field(ItemStatus, default=ItemStatus.AVAILABLE)
    estimate_low: Decimal | None = money(index=True)
    estimate_high: Decimal | None = money(index=True)
    starting_price: Decimal = money(nullable=False, default=Decimal("0"))
    reserve_price: Decimal | None = money()
    buy_now_price: Decimal | None = money()
    minimum_price: Decimal | None = money()
    current_bid: Decimal | None = money(index=True)
    bid_count: int = integer(default=0, index=True)
    last_sequence: int = integer(default=0)
    leading_bid_id: int | None = integer()
    starts_at: datetime | None = tz(index=True)
    closes_at: datetime | None = tz(index=True)
    closed_at: datetime | None = tz()
    ending_soon_for: datetime | None = tz()
    """The ``closes_at`` for which "ending soon" was announced (again after an extension)."""
    hammer_price: Decimal | None = money(index=True)
    winner_id: int | None = fk("clients.id", ondelete="SET NULL")
    dimensions: list[dict[str, Any]] = json_field()
    additional_charges: list[dict[str, Any]] = json_field()
    auctioneer_notes: str | None = text()
    position_of_consignment: int | None = integer()
    footer: str | None = text()
    caption: str | None = text()
    literature: str | None = text()
    essay: str | None = text()
    provenance: str | None = text()
    ex: str | None = text()
    """Ex-collection: the collections the lot passed through."""
    item_type: str | None = text()
    grade: str | None = text()
    year: int | None = integer()
    consignor_reference_number: str | None = text()
    estimate_internal: Decimal | None = money()
    retail_price: Decimal | None = money()
    buy_now_setting: str | None = text()
    reserve_type: str | None = text()
    video_url: str | None = text()
    pdf_url: str | None = text()
    certificate_link: str | None = text()
    reference_link: str | None = text()
    product_tax_code: str | None = text()
    harmonized_code: str | None = text()
    signed_locations: str | None = text()
    art_work_type: str | None = text()
    shipping_id: int | None = integer()
    post_sale: bool = flag(False)
    public_message: str | None = text()
    dont_pay_consignor_note: str | None = text()
    printing_options: str | None = text()
    hide_sold_information: bool = flag(False)
    catalogs: list[dict[str, Any]] = json_field()
    """Catalogue references ``{catalog_number, catalog_name, ordering_number, catalog_value}``."""
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class ItemImage(SQLModel, table=True):
    """An image file of an item, in display order."""

    __tablename__ = "item_images"

    item_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
        )
    )
    file_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("files.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        )
    )
    position: int = integer(default=0)


class ItemHistory(SQLModel, table=True):
    """One record of a lot's sale-result facts as a clerk entered them (REST B5 ``field_*``).

    Append-only: every write adds a record holding the previous record's values with the sent
    ones applied, so the latest record alone is the lot's current history.
    """

    __tablename__ = "item_history"

    id: int = Field(default=None, primary_key=True)
    item_id: int = fk("items.id", nullable=False, ondelete="CASCADE")
    user_id: int | None = fk("users.id", ondelete="SET NULL")
    """Who recorded it (null for the system)."""
    consignor_price: Decimal | None = money()
    dont_pay_consignor: bool | None = Field(default=None, sa_column=sa.Column(sa.Boolean))
    sold_agent_id: int | None = fk("users.id", ondelete="SET NULL")
    sold_for_amount: Decimal | None = money()
    sold_to_bidder_number: int | None = integer()
    bidder_alias: str | None = text()
    sold_status: str | None = text()
    under_extension_status: str | None = text()
    winner_client_id: int | None = fk("clients.id", ondelete="SET NULL")
    withdrawn: bool | None = Field(default=None, sa_column=sa.Column(sa.Boolean))
    created_at: datetime = created_at_field()
