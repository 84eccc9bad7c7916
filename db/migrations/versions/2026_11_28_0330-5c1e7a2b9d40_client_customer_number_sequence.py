"""client customer number sequence

Revision ID: 5c1e7a2b9d40
Revises: c1ad70b9a441
Create Date: 2026-11-28 03:30:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = "5c1e7a2b9d40"
down_revision: str | None = "c1ad70b9a441"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Customer numbers assigned on create ("C" + zero-padded value). The sequence starts after
    # the highest numeric "C…" number already stored; Alembic does not autogenerate sequences.
    op.execute("CREATE SEQUENCE client_customer_number_seq START WITH 1")
    op.execute(
        "SELECT setval('client_customer_number_seq', "
        "coalesce(max(substring(customer_number from '^C([0-9]{1,15})$')::bigint), 0) + 1, "
        "false) FROM clients"
    )


def downgrade() -> None:
    op.execute("DROP SEQUENCE client_customer_number_seq")
