"""touches: dunning steps run and messages sent, with their invoices

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

What-works reports join them to the ledger's payments; a new table, no rows to move.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "touch_invoices",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("touch_key", sa.String(length=200), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "touch_key", "invoice_id", name="pk_touch_invoices"),
    )
    with op.batch_alter_table("touch_invoices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_touch_invoices_tenant_invoice", ["tenant_id", "invoice_id"], unique=False
        )

    op.create_table(
        "touches",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("touch_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("touched_on", sa.Date(), nullable=True),
        sa.Column("step", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("template_key", sa.String(length=100), nullable=True),
        sa.Column("tone", sa.String(length=20), nullable=True),
        sa.Column("variant", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "touch_key", name="pk_touches"),
    )
    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_touches_tenant_kind_on", ["tenant_id", "kind", "touched_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.drop_index("ix_touches_tenant_kind_on")

    op.drop_table("touches")
    with op.batch_alter_table("touch_invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_touch_invoices_tenant_invoice")

    op.drop_table("touch_invoices")
