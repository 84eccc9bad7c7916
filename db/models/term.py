"""Taxonomy terms (vocabularies) and the link tables that file entities under them.

The ``categories`` vocabulary keeps its own table (``models.Category``, with its tree); every
other vocabulary's terms are rows of ``taxonomy_terms``. A link row puts one term at one
position of one term field of an entity (``item_terms``: ``tags``, ``country``, …); a link row
of the ``categories`` field points at ``categories`` instead (``category_id``), exactly one of
the two ids being set.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.models.columns import integer


class Term(SQLModel, table=True):
    """A term of a vocabulary (``tags``, ``countries``, ``departments``, …)."""

    __tablename__ = "taxonomy_terms"
    __table_args__ = (
        sa.Index(
            "uq_taxonomy_terms_vocabulary_name_lower",
            "vocabulary",
            sa.text("lower(name)"),
            unique=True,
        ),
    )

    id: int = Field(default=None, primary_key=True)
    vocabulary: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    name: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    parent_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("taxonomy_terms.id", ondelete="SET NULL"), index=True
        ),
    )
    weight: int = integer(default=0)
    increments: list[dict[str, Any]] | None = Field(
        default=None, sa_column=sa.Column(JSONB, nullable=True)
    )
    """A ``bid_steps`` term's increment table (bands ``{from, increment}``), copied to a sale
    filed under it."""


def _owner(table: str) -> Any:
    return Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), primary_key=True
        )
    )


def _field() -> Any:
    return Field(sa_column=sa.Column(sa.Text, primary_key=True))


def _position() -> Any:
    return Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))


def _term() -> Any:
    return Field(
        default=None,
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("taxonomy_terms.id"), index=True),
    )


def _category() -> Any:
    return Field(
        default=None,
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("categories.id"), index=True),
    )


_ONE_TERM = "num_nonnulls(term_id, category_id) = 1"


class ItemTerm(SQLModel, table=True):
    """One term of one term field of a lot, at ``position`` (0 = first, the main category)."""

    __tablename__ = "item_terms"
    __table_args__ = (sa.CheckConstraint(_ONE_TERM, name="one_term"),)

    item_id: int = _owner("items")
    field: str = _field()
    position: int = _position()
    term_id: int | None = _term()
    category_id: int | None = _category()


class ClientTerm(SQLModel, table=True):
    """One term of one term field of a client, at ``position``."""

    __tablename__ = "client_terms"
    __table_args__ = (sa.CheckConstraint(_ONE_TERM, name="one_term"),)

    client_id: int = _owner("clients")
    field: str = _field()
    position: int = _position()
    term_id: int | None = _term()
    category_id: int | None = _category()


class SaleTerm(SQLModel, table=True):
    """One term of one term field of a sale, at ``position``."""

    __tablename__ = "sale_terms"

    sale_id: int = _owner("sales")
    field: str = _field()
    position: int = _position()
    term_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("taxonomy_terms.id"), nullable=False, index=True
        )
    )
