"""Bids. Per item, ``sequence`` is gapless and totally orders every accepted price change."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.base import created_at_field
from db.models.columns import enum_field, fk, flag, money, text
from db.models.enums import BidSource, BidStatus


class Bid(SQLModel, table=True):
    __tablename__ = "bids"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "sequence", name="uq_bids_item_sequence"),
        sa.Index(
            "uq_bids_user_idempotency_key",
            "user_id",
            "idempotency_key",
            unique=True,
            postgresql_where=sa.text("idempotency_key IS NOT NULL"),
        ),
    )

    id: int = Field(default=None, primary_key=True)
    item_id: int = fk("items.id", nullable=False, ondelete="CASCADE")
    client_id: int = fk("clients.id", nullable=False)
    user_id: int | None = fk("users.id", ondelete="SET NULL")
    sequence: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    amount: Decimal = money(nullable=False, index=True)
    max_amount: Decimal | None = money()
    is_proxy: bool = flag(False)
    status: BidStatus = enum_field(BidStatus, default=BidStatus.ACCEPTED)
    source: BidSource = enum_field(BidSource, default=BidSource.ONLINE, index=False)
    idempotency_key: str | None = text()
    placed_at: datetime = created_at_field()
