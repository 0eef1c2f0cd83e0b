"""escalation-svc's tables (its own schema on PostgreSQL, its own file on SQLite)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    false,
)

from debtflow_shared.db import UTCDateTime, new_metadata
from debtflow_shared.platform_tables import BigIntId, define_platform_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)

# escalation-svc's own copy of what it needs to know about debtors, fed by debtor.upserted.
debtor_profiles = Table(
    "debtor_profiles",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", String(300), nullable=False),
    Column("country", String(2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("language", String(35), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("preferred_channel", String(20), nullable=True),
    Column("contacts", Text, nullable=False),  # debtor.upserted v2 contacts, as JSON
    Column("updated_at", UTCDateTime, nullable=False),
    Column("tags", Text, nullable=False, server_default="[]"),
    Column("credit_policy", Text, nullable=False, server_default="{}"),
    Column("postal_address", Text, nullable=True),  # where letters go (JSON), if known
    PrimaryKeyConstraint("tenant_id", "debtor_id"),
)

# Dunning policies, every version kept: a running case reads the version it started on.
policies = Table(
    "policies",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("policy_id", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", String(300), nullable=False),
    Column("steps", Text, nullable=False),  # JSON
    Column("rules", Text, nullable=False),  # the compliance guard's rules, JSON
    Column("arrangements", Text, nullable=True),  # promise/plan/settlement terms, JSON
    Column("archived", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "policy_id", "version"),
)

# Every open invoice of every debtor, kept from invoice.* and payment.* (newest version wins).
tracked_invoices = Table(
    "tracked_invoices",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("invoice_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("number", String(100), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("due_date", Date, nullable=False),
    Column("open_minor", BigInteger, nullable=False),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("case_id", String(64), nullable=True),
    Column("closed_by", String(20), nullable=True),
    PrimaryKeyConstraint("tenant_id", "invoice_id"),
    Index("ix_tracked_invoices_tenant_debtor", "tenant_id", "debtor_id"),
)

cases = Table(
    "cases",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("policy_id", String(100), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("trigger", String(30), nullable=False),
    Column("status", String(20), nullable=False),
    Column("stage", Integer, nullable=False),
    Column("stage_name", String(100), nullable=True),
    Column("version", Integer, nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("outcome", String(20), nullable=True),
    Column("pauses", Text, nullable=False),  # JSON list
    Column("awaiting", Text, nullable=True),  # JSON: a notice waiting for its charges
    Column("deferred_step", String(100), nullable=True),
    Column("deferred_until", UTCDateTime, nullable=True),
    Column("hold_request_id", String(100), nullable=True),
    Column("case_file", Text, nullable=True),  # JSON, written at hand-off
    Column("run_now", Integer, nullable=True),  # a step to run at once (broken promise)
    Column("promises_broken", Integer, nullable=False, server_default="0"),
    Column("plans_defaulted", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint("tenant_id", "case_id"),
    Index("ix_cases_tenant_debtor_status", "tenant_id", "debtor_id", "status"),
    Index("ix_cases_tenant_status_case", "tenant_id", "status", "case_id"),
)

# Why every case did what it did: events, steps, messages and decisions, in order.
case_timeline = Table(
    "case_timeline",
    metadata,
    Column("id", BigIntId, primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("step", String(100), nullable=True),
    Column("policy_version", Integer, nullable=True),
    Column("summary", Text, nullable=False),
    Column("details", Text, nullable=False),  # JSON
    Index("ix_case_timeline_tenant_case", "tenant_id", "case_id", "id"),
)

# The notifications cases requested, until notify-svc reports them sent, failed or bounced.
case_notifications = Table(
    "case_notifications",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("dedup_key", String(40), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("step", String(100), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("invoice_ids", Text, nullable=False),  # JSON
    Column("status", String(20), nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("fallback_done", Boolean, nullable=False, server_default=false()),
    PrimaryKeyConstraint("tenant_id", "dedup_key"),
    Index("ix_case_notifications_tenant_case", "tenant_id", "case_id", "status"),
)

# Contact attempts the frequency cap and the minimum gap count (notification.sent, calls).
contact_attempts = Table(
    "contact_attempts",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("attempt_id", String(100), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("conversation", Boolean, nullable=False, server_default=false()),
    PrimaryKeyConstraint("tenant_id", "debtor_id", "attempt_id"),
)

# Opt-outs (contact.opted_out) and escalation's own do-not-contact / cease-contact decisions.
contact_restrictions = Table(
    "contact_restrictions",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("channel", String(20), nullable=False),  # "*": every channel
    Column("kind", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("effective_at", UTCDateTime, nullable=False),
    Column("until", UTCDateTime, nullable=True),
    PrimaryKeyConstraint("tenant_id", "debtor_id", "channel", "kind"),
)

# The version contact.restricted carries: one counter per debtor's contact rules.
contact_rule_versions = Table(
    "contact_rule_versions",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint("tenant_id", "debtor_id"),
)

# Addresses notify reported failed for good (permanent failure, hard bounce).
failed_addresses = Table(
    "failed_addresses",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("address", String(2000), nullable=False),  # "*": the channel's every address
    Column("reason", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "debtor_id", "channel", "address"),
)

# Each debtor's durable timer: when its collection must next be looked at. The row is also
# the debtor's lock: whoever changes the debtor's case holds it (FOR UPDATE).
timers = Table(
    "timers",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("due_at", UTCDateTime, nullable=True),
    Column("overdue_reported", Boolean, nullable=False, server_default=false()),
    Column("reopened_by_reversal", Boolean, nullable=False, server_default=false()),
    Column("failures", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint("tenant_id", "debtor_id"),
    Index("ix_timers_due_at", "due_at"),
)

# Promises to pay (one open per case at a time); what arrived toward each.
promises = Table(
    "promises",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("promise_id", String(64), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("invoice_ids", Text, nullable=False),  # JSON
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("promised_on", Date, nullable=False),
    Column("grace_days", Integer, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("made_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("paid_minor", BigInteger, nullable=False),
    Column("payment_ids", Text, nullable=False),  # JSON
    Column("closed_on", Date, nullable=True),
    PrimaryKeyConstraint("tenant_id", "promise_id"),
    Index("ix_promises_tenant_case_status", "tenant_id", "case_id", "status"),
)

# Payment plans with their installment schedule and what has been paid toward it.
plans = Table(
    "plans",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("plan_id", String(64), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("invoice_ids", Text, nullable=False),  # JSON
    Column("currency", String(3), nullable=False),
    Column("installments", Text, nullable=False),  # JSON: number, due_on, amount_minor
    Column("grace_days", Integer, nullable=False),
    Column("agreed_by", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("paid_minor", BigInteger, nullable=False),
    Column("payment_ids", Text, nullable=False),  # JSON
    Column("progress", Text, nullable=False),  # JSON: installments announced, missed, reminded
    Column("closed_on", Date, nullable=True),
    PrimaryKeyConstraint("tenant_id", "plan_id"),
    Index("ix_plans_tenant_case_status", "tenant_id", "case_id", "status"),
)

# Settlement offers, and the write-offs requested once one is paid in time.
settlements = Table(
    "settlements",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("settlement_id", String(64), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("invoice_ids", Text, nullable=False),  # JSON
    Column("amount_minor", BigInteger, nullable=False),
    Column("settles_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("offered_by", String(200), nullable=False),
    Column("offered_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("paid_minor", BigInteger, nullable=False),
    Column("payment_ids", Text, nullable=False),  # JSON
    Column("write_offs", Text, nullable=False),  # JSON: [invoice id, request id]
    Column("closed_on", Date, nullable=True),
    PrimaryKeyConstraint("tenant_id", "settlement_id"),
    Index("ix_settlements_tenant_case_status", "tenant_id", "case_id", "status"),
)

# The collectors' task queue.
tasks = Table(
    "tasks",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("task_id", String(64), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("step", String(100), nullable=True),
    Column("due_on", Date, nullable=False),
    Column("assignee", String(200), nullable=True),
    Column("note", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("outcome", String(30), nullable=True),
    Column("completed_by", String(200), nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("outcome_note", Text, nullable=True),
    PrimaryKeyConstraint("tenant_id", "task_id"),
    Index("ix_tasks_tenant_status_debtor", "tenant_id", "status", "debtor_id"),
    Index("ix_tasks_tenant_case", "tenant_id", "case_id"),
)

# The last debtor.risk_scored of each debtor: the task queue's order.
debtor_scores = Table(
    "debtor_scores",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("score", String(10), nullable=False),  # a decimal string, never a float
    Column("segment", String(30), nullable=False),
    Column("expected_recovery_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("model_version", String(100), nullable=False),
    Column("scored_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "debtor_id"),
)
