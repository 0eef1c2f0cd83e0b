"""ledger settings per tenant; credit requests remembered by id; reference-rate checks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 11:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import debtflow_shared.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_settings",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("allocation_order", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_ledger_settings")),
    )
    op.create_table(
        "credit_requests",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("debtor_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("received_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "request_id", name=op.f("pk_credit_requests")),
    )
    op.create_table(
        "reference_rate_checks",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("series", sa.String(length=10), nullable=False),
        sa.Column("checked_through", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("checked_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "series", name=op.f("pk_reference_rate_checks")),
    )


def downgrade() -> None:
    op.drop_table("reference_rate_checks")
    op.drop_table("credit_requests")
    op.drop_table("ledger_settings")
