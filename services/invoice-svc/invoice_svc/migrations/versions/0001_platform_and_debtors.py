"""platform tables (outbox, inbox, relay leases) and debtors

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from debtflow_shared.db import UTCDateTime
from debtflow_shared.migrations import create_platform_tables, drop_platform_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_platform_tables()
    op.create_table(
        "debtors",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("erp_id", sa.String(100), nullable=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("preferred_channel", sa.String(20), nullable=True),
        sa.Column("contacts", sa.Text, nullable=False),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("credit_policy", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("uq_debtors_tenant_erp_id", "debtors", ["tenant_id", "erp_id"], unique=True)
    op.create_index("ix_debtors_tenant_name", "debtors", ["tenant_id", "name", "id"])


def downgrade() -> None:
    op.drop_table("debtors")
    drop_platform_tables()
