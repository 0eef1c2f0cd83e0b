"""charge and write-off requests answered once each

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 10:00:00.000000

``charge.requested`` and ``write_off.requested`` are answered (applied or declined) once
per request id. Charges applied before this revision are still found by their own
``request_id``; requests that were dead-lettered or yielded nothing left no row, so a copy
re-sent after the upgrade is answered once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import debtflow_shared.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "command_requests",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("command", sa.String(length=40), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("received_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "command", "request_id", name=op.f("pk_command_requests")
        ),
    )


def downgrade() -> None:
    op.drop_table("command_requests")
