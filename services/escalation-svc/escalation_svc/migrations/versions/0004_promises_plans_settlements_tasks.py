"""Promises, payment plans, settlements and the collectors' task queue

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:32:36.423073

Collection is a conversation: promises to pay, payment plans and settlement offers pause
or replace the ladder, collectors work a task queue ordered by debtor.risk_scored, a
broken promise runs a firmer step at once (cases.run_now), and policies carry the terms
for all of it (policies.arrangements; null in older versions: the defaults).
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
    op.create_table(
        "debtor_scores",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("score", sa.String(length=10), nullable=False),
        sa.Column("segment", sa.String(length=30), nullable=False),
        sa.Column("expected_recovery_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=False),
        sa.Column("scored_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "debtor_id", name=op.f("pk_debtor_scores")),
    )
    op.create_table(
        "plans",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_ids", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("installments", sa.Text(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("agreed_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("payment_ids", sa.Text(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "plan_id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_plans_tenant_case_status", ["tenant_id", "case_id", "status"], unique=False
        )

    op.create_table(
        "promises",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("promise_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_ids", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("promised_on", sa.Date(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("made_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("payment_ids", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "promise_id", name=op.f("pk_promises")),
    )
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.create_index(
            "ix_promises_tenant_case_status", ["tenant_id", "case_id", "status"], unique=False
        )

    op.create_table(
        "settlements",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("settlement_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_ids", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("settles_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("offered_by", sa.String(length=200), nullable=False),
        sa.Column("offered_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("payment_ids", sa.Text(), nullable=False),
        sa.Column("write_offs", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "settlement_id", name=op.f("pk_settlements")),
    )
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_settlements_tenant_case_status", ["tenant_id", "case_id", "status"], unique=False
        )

    op.create_table(
        "tasks",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("step", sa.String(length=100), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("completed_by", sa.String(length=200), nullable=True),
        sa.Column("completed_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "task_id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index("ix_tasks_tenant_case", ["tenant_id", "case_id"], unique=False)
        batch_op.create_index(
            "ix_tasks_tenant_status_debtor", ["tenant_id", "status", "debtor_id"], unique=False
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("run_now", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("promises_broken", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("plans_defaulted", sa.Integer(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("arrangements", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.drop_column("arrangements")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("plans_defaulted")
        batch_op.drop_column("promises_broken")
        batch_op.drop_column("run_now")

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_tenant_status_debtor")
        batch_op.drop_index("ix_tasks_tenant_case")

    op.drop_table("tasks")
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.drop_index("ix_settlements_tenant_case_status")

    op.drop_table("settlements")
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.drop_index("ix_promises_tenant_case_status")

    op.drop_table("promises")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index("ix_plans_tenant_case_status")

    op.drop_table("plans")
    op.drop_table("debtor_scores")
