"""analytics-svc's tables (its own schema on PostgreSQL, its own file on SQLite).

``event_log`` is the append-only copy of every event consumed: the source of truth. Every
other table is a read model derived from it, and ``debtflow analytics rebuild`` empties and
rebuilds them from it. Money columns are integer minor units in the row's currency.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from debtflow_shared.db import UTCDateTime, new_metadata
from debtflow_shared.platform_tables import BigIntId, define_platform_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)

event_log = Table(
    "event_log",
    metadata,
    Column("seq", BigIntId, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("tenant_id", String(64), nullable=False),
    Column("topic", String(100), nullable=False),
    Column("dataschema", String(20), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("envelope", Text, nullable=False),
    Index("ix_event_log_tenant_topic", "tenant_id", "topic"),
)

# One row per invoice state an event reported (several events may report one version).
invoice_observations = Table(
    "invoice_observations",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("invoice_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("topic", String(100), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("number", String(100), nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("principal_open_minor", BigInteger, nullable=False),
    Column("charges_open_minor", BigInteger, nullable=False),
    Column("status", String(20), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("payment_id", String(64), nullable=True),
    PrimaryKeyConstraint(
        "tenant_id", "invoice_id", "version", "event_id", name="pk_invoice_observations"
    ),
    Index("ix_invoice_observations_payment", "tenant_id", "payment_id"),
)

# What each invoice version changed, dated by the business day it happened.
ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("invoice_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("number", String(100), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("principal_delta_minor", BigInteger, nullable=False),
    Column("charges_delta_minor", BigInteger, nullable=False),
    Column("sales_delta_minor", BigInteger, nullable=False),
    Column("payment_id", String(64), nullable=True),
    PrimaryKeyConstraint("tenant_id", "invoice_id", "version", name="pk_ledger_entries"),
    Index("ix_ledger_entries_tenant_currency_on", "tenant_id", "currency", "on_date"),
    Index("ix_ledger_entries_tenant_debtor", "tenant_id", "debtor_id"),
)

debtors = Table(
    "debtors",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", String(300), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("credit_limit_minor", BigInteger, nullable=True),
    Column("credit_limit_currency", String(3), nullable=True),
    PrimaryKeyConstraint("tenant_id", "debtor_id", name="pk_debtors"),
)

payments = Table(
    "payments",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("payment_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("unapplied_minor", BigInteger, nullable=True),
    Column("received_on", Date, nullable=True),
    Column("reversed_on", Date, nullable=True),
    PrimaryKeyConstraint("tenant_id", "payment_id", name="pk_payments"),
    Index("ix_payments_tenant_debtor", "tenant_id", "debtor_id"),
)

# Dunning steps that ran and messages sent (domain/touches.py), and the invoices each named.
touches = Table(
    "touches",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("touch_key", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("touched_on", Date, nullable=True),
    Column("step", String(100), nullable=True),
    Column("action", String(20), nullable=True),
    Column("channel", String(20), nullable=True),
    Column("template_key", String(100), nullable=True),
    Column("tone", String(20), nullable=True),
    Column("variant", String(100), nullable=True),
    PrimaryKeyConstraint("tenant_id", "touch_key", name="pk_touches"),
    Index("ix_touches_tenant_kind_on", "tenant_id", "kind", "touched_on"),
)
touch_invoices = Table(
    "touch_invoices",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("touch_key", String(200), nullable=False),
    Column("invoice_id", String(64), nullable=False),
    PrimaryKeyConstraint("tenant_id", "touch_key", "invoice_id", name="pk_touch_invoices"),
    Index("ix_touch_invoices_tenant_invoice", "tenant_id", "invoice_id"),
)

# Promises, plans, settlements, disputes, cases and hand-offs (domain/lifecycles.py).
lifecycles = Table(
    "lifecycles",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("subject_id", String(64), nullable=True),
    Column("opened_on", Date, nullable=True),
    Column("due_on", Date, nullable=True),
    Column("closed_on", Date, nullable=True),
    Column("outcome", String(20), nullable=True),
    Column("currency", String(3), nullable=True),
    Column("amount_minor", BigInteger, nullable=True),
    Column("debtor_id", String(64), nullable=True),
    PrimaryKeyConstraint("tenant_id", "kind", "item_id", name="pk_lifecycles"),
    Index("ix_lifecycles_tenant_subject", "tenant_id", "subject_id"),
    Index("ix_lifecycles_tenant_debtor", "tenant_id", "debtor_id"),
)

# Each debtor's current propensity-to-pay score (domain/propensity.py); scores are kept in
# ten-thousandths (0.6200 is 6200), exactly as published.
risk_scores = Table(
    "risk_scores",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("score_e4", Integer, nullable=False),
    Column("segment", String(30), nullable=False),
    Column("factors", Text, nullable=False),  # JSON: [{"feature", "factor", "effect"}]
    Column("currency", String(3), nullable=False),
    Column("open_balance_minor", BigInteger, nullable=False),
    Column("expected_recovery_minor", BigInteger, nullable=False),
    Column("model_version", String(100), nullable=False),
    Column("scored_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "debtor_id", name="pk_risk_scores"),
    Index(
        "ix_risk_scores_tenant_currency_recovery",
        "tenant_id",
        "currency",
        "expected_recovery_minor",
        "debtor_id",
    ),
)

# The tenant's model in force, chosen on the day's scoring run (domain/propensity_model.py).
risk_models = Table(
    "risk_models",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("chosen_on", Date, nullable=False),
    Column("model_version", String(100), nullable=False),
    Column("model", Text, nullable=True),  # JSON of the trained model; null: the scorecard
    Column("reason", String(300), nullable=False),
    Column("base_rate_e4", Integer, nullable=False),
    Column("examples", Integer, nullable=False),
    Column("test_from", Date, nullable=True),
    Column("train_examples", Integer, nullable=True),
    Column("test_examples", Integer, nullable=True),
    Column("model_auc_e4", Integer, nullable=True),
    Column("scorecard_auc_e4", Integer, nullable=True),
    PrimaryKeyConstraint("tenant_id", name="pk_risk_models"),
)

# The last debtor.risk_scored published per debtor: not a read model (a rebuild keeps it),
# it is what escalation-svc was told, so a rebuild's rescoring republishes only real moves.
risk_publications = Table(
    "risk_publications",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("score_e4", Integer, nullable=False),
    Column("segment", String(30), nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "debtor_id", name="pk_risk_publications"),
)

READ_MODELS = (
    invoice_observations,
    ledger_entries,
    debtors,
    payments,
    touches,
    touch_invoices,
    lifecycles,
    risk_scores,
    risk_models,
)
"""Every table derived from ``event_log``: what a rebuild empties and fills again."""
