"""platform tables (outbox, inbox, relay leases) and the debtor profile copy

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
        "debtor_profiles",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("debtor_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("preferred_channel", sa.String(20), nullable=True),
        sa.Column("contacts", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "debtor_id", name="pk_debtor_profiles"),
    )


def downgrade() -> None:
    op.drop_table("debtor_profiles")
    drop_platform_tables()
