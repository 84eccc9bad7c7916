"""Notes, files and the activity log: records attached to any entity."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.base import created_at_field, updated_at_field
from db.models.columns import enum_field, fk, flag, integer, text
from db.models.enums import EntityType


class Note(SQLModel, table=True):
    __tablename__ = "notes"
    __table_args__ = (sa.Index("ix_notes_entity", "entity_type", "entity_id"),)

    id: int = Field(default=None, primary_key=True)
    entity_type: EntityType = enum_field(EntityType, index=False)
    entity_id: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    title: str | None = text()
    body: str = text(nullable=False, default="")
    published: bool = flag(False, index=True)
    author_id: int | None = fk("users.id", ondelete="SET NULL")
    revision: int = integer(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class File(SQLModel, table=True):
    """An uploaded file. ``stored_name`` is generated, never taken from user input."""

    __tablename__ = "files"
    __table_args__ = (sa.Index("ix_files_entity", "entity_type", "entity_id"),)

    id: int = Field(default=None, primary_key=True)
    filename: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    stored_name: str = Field(sa_column=sa.Column(sa.Text, nullable=False, unique=True))
    mime_type: str = text(nullable=False, default="application/octet-stream")
    size: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    is_private: bool = flag(False, index=True)
    entity_type: EntityType | None = enum_field(EntityType, index=False, nullable=True)
    entity_id: int | None = integer()
    uploaded_by_id: int | None = fk("users.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()


class Activity(SQLModel, table=True):
    """Audit trail: who changed which entity, with the fields before and after."""

    __tablename__ = "activities"
    __table_args__ = (sa.Index("ix_activities_entity", "entity_type", "entity_id"),)

    id: int = Field(default=None, primary_key=True)
    user_id: int | None = fk("users.id", ondelete="SET NULL")
    action: str = Field(sa_column=sa.Column(sa.Text, nullable=False, index=True))
    entity_type: EntityType = enum_field(EntityType, index=False)
    entity_id: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    changes: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=sa.Column(JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    created_at: datetime = created_at_field()
