"""Orders (invoices, settlements, credit notes), their lines, and transactions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.base import created_at_field, updated_at_field
from db.models.columns import enum_field, fk, flag, integer, money, text
from db.models.enums import OrderLineKind, OrderStatus, OrderType, TransactionType


class Order(SQLModel, table=True):
    """Totals are kept equal to the sum of the lines by the domain layer, in one transaction."""

    __tablename__ = "orders"
    __table_args__ = (sa.UniqueConstraint("type", "number", name="uq_orders_type_number"),)

    id: int = Field(default=None, primary_key=True)
    number: str = Field(sa_column=sa.Column(sa.Text, nullable=False, index=True))
    type: OrderType = enum_field(OrderType, default=OrderType.BIDDER)
    status: OrderStatus = enum_field(OrderStatus, default=OrderStatus.NEW)
    sale_id: int | None = fk("sales.id", ondelete="SET NULL")
    client_id: int = fk("clients.id", nullable=False)
    original_order_id: int | None = fk("orders.id", ondelete="SET NULL")
    currency: str = Field(
        default="EUR", sa_column=sa.Column(sa.String(3), nullable=False, server_default="EUR")
    )
    subtotal: Decimal = money(nullable=False, default=Decimal("0"))
    buyers_premium: Decimal = money(nullable=False, default=Decimal("0"))
    tax: Decimal = money(nullable=False, default=Decimal("0"))
    charges: Decimal = money(nullable=False, default=Decimal("0"))
    grand_total: Decimal = money(nullable=False, default=Decimal("0"), index=True)
    amount_paid: Decimal = money(nullable=False, default=Decimal("0"), index=True)
    delivery_status: str = text(nullable=False, default="pending")
    payment_type_letter: str | None = text(index=True)
    shipping_weight: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(10, 3)))
    use_custom_address: bool = flag(False)
    custom_address: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(JSONB))
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class OrderLine(SQLModel, table=True):
    """One lot (hammer price, premium, tax) or one additional charge on an order."""

    __tablename__ = "order_lines"

    id: int = Field(default=None, primary_key=True)
    order_id: int = fk("orders.id", nullable=False, ondelete="CASCADE")
    kind: OrderLineKind = enum_field(OrderLineKind, default=OrderLineKind.ITEM)
    item_id: int | None = fk("items.id", ondelete="SET NULL")
    position: int = integer(default=0)
    description: str = text(nullable=False, default="")
    hammer_price: Decimal = money(nullable=False, default=Decimal("0"))
    premium: Decimal = money(nullable=False, default=Decimal("0"))
    commission: Decimal = money(nullable=False, default=Decimal("0"))
    tax: Decimal = money(nullable=False, default=Decimal("0"))
    amount: Decimal = money(nullable=False, default=Decimal("0"))
    total: Decimal = money(nullable=False, default=Decimal("0"))
    created_at: datetime = created_at_field()


class Transaction(SQLModel, table=True):
    """Money received for, or paid out on, an order."""

    __tablename__ = "transactions"

    id: int = Field(default=None, primary_key=True)
    order_id: int = fk("orders.id", nullable=False, ondelete="CASCADE")
    client_id: int = fk("clients.id", nullable=False)
    type: TransactionType = enum_field(TransactionType, default=TransactionType.PAYMENT)
    amount: Decimal = money(nullable=False, index=True)
    transferred_currency: str | None = Field(default=None, sa_column=sa.Column(sa.String(3)))
    transferred_amount: Decimal | None = money()
    bank: str | None = text()
    bank_account_number: str | None = text()
    bank_branch: str | None = text()
    credit_card_type: str | None = text()
    credit_card_last4: str | None = Field(default=None, sa_column=sa.Column(sa.String(4)))
    transaction_date: date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    cheque_number: str | None = text()
    cheque_date: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    info: str | None = text()
    created_by_id: int | None = fk("users.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()


class OrderNumberCounter(SQLModel, table=True):
    """The last invoice number given to each order type; its row lock makes numbers gapless."""

    __tablename__ = "order_number_counters"

    type: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    """The order type's id (``bidder``, ``consignor``, …)."""
    last_number: int = integer(default=0)


class ChargeRow(SQLModel):
    """Shape of one additional-charge row kept in JSONB columns (not a table)."""

    term: str
    amount: Decimal
    tax: Decimal = Decimal("0")
    description: str = ""
    attached_to: str | None = None


__all__ = ["ChargeRow", "Order", "OrderLine", "OrderNumberCounter", "Transaction"]
