"""dunning policies, tracked invoices, collection cases, their timeline and durable timers

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

Cases run on the policy version they started with; each debtor's timer row says when its
collection is next looked at and serialises the changes to its case. Profiles stored
before have no postal address until the debtor's next debtor.upserted.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from debtflow_shared.db import UTCDateTime
from debtflow_shared.platform_tables import BigIntId

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("debtor_profiles") as table:
        table.add_column(sa.Column("postal_address", sa.Text, nullable=True))
    op.create_table(
        "policies",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("policy_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("steps", sa.Text, nullable=False),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "policy_id", "version", name="pk_policies"),
    )
    op.create_table(
        "tracked_invoices",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("invoice_id", sa.String(64), nullable=False),
        sa.Column("debtor_id", sa.String(64), nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("open_minor", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("case_id", sa.String(64), nullable=True),
        sa.Column("closed_by", sa.String(20), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "invoice_id", name="pk_tracked_invoices"),
    )
    op.create_index(
        "ix_tracked_invoices_tenant_debtor", "tracked_invoices", ["tenant_id", "debtor_id"]
    )
    op.create_table(
        "cases",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("debtor_id", sa.String(64), nullable=False),
        sa.Column("policy_id", sa.String(100), nullable=False),
        sa.Column("policy_version", sa.Integer, nullable=False),
        sa.Column("trigger", sa.String(30), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("stage", sa.Integer, nullable=False),
        sa.Column("stage_name", sa.String(100), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("resolved_at", UTCDateTime, nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("pauses", sa.Text, nullable=False),
        sa.Column("awaiting", sa.Text, nullable=True),
        sa.Column("deferred_step", sa.String(100), nullable=True),
        sa.Column("deferred_until", UTCDateTime, nullable=True),
        sa.Column("hold_request_id", sa.String(100), nullable=True),
        sa.Column("case_file", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "case_id", name="pk_cases"),
    )
    op.create_index("ix_cases_tenant_debtor_status", "cases", ["tenant_id", "debtor_id", "status"])
    op.create_index("ix_cases_tenant_status_case", "cases", ["tenant_id", "status", "case_id"])
    op.create_table(
        "case_timeline",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("step", sa.String(100), nullable=True),
        sa.Column("policy_version", sa.Integer, nullable=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_timeline"),
    )
    op.create_index("ix_case_timeline_tenant_case", "case_timeline", ["tenant_id", "case_id", "id"])
    op.create_table(
        "case_notifications",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("dedup_key", sa.String(40), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("debtor_id", sa.String(64), nullable=False),
        sa.Column("step", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("invoice_ids", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_at", UTCDateTime, nullable=False),
        sa.Column("fallback_done", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("tenant_id", "dedup_key", name="pk_case_notifications"),
    )
    op.create_index(
        "ix_case_notifications_tenant_case",
        "case_notifications",
        ["tenant_id", "case_id", "status"],
    )
    op.create_table(
        "contact_attempts",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("debtor_id", sa.String(64), nullable=False),
        sa.Column("attempt_id", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("conversation", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("tenant_id", "debtor_id", "attempt_id", name="pk_contact_attempts"),
    )
    op.create_table(
        "contact_restrictions",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("debtor_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("effective_at", UTCDateTime, nullable=False),
        sa.Column("until", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint(
            "tenant_id", "debtor_id", "channel", "kind", name="pk_contact_restrictions"
        ),
    )
    op.create_table(
        "contact_rule_versions",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("debtor_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "debtor_id", name="pk_contact_rule_versions"),
    )
    op.create_table(
        "failed_addresses",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("debtor_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("address", sa.String(2000), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "debtor_id", "channel", "address", name="pk_failed_addresses"
        ),
    )
    op.create_table(
        "timers",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("debtor_id", sa.String(64), nullable=False),
        sa.Column("due_at", UTCDateTime, nullable=True),
        sa.Column("overdue_reported", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("reopened_by_reversal", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("tenant_id", "debtor_id", name="pk_timers"),
    )
    op.create_index("ix_timers_due_at", "timers", ["due_at"])


def downgrade() -> None:
    for name in (
        "timers",
        "failed_addresses",
        "contact_rule_versions",
        "contact_restrictions",
        "contact_attempts",
        "case_notifications",
        "case_timeline",
        "cases",
        "tracked_invoices",
        "policies",
    ):
        op.drop_table(name)
    with op.batch_alter_table("debtor_profiles") as table:
        table.drop_column("postal_address")
