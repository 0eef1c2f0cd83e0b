"""copies, suppression list, templates and notifications

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 17:47:46.951492

notify-svc keeps its own copies of debtors, the creditor profile, invoices and charges from events, a suppression list per address, versioned templates, and each notification with its attempts; all tables are new.
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
        "charges",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("charge_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "charge_id", name=op.f("pk_charges")),
    )
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.create_index("ix_charges_invoice", ["tenant_id", "invoice_id"], unique=False)

    op.create_table(
        "contact_restrictions",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("channel_key", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("restriction", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("effective_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("until", debtflow_shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint(
            "tenant_id", "debtor_id", "channel_key", name=op.f("pk_contact_restrictions")
        ),
    )
    op.create_table(
        "creditor_profiles",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_creditor_profiles")),
    )
    op.create_table(
        "debtors",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("emails", sa.Text(), nullable=False),
        sa.Column("postal_lines", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "debtor_id", name=op.f("pk_debtors")),
    )
    op.create_table(
        "early_cancels",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("dedup_key", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("cancelled_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "dedup_key", name=op.f("pk_early_cancels")),
    )
    op.create_table(
        "invoices",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("principal_open_minor", sa.BigInteger(), nullable=False),
        sa.Column("charges_open_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "invoice_id", name=op.f("pk_invoices")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index("ix_invoices_debtor", ["tenant_id", "debtor_id"], unique=False)

    op.create_table(
        "notification_attempts",
        sa.Column("notification_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=2000), nullable=False),
        sa.Column("started_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("notification_id", "number", name=op.f("pk_notification_attempts")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("dedup_key", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("template_key", sa.String(length=100), nullable=False),
        sa.Column("tone", sa.String(length=20), nullable=False),
        sa.Column("variant", sa.String(length=64), nullable=True),
        sa.Column("locale", sa.String(length=35), nullable=False),
        sa.Column("invoice_ids", sa.Text(), nullable=False),
        sa.Column("contact_rules", sa.Text(), nullable=False),
        sa.Column("requested_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("waiting_for", sa.String(length=40), nullable=True),
        sa.Column("next_attempt_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_until", debtflow_shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.Column("rendered", sa.Text(), nullable=True),
        sa.Column("sent_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("provider_message_id", sa.String(length=300), nullable=True),
        sa.Column("created_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("tenant_id", "dedup_key", name=op.f("uq_notifications_tenant_id")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_debtor", ["tenant_id", "debtor_id"], unique=False)
        batch_op.create_index("ix_notifications_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "suppressions",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=2000), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=True),
        sa.Column("suppressed_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "channel", "address", name=op.f("pk_suppressions")),
    )
    op.create_table(
        "templates",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("locale", sa.String(length=35), nullable=False),
        sa.Column("tone", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attach_statement", sa.Boolean(), nullable=False),
        sa.Column("created_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "key", "locale", "tone", "version", name=op.f("pk_templates")
        ),
    )


def downgrade() -> None:
    op.drop_table("templates")
    op.drop_table("suppressions")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_due")
        batch_op.drop_index("ix_notifications_debtor")

    op.drop_table("notifications")
    op.drop_table("notification_attempts")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_debtor")

    op.drop_table("invoices")
    op.drop_table("early_cancels")
    op.drop_table("debtors")
    op.drop_table("creditor_profiles")
    op.drop_table("contact_restrictions")
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.drop_index("ix_charges_invoice")

    op.drop_table("charges")
