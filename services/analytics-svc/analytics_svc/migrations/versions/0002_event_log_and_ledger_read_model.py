"""event log and ledger read model

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

analytics-svc keeps an append-only copy of every event it consumes and derives the
ledger (invoice observations, entries, payments, debtors) from it; a new service has no
rows to move.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import debtflow_shared.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "debtors",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "debtor_id", name="pk_debtors"),
    )
    op.create_table(
        "event_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("dataschema", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("occurred_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_event_log")),
        sa.UniqueConstraint("event_id", name=op.f("uq_event_log_event_id")),
    )
    with op.batch_alter_table("event_log", schema=None) as batch_op:
        batch_op.create_index("ix_event_log_tenant_topic", ["tenant_id", "topic"], unique=False)

    op.create_table(
        "invoice_observations",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("principal_open_minor", sa.BigInteger(), nullable=False),
        sa.Column("charges_open_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint(
            "tenant_id", "invoice_id", "version", "event_id", name="pk_invoice_observations"
        ),
    )
    with op.batch_alter_table("invoice_observations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoice_observations_payment", ["tenant_id", "payment_id"], unique=False
        )

    op.create_table(
        "ledger_entries",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("principal_delta_minor", sa.BigInteger(), nullable=False),
        sa.Column("charges_delta_minor", sa.BigInteger(), nullable=False),
        sa.Column("sales_delta_minor", sa.BigInteger(), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "invoice_id", "version", name="pk_ledger_entries"),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_entries_tenant_currency_on",
            ["tenant_id", "currency", "on_date"],
            unique=False,
        )
        batch_op.create_index(
            "ix_ledger_entries_tenant_debtor", ["tenant_id", "debtor_id"], unique=False
        )

    op.create_table(
        "payments",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("unapplied_minor", sa.BigInteger(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("reversed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "payment_id", name="pk_payments"),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_tenant_debtor", ["tenant_id", "debtor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_tenant_debtor")

    op.drop_table("payments")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_tenant_debtor")
        batch_op.drop_index("ix_ledger_entries_tenant_currency_on")

    op.drop_table("ledger_entries")
    with op.batch_alter_table("invoice_observations", schema=None) as batch_op:
        batch_op.drop_index("ix_invoice_observations_payment")

    op.drop_table("invoice_observations")
    with op.batch_alter_table("event_log", schema=None) as batch_op:
        batch_op.drop_index("ix_event_log_tenant_topic")

    op.drop_table("event_log")
    op.drop_table("debtors")
