"""Sales (auction events) and the taxonomy terms their lots are filed under."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import Field, SQLModel

from db.base import created_at_field, updated_at_field
from db.models.columns import enum_field, flag, integer, json_field, rate, text, tz
from db.models.enums import SaleKind

# Lower bound of each band and the increment that applies from it (graphql-api.md §3).
DEFAULT_INCREMENTS: list[dict[str, str]] = [
    {"from": "0", "increment": "5"},
    {"from": "100", "increment": "10"},
    {"from": "200", "increment": "20"},
    {"from": "500", "increment": "50"},
    {"from": "1000", "increment": "100"},
    {"from": "2000", "increment": "200"},
    {"from": "5000", "increment": "500"},
    {"from": "10000", "increment": "1000"},
    {"from": "20000", "increment": "2000"},
    {"from": "50000", "increment": "5000"},
]


class Sale(SQLModel, table=True):
    __tablename__ = "sales"

    id: int = Field(default=None, primary_key=True)
    uuid: uuid_lib.UUID = Field(
        default_factory=uuid_lib.uuid4,
        sa_column=sa.Column(UUID(as_uuid=True), nullable=False, unique=True),
    )
    title: str = Field(sa_column=sa.Column(sa.Text, nullable=False, index=True))
    subtitle: str | None = text()
    description: str | None = text()
    sale_number: str | None = Field(
        default=None, sa_column=sa.Column(sa.Text, unique=True, nullable=True)
    )
    kind: SaleKind = enum_field(SaleKind, default=SaleKind.TIMED)
    published: bool = flag(False, index=True)
    hidden: bool = flag(False)
    hide_sold_information: bool = flag(False)
    starts_at: datetime | None = tz(index=True)
    ends_at: datetime | None = tz(index=True)
    live_starts_at: datetime | None = tz()
    live_ends_at: datetime | None = tz()
    last_date_for_consignment: datetime | None = tz()
    closed_at: datetime | None = tz(index=True)
    currency: str = Field(
        default="EUR",
        sa_column=sa.Column(sa.String(3), nullable=False, server_default="EUR", index=True),
    )
    buyers_premium_rate: Decimal = rate(default=Decimal("0.2500"))
    tax_rate: Decimal = rate(default=Decimal("0"))
    increments: list[dict[str, Any]] = json_field()
    soft_close_seconds: int = integer(default=120)
    stagger_seconds: int = integer(default=0)
    lots_locked: bool = flag(False)
    auctioneer_name: str | None = text()
    venue: str | None = text()
    additional_charges: list[dict[str, Any]] = json_field()
    auto_sync_image_end_date: datetime | None = tz()
    post_sale_discount: Decimal | None = Field(
        default=None, sa_column=sa.Column(sa.Numeric(5, 2), nullable=True)
    )
    """A percentage, 0 to 100."""
    initial_finder_fees_orders: str | None = text()
    next_consignment_notice: str | None = text()
    date_and_location_string: str | None = text()
    item_images_dir: str | None = text()
    sync_active: bool = flag(False)
    display_live_links: bool = flag(False)
    pdf_link: str | None = text()
    pdf_sale_result: str | None = text()
    e_book_link: str | None = text()
    external_ids: list[dict[str, Any]] = json_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class Category(SQLModel, table=True):
    """A collecting category (the REST ``categories`` vocabulary)."""

    __tablename__ = "categories"
    __table_args__ = (sa.Index("uq_categories_name_lower", sa.text("lower(name)"), unique=True),)

    id: int = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    parent_id: int | None = Field(
        default=None,
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("categories.id"), index=True),
    )
    weight: int = integer(default=0)
