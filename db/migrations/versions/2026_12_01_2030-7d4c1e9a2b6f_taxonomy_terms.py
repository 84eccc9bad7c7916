"""Taxonomy terms and the item, client and sale term links (REST A12.8).

Revision ID: 7d4c1e9a2b6f
Revises: 9c4e1f7a2b58
Create Date: 2026-12-01 20:30:00+00:00

Every lot with a ``category_id`` gets it as its first ``categories`` link, so the main category
stays the first of the lot's categories.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7d4c1e9a2b6f"
down_revision: str | None = "9c4e1f7a2b58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ONE_TERM = "num_nonnulls(term_id, category_id) = 1"


def _links(table: str, owner: str, owner_table: str, categories: bool) -> None:
    columns: list[Any] = [
        sa.Column(owner, sa.Integer(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=categories),
    ]
    constraints: list[Any] = [
        sa.ForeignKeyConstraint(
            [owner],
            [f"{owner_table}.id"],
            name=op.f(f"fk_{table}_{owner}_{owner_table}"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["term_id"], ["taxonomy_terms.id"], name=op.f(f"fk_{table}_term_id_taxonomy_terms")
        ),
        sa.PrimaryKeyConstraint(owner, "field", "position", name=op.f(f"pk_{table}")),
    ]
    if categories:
        columns.append(sa.Column("category_id", sa.Integer(), nullable=True))
        constraints += [
            sa.ForeignKeyConstraint(
                ["category_id"], ["categories.id"], name=op.f(f"fk_{table}_category_id_categories")
            ),
            sa.CheckConstraint(_ONE_TERM, name=op.f(f"ck_{table}_one_term")),
        ]
    op.create_table(table, *columns, *constraints)
    op.create_index(op.f(f"ix_{table}_term_id"), table, ["term_id"])
    if categories:
        op.create_index(op.f(f"ix_{table}_category_id"), table, ["category_id"])


def upgrade() -> None:
    op.create_table(
        "taxonomy_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vocabulary", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("weight", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("increments", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["taxonomy_terms.id"],
            name=op.f("fk_taxonomy_terms_parent_id_taxonomy_terms"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_terms")),
    )
    op.create_index(op.f("ix_taxonomy_terms_parent_id"), "taxonomy_terms", ["parent_id"])
    op.create_index(
        "uq_taxonomy_terms_vocabulary_name_lower",
        "taxonomy_terms",
        ["vocabulary", sa.text("lower(name)")],
        unique=True,
    )
    _links("item_terms", "item_id", "items", categories=True)
    _links("client_terms", "client_id", "clients", categories=True)
    _links("sale_terms", "sale_id", "sales", categories=False)
    op.execute(
        "INSERT INTO item_terms (item_id, field, position, category_id) "
        "SELECT id, 'categories', 0, category_id FROM items WHERE category_id IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("sale_terms")
    op.drop_table("client_terms")
    op.drop_table("item_terms")
    op.drop_index("uq_taxonomy_terms_vocabulary_name_lower", table_name="taxonomy_terms")
    op.drop_index(op.f("ix_taxonomy_terms_parent_id"), table_name="taxonomy_terms")
    op.drop_table("taxonomy_terms")
