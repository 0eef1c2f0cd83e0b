"""notifications name the invoices also outstanding

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 19:10:01.765540

notification.requested may name the case's other open invoices, shown but not claimed; existing notifications name none (an empty list).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("also_outstanding_ids", sa.Text(), server_default="[]", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("also_outstanding_ids")
