"""item fields and history

The B5.0 item fields the REST contract marks writable that had no column: text blocks, codes,
links, year, position in the consignment, internal estimate, retail price, flags and the
catalogue references (a JSONB row field like ``dimensions``); and ``item_history``, the
append-only records of the B5.0 ``field_*`` sale-result inputs.

Revision ID: 9c4e1f7a2b58
Revises: 8d4e6f1a2c3b
Create Date: 2026-12-01 20:20:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op


revision: str = "9c4e1f7a2b58"
down_revision: str | None = "8d4e6f1a2c3b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("items", sa.Column("position_of_consignment", sa.Integer(), nullable=True))
    op.add_column("items", sa.Column("footer", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("caption", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("literature", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("essay", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("provenance", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("ex", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("item_type", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("grade", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("year", sa.Integer(), nullable=True))
    op.add_column("items", sa.Column("consignor_reference_number", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("estimate_internal", sa.Numeric(precision=12, scale=2), nullable=True))
    op.add_column("items", sa.Column("retail_price", sa.Numeric(precision=12, scale=2), nullable=True))
    op.add_column("items", sa.Column("buy_now_setting", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("reserve_type", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("video_url", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("pdf_url", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("certificate_link", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("reference_link", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("product_tax_code", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("harmonized_code", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("signed_locations", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("art_work_type", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("shipping_id", sa.Integer(), nullable=True))
    op.add_column("items", sa.Column("post_sale", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("items", sa.Column("public_message", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("dont_pay_consignor_note", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("printing_options", sa.Text(), nullable=True))
    op.add_column("items", sa.Column("hide_sold_information", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("items", sa.Column("catalogs", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False))

    op.create_table(
        "item_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("consignor_price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("dont_pay_consignor", sa.Boolean(), nullable=True),
        sa.Column("sold_agent_id", sa.Integer(), nullable=True),
        sa.Column("sold_for_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("sold_to_bidder_number", sa.Integer(), nullable=True),
        sa.Column("bidder_alias", sa.Text(), nullable=True),
        sa.Column("sold_status", sa.Text(), nullable=True),
        sa.Column("under_extension_status", sa.Text(), nullable=True),
        sa.Column("winner_client_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_history_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_item_history_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["sold_agent_id"],
            ["users.id"],
            name=op.f("fk_item_history_sold_agent_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["winner_client_id"],
            ["clients.id"],
            name=op.f("fk_item_history_winner_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_history")),
    )
    for column in ("item_id", "user_id", "sold_agent_id", "winner_client_id", "created_at"):
        op.create_index(op.f(f"ix_item_history_{column}"), "item_history", [column])


def downgrade() -> None:
    op.drop_table("item_history")
    op.drop_column("items", "catalogs")
    op.drop_column("items", "hide_sold_information")
    op.drop_column("items", "printing_options")
    op.drop_column("items", "dont_pay_consignor_note")
    op.drop_column("items", "public_message")
    op.drop_column("items", "post_sale")
    op.drop_column("items", "shipping_id")
    op.drop_column("items", "art_work_type")
    op.drop_column("items", "signed_locations")
    op.drop_column("items", "harmonized_code")
    op.drop_column("items", "product_tax_code")
    op.drop_column("items", "reference_link")
    op.drop_column("items", "certificate_link")
    op.drop_column("items", "pdf_url")
    op.drop_column("items", "video_url")
    op.drop_column("items", "reserve_type")
    op.drop_column("items", "buy_now_setting")
    op.drop_column("items", "retail_price")
    op.drop_column("items", "estimate_internal")
    op.drop_column("items", "consignor_reference_number")
    op.drop_column("items", "year")
    op.drop_column("items", "grade")
    op.drop_column("items", "item_type")
    op.drop_column("items", "ex")
    op.drop_column("items", "provenance")
    op.drop_column("items", "essay")
    op.drop_column("items", "literature")
    op.drop_column("items", "caption")
    op.drop_column("items", "footer")
    op.drop_column("items", "position_of_consignment")
