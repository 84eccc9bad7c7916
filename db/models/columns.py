"""Column helpers for the SQLModel tables."""

from __future__ import annotations

import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from db.base import MONEY, RATE


def enum_field(
    enum_cls: type[enum.Enum], *, default: Any = None, index: bool = True, nullable: bool = False
) -> Any:
    """A VARCHAR column holding the enum's lower-case value (no native PG enum to migrate)."""
    return Field(
        default=default,
        sa_column=sa.Column(
            sa.Enum(
                enum_cls,
                native_enum=False,
                length=32,
                values_callable=lambda cls: [member.value for member in cls],
                validate_strings=True,
            ),
            nullable=nullable,
            index=index,
            server_default=None if default is None else sa.text(f"'{default.value}'"),
        ),
    )


def money(*, nullable: bool = True, index: bool = False, default: Any = None) -> Any:
    """NUMERIC(12,2): money is Decimal end to end."""
    server_default = None if default is None else sa.text(str(default))
    return Field(
        default=default,
        sa_column=sa.Column(MONEY, nullable=nullable, index=index, server_default=server_default),
    )


def rate(*, default: Any = None) -> Any:
    """NUMERIC(7,4) fraction, e.g. 0.2500 for 25 %."""
    return Field(
        default=default,
        sa_column=sa.Column(RATE, nullable=False, server_default=sa.text(str(default or 0))),
    )


def json_field(default_factory: Any = list) -> Any:
    """A JSONB column for multi-row REST fields that nothing filters on."""
    return Field(
        default_factory=default_factory,
        sa_column=sa.Column(
            JSONB,
            nullable=False,
            server_default=sa.text("'[]'::jsonb" if default_factory is list else "'{}'::jsonb"),
        ),
    )


def fk(
    target: str, *, nullable: bool = True, ondelete: str | None = None, use_alter: bool = False
) -> Any:
    """An indexed integer foreign key (``use_alter`` breaks a creation cycle)."""
    return Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey(target, ondelete=ondelete, use_alter=use_alter),
            nullable=nullable,
            index=True,
        ),
    )


def tz(*, nullable: bool = True, index: bool = False) -> Any:
    """A timestamptz column."""
    return Field(
        default=None,
        sa_column=sa.Column(sa.DateTime(timezone=True), nullable=nullable, index=index),
    )


def text(*, index: bool = False, nullable: bool = True, default: str | None = None) -> Any:
    return Field(
        default=default,
        sa_column=sa.Column(
            sa.Text,
            nullable=nullable,
            index=index,
            server_default=None if default is None else sa.text(f"'{default}'"),
        ),
    )


def flag(default: bool = False, *, index: bool = False) -> Any:
    return Field(
        default=default,
        sa_column=sa.Column(
            sa.Boolean,
            nullable=False,
            index=index,
            server_default=sa.true() if default else sa.false(),
        ),
    )


def integer(*, default: int | None = None, index: bool = False) -> Any:
    return Field(
        default=default,
        sa_column=sa.Column(
            sa.Integer,
            nullable=default is None,
            index=index,
            server_default=None if default is None else sa.text(str(default)),
        ),
    )
