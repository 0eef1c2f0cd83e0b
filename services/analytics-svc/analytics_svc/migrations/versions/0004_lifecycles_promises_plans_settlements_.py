"""lifecycles: promises, plans, settlements, disputes, cases and hand-offs

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

Outcome rates (promise-kept, plan completion, settlement acceptance, dispute, cure)
are counted from them; a new table, no rows to move.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lifecycles",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "kind", "item_id", name="pk_lifecycles"),
    )
    with op.batch_alter_table("lifecycles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lifecycles_tenant_subject", ["tenant_id", "subject_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lifecycles", schema=None) as batch_op:
        batch_op.drop_index("ix_lifecycles_tenant_subject")

    op.drop_table("lifecycles")
