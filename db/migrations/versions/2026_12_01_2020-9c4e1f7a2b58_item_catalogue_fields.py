"""item catalogue fields

The B5.0 item fields the REST contract marks writable that had no column: text blocks, codes,
links, year, position in the consignment, internal estimate, retail price, flags and the
catalogue references (a JSONB row field like ``dimensions``).

Revision ID: 9c4e1f7a2b58
Revises: 3b7d2e91f0a4
Create Date: 2026-12-01 20:20:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op


revision: str = "9c4e1f7a2b58"
down_revision: str | None = "3b7d2e91f0a4"
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


def downgrade() -> None:
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
