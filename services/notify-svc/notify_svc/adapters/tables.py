"""notify-svc's tables (its own schema on PostgreSQL, its own file on SQLite)."""

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
    UniqueConstraint,
)

from debtflow_shared.db import UTCDateTime, new_metadata
from debtflow_shared.platform_tables import define_platform_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)

# -- copies kept from invoice-svc's and escalation-svc's events ----------------------------
debtors = Table(
    "debtors",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", String(300), nullable=False),
    Column("language", String(35), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("country", String(2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("emails", Text, nullable=False),  # JSON: [{"address", "usable", "label"}]
    Column("postal_lines", Text, nullable=False),  # JSON: ["line", ...]
    # JSON: [{"number" (E.164), "sms_capable", "usable", "label"}]
    Column("phones", Text, nullable=False, server_default="[]"),
    # JSON: {"lines", "city", "country", "postcode", "region"}; null: none known
    Column("postal_address", Text, nullable=True),
    PrimaryKeyConstraint("tenant_id", "debtor_id"),
)

creditor_profiles = Table(
    "creditor_profiles",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("profile", Text, nullable=False),  # creditor.profile_updated's payload, as JSON
)

invoices = Table(
    "invoices",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("invoice_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("number", String(100), nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("principal_open_minor", BigInteger, nullable=False),
    Column("charges_open_minor", BigInteger, nullable=False),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint("tenant_id", "invoice_id"),
    Index("ix_invoices_debtor", "tenant_id", "debtor_id"),
)

charges = Table(
    "charges",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("charge_id", String(64), nullable=False),
    Column("invoice_id", String(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("description", Text, nullable=False),
    Column("period_from", Date, nullable=True),
    Column("period_to", Date, nullable=True),
    PrimaryKeyConstraint("tenant_id", "charge_id"),
    Index("ix_charges_invoice", "tenant_id", "invoice_id"),
)

contact_restrictions = Table(
    "contact_restrictions",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("channel_key", String(20), nullable=False),  # a channel, or "*" for every one
    Column("version", Integer, nullable=False),
    Column("restriction", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("effective_at", UTCDateTime, nullable=False),
    Column("until", UTCDateTime, nullable=True),
    PrimaryKeyConstraint("tenant_id", "debtor_id", "channel_key"),
)

# What templates may say about a debtor's history (domain/history.py).
paid_invoices = Table(
    "paid_invoices",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("invoice_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("due_date", Date, nullable=False),
    Column("paid_on", Date, nullable=False),
    PrimaryKeyConstraint("tenant_id", "invoice_id"),
    Index("ix_paid_invoices_debtor", "tenant_id", "debtor_id"),
)

payments = Table(
    "payments",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("payment_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reversed", Boolean, nullable=False),
    PrimaryKeyConstraint("tenant_id", "payment_id"),
    Index("ix_payments_debtor", "tenant_id", "debtor_id"),
)

broken_promises = Table(
    "broken_promises",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("promise_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("broken_on", Date, nullable=False),
    PrimaryKeyConstraint("tenant_id", "promise_id"),
    Index("ix_broken_promises_debtor", "tenant_id", "debtor_id"),
)

# -- notify's own records -------------------------------------------------------------------
suppressions = Table(
    "suppressions",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("address", String(2000), nullable=False),  # normalised (email: lower case)
    Column("reason", String(30), nullable=False),
    Column("detail", Text, nullable=False),
    Column("debtor_id", String(64), nullable=True),
    Column("suppressed_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "channel", "address"),
)

templates = Table(
    "templates",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("key", String(100), nullable=False),
    Column("locale", String(35), nullable=False),
    Column("tone", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("subject", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("attach_statement", Boolean, nullable=False),
    Column("sms", Text, nullable=True),  # null: the shipped default's SMS body
    Column("letter", Text, nullable=True),  # null: the shipped default's letter body
    Column("created_at", UTCDateTime, nullable=False),
    # Retired versions stay readable (history) but are never used: the default applies.
    Column("retired_at", UTCDateTime, nullable=True),
    PrimaryKeyConstraint("tenant_id", "key", "locale", "tone", "version"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("dedup_key", String(40), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("step", String(100), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("template_key", String(100), nullable=False),
    Column("tone", String(20), nullable=False),
    Column("variant", String(64), nullable=True),
    Column("locale", String(35), nullable=False),
    Column("invoice_ids", Text, nullable=False),  # JSON list
    # The case's other open invoices the message names without claiming them (JSON list).
    Column("also_outstanding_ids", Text, nullable=False, server_default="[]"),
    Column("contact_rules", Text, nullable=False),  # JSON
    Column("requested_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("status", String(20), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("waiting_for", String(40), nullable=True),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    # Machine time, not business time: how long a ``sending`` row is its sender's.
    Column("lease_until", UTCDateTime, nullable=True),
    Column("message_id", String(300), nullable=True),
    Column("rendered", Text, nullable=True),  # JSON: address, subject, bodies, invoices shown
    Column("sent_at", UTCDateTime, nullable=True),
    Column("provider_message_id", String(300), nullable=True),
    # When the provider confirmed delivery (its report, after ``sent``); once.
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant_id", "dedup_key"),
    Index("ix_notifications_due", "status", "next_attempt_at"),
    Index("ix_notifications_debtor", "tenant_id", "debtor_id"),
)

notification_attempts = Table(
    "notification_attempts",
    metadata,
    Column("notification_id", String(64), nullable=False),
    Column("number", Integer, nullable=False),
    Column("address", String(2000), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("outcome", String(20), nullable=False),
    Column("detail", Text, nullable=True),
    PrimaryKeyConstraint("notification_id", "number"),
)

# A cancel that arrived before its request (topics are not ordered with each other).
early_cancels = Table(
    "early_cancels",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("dedup_key", String(40), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("cancelled_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "dedup_key"),
)

# Bounces a provider reported, once per message and kind (a provider repeats callbacks).
bounces = Table(
    "bounces",
    metadata,
    Column("notification_id", String(64), nullable=False),
    Column("bounce", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("bounced_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("notification_id", "bounce"),
)
