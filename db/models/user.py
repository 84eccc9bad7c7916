"""Users (staff and bidders) and their access tokens."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.base import created_at_field, updated_at_field
from db.models.columns import enum_field, fk, flag, text, tz
from db.models.enums import Role


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (sa.Index("uq_users_email_lower", sa.text("lower(email)"), unique=True),)

    id: int = Field(default=None, primary_key=True)
    email: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    password_hash: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    full_name: str | None = text()
    role: Role = enum_field(Role, default=Role.BIDDER)
    client_id: int | None = fk("clients.id", ondelete="SET NULL", use_alter=True)
    is_active: bool = flag(True)
    last_sale_id: int | None = fk("sales.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class AccessToken(SQLModel, table=True):
    """An opaque bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "access_tokens"

    id: int = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, ondelete="CASCADE")
    token_hash: str = Field(sa_column=sa.Column(sa.Text, nullable=False, unique=True))
    token_hint: str | None = text()
    created_at: datetime = created_at_field()
    expires_at: datetime = tz(nullable=False, index=True)
    last_used_at: datetime | None = tz()
