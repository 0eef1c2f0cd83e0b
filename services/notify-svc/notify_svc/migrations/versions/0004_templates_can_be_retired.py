"""templates can be retired

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 18:32:08.053549

A retired template version stays readable as history but is never used again; existing rows are in use (NULL).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import debtflow_shared.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("templates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("retired_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("templates", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
