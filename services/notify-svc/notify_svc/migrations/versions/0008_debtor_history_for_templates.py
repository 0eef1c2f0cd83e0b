"""A debtor's history for templates

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:16:04.718914

Templates may say whether this is a first reminder, how many promises were broken, how
late the debtor usually pays and its last payment, from notify's own copies: paid invoices
(invoice.paid), payments (payment.received / reversed) and broken promises
(promise.broken). Existing debtors start with no history; it fills as events arrive.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broken_promises",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("promise_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("broken_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "promise_id", name=op.f("pk_broken_promises")),
    )
    with op.batch_alter_table("broken_promises", schema=None) as batch_op:
        batch_op.create_index("ix_broken_promises_debtor", ["tenant_id", "debtor_id"], unique=False)

    op.create_table(
        "paid_invoices",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "invoice_id", name=op.f("pk_paid_invoices")),
    )
    with op.batch_alter_table("paid_invoices", schema=None) as batch_op:
        batch_op.create_index("ix_paid_invoices_debtor", ["tenant_id", "debtor_id"], unique=False)

    op.create_table(
        "payments",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reversed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "payment_id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_debtor", ["tenant_id", "debtor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_debtor")

    op.drop_table("payments")
    with op.batch_alter_table("paid_invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_paid_invoices_debtor")

    op.drop_table("paid_invoices")
    with op.batch_alter_table("broken_promises", schema=None) as batch_op:
        batch_op.drop_index("ix_broken_promises_debtor")

    op.drop_table("broken_promises")
