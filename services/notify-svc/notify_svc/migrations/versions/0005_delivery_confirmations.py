"""notifications remember when delivery was confirmed

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 19:05:00.238942

A provider delivery report is applied once; existing notifications have none (NULL).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import debtflow_shared.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("delivered_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("delivered_at")
