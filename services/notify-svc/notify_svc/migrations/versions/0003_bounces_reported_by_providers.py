"""bounces reported by providers

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 18:25:48.367085

A provider repeats its bounce callbacks: each bounce of a message is noted once, so notification.bounced is emitted once. A new, empty table.
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
        "bounces",
        sa.Column("notification_id", sa.String(length=64), nullable=False),
        sa.Column("bounce", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("bounced_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("notification_id", "bounce", name=op.f("pk_bounces")),
    )


def downgrade() -> None:
    op.drop_table("bounces")
