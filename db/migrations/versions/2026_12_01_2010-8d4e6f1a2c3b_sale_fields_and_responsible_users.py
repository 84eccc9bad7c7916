"""Sale fields the REST contract writes (B6.0) and responsible staff users of clients,
consignments and lots (link tables, in order).

Revision ID: 8d4e6f1a2c3b
Revises: 3b7d2e91f0a4
Create Date: 2026-12-01 20:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8d4e6f1a2c3b"
down_revision: str | None = "3b7d2e91f0a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_COLUMNS = (
    "initial_finder_fees_orders",
    "next_consignment_notice",
    "date_and_location_string",
    "item_images_dir",
    "pdf_link",
    "pdf_sale_result",
    "e_book_link",
)
FLAG_COLUMNS = ("sync_active", "display_live_links")
LINKS = (
    ("client_responsible_users", "client_id", "clients"),
    ("consignment_responsible_users", "consignment_id", "consignments"),
    ("item_responsible_users", "item_id", "items"),
)


def upgrade() -> None:
    op.add_column(
        "sales", sa.Column("auto_sync_image_end_date", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("sales", sa.Column("post_sale_discount", sa.Numeric(5, 2), nullable=True))
    for name in TEXT_COLUMNS:
        op.add_column("sales", sa.Column(name, sa.Text(), nullable=True))
    for name in FLAG_COLUMNS:
        op.add_column(
            "sales", sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.add_column(
        "sales",
        sa.Column(
            "external_ids",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )
    for table, owner, target in LINKS:
        op.create_table(
            table,
            sa.Column(owner, sa.Integer(), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("position", sa.Integer(), server_default=sa.text("0"), nullable=False),
            sa.ForeignKeyConstraint(
                [owner],
                [f"{target}.id"],
                name=op.f(f"fk_{table}_{owner}_{target}"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["user_id"],
                ["users.id"],
                name=op.f(f"fk_{table}_user_id_users"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint(owner, "user_id", name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_user_id"), table, ["user_id"], unique=False)


def downgrade() -> None:
    for table, _owner, _target in reversed(LINKS):
        op.drop_index(op.f(f"ix_{table}_user_id"), table_name=table)
        op.drop_table(table)
    op.drop_column("sales", "external_ids")
    for name in reversed(FLAG_COLUMNS):
        op.drop_column("sales", name)
    for name in reversed(TEXT_COLUMNS):
        op.drop_column("sales", name)
    op.drop_column("sales", "post_sale_discount")
    op.drop_column("sales", "auto_sync_image_end_date")
