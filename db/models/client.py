"""Clients (bidders, buyers, consignors), their addresses and connections."""

from __future__ import annotations

import uuid as uuid_lib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import Field, SQLModel

from db.base import created_at_field, updated_at_field
from db.models.columns import enum_field, fk, flag, json_field, money, text, tz
from db.models.enums import ClientStatus


class Client(SQLModel, table=True):
    __tablename__ = "clients"

    id: int = Field(default=None, primary_key=True)
    uuid: uuid_lib.UUID = Field(
        default_factory=uuid_lib.uuid4,
        sa_column=sa.Column(UUID(as_uuid=True), nullable=False, unique=True),
    )
    first_name: str | None = text(index=True)
    last_name: str | None = text(index=True)
    company: str | None = text(index=True)
    position_company: str | None = text()
    name_prefix: str | None = text()
    override_salutation: str | None = text()
    email: str | None = text(index=True)
    secondary_email: str | None = text()
    phone: str | None = text(index=True)
    primary_phone: str | None = text()
    office_phone: str | None = text()
    mobile: str | None = text()
    fax: str | None = text()
    birthdate: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    client_website: str | None = text()
    website_language: str | None = text()
    published: bool = flag(True, index=True)
    status: ClientStatus = enum_field(ClientStatus, default=ClientStatus.NEW)
    bidder_number: str | None = Field(
        default=None, sa_column=sa.Column(sa.Text, unique=True, nullable=True)
    )
    customer_number: str | None = Field(
        default=None, sa_column=sa.Column(sa.Text, unique=True, nullable=True)
    )
    agent_user_id: int | None = fk("users.id", ondelete="SET NULL")
    tags: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'")),
    )
    consignor_commissions: list[dict[str, Any]] = json_field()
    additional_charges: list[dict[str, Any]] = json_field()
    bank_details: list[dict[str, Any]] = json_field()
    external_ids: list[dict[str, Any]] = json_field()
    default_payment_method: str | None = text()
    invoice_release_limit: Decimal | None = money()
    tax_type: str | None = text()
    tax_id: str | None = text()
    tax_state: str | None = text()
    billing_instructions: str | None = text()
    client_billing_instruction: str | None = text()
    shipping_instructions: str | None = text()
    shipping_instructions_client: str | None = text()
    temp_shipping_instructions: str | None = text()
    temp_si_dates_from: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    temp_si_dates_to: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    blocking_reason: str | None = text()
    warning: str | None = text()
    block_emails: bool = flag(False)
    subscription_type: str | None = text()
    expiration_date: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    merged_into_id: int | None = fk("clients.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class ClientConnection(SQLModel, table=True):
    """Two client records known to be related (same person or household)."""

    __tablename__ = "client_connections"

    primary_client_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
        )
    )
    client_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("clients.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        )
    )
    created_at: datetime = created_at_field()


class Address(SQLModel, table=True):
    __tablename__ = "addresses"
    __table_args__ = (
        sa.Index(
            "uq_addresses_default_per_client",
            "client_id",
            unique=True,
            postgresql_where=sa.text("is_default"),
        ),
    )

    id: int = Field(default=None, primary_key=True)
    client_id: int = fk("clients.id", nullable=False, ondelete="CASCADE")
    country: str = Field(sa_column=sa.Column(sa.String(2), nullable=False, index=True))
    administrative_area: str | None = text()
    locality: str | None = text(index=True)
    postal_code: str | None = text(index=True)
    thoroughfare: str | None = text()
    premise: str | None = text()
    first_name: str | None = text()
    last_name: str | None = text()
    organisation_name: str | None = text()
    address_types: list[str] = Field(
        default_factory=lambda: ["billing", "shipping"],
        sa_column=sa.Column(
            ARRAY(sa.Text), nullable=False, server_default=sa.text("'{billing,shipping}'")
        ),
    )
    is_default: bool = flag(False, index=True)
    validated: bool = flag(False)
    validated_at: datetime | None = tz()
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
