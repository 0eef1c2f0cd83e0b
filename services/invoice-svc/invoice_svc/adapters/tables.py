"""invoice-svc's tables (its own schema on PostgreSQL, its own file on SQLite)."""

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
    text,
)

from debtflow_shared.db import ExactDecimal, UTCDateTime, new_metadata
from debtflow_shared.http.idempotency import define_idempotency_table
from debtflow_shared.parking import define_parking_table
from debtflow_shared.platform_tables import BigIntId, define_platform_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)

debtors = Table(
    "debtors",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("erp_id", String(100), nullable=True),
    Column("name", String(300), nullable=False),
    Column("country", String(2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("language", String(35), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("preferred_channel", String(20), nullable=True),
    Column("contacts", Text, nullable=False),
    Column("tags", Text, nullable=False),
    Column("credit_policy", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("uq_debtors_tenant_erp_id", "tenant_id", "erp_id", unique=True),
    Index("ix_debtors_tenant_name", "tenant_id", "name", "id"),
)

# The ledger. Money columns are integer minor units in the row's currency.
invoices = Table(
    "invoices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(36), nullable=False),
    Column("erp_id", String(100), nullable=True),
    Column("number", String(100), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("principal_open_minor", BigInteger, nullable=False),
    Column("charges_open_minor", BigInteger, nullable=False),
    Column("status", String(20), nullable=False),
    Column("lines", Text, nullable=False, server_default="[]"),
    Column("version", Integer, nullable=False),
    # When the invoice becomes overdue / due soon, as UTC instants of the debtor-local day
    # boundaries: the sweeper compares them with the clock in SQL, set-based and indexed.
    Column("overdue_at", UTCDateTime, nullable=False),
    Column("due_soon_at", UTCDateTime, nullable=False),
    Column("overdue_announced", Boolean, nullable=False, server_default=false()),
    Column("due_soon_announced", Boolean, nullable=False, server_default=false()),
    Column("interest_charged_to", Date, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("uq_invoices_tenant_erp_id", "tenant_id", "erp_id", unique=True),
    Index("ix_invoices_tenant_debtor_due", "tenant_id", "debtor_id", "due_date", "id"),
    Index("ix_invoices_tenant_status_due", "tenant_id", "status", "due_date", "id"),
    Index(
        "ix_invoices_overdue_sweep",
        "overdue_at",
        postgresql_where=text("overdue_announced = false AND status IN ('open', 'partially_paid')"),
        sqlite_where=text("overdue_announced = 0 AND status IN ('open', 'partially_paid')"),
    ),
    Index(
        "ix_invoices_due_soon_sweep",
        "due_soon_at",
        postgresql_where=text(
            "due_soon_announced = false AND status IN ('open', 'partially_paid')"
        ),
        sqlite_where=text("due_soon_announced = 0 AND status IN ('open', 'partially_paid')"),
    ),
)

charges = Table(
    "charges",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("invoice_id", String(36), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("request_id", String(100), nullable=True),
    Column("period_from", Date, nullable=True),
    Column("period_to", Date, nullable=True),
    Column("description", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("uq_charges_tenant_request", "tenant_id", "request_id", unique=True),
    Index("ix_charges_invoice", "invoice_id"),
)

credit_notes = Table(
    "credit_notes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("invoice_id", String(36), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_credit_notes_invoice", "invoice_id"),
)

# Every change of an invoice's open principal, dated (``domain/principal_history.py``):
# what interest reads to know the principal outstanding on each day.
principal_changes = Table(
    "principal_changes",
    metadata,
    Column("id", BigIntId, primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), nullable=False),
    Column("invoice_id", String(36), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("delta_minor", BigInteger, nullable=False),
    Column("on_date", Date, nullable=False),
    Column("payment_id", String(36), nullable=True),
    Column("reference", String(36), nullable=True),
    Column("recorded_at", UTCDateTime, nullable=False),
    Index("ix_principal_changes_invoice", "tenant_id", "invoice_id"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(36), nullable=False),
    Column("erp_id", String(100), nullable=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("reference", String(200), nullable=True),
    Column("method", String(50), nullable=True),
    Column("status", String(20), nullable=False),  # received | reversed
    Column("unapplied_minor", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("uq_payments_tenant_erp_id", "tenant_id", "erp_id", unique=True),
    Index("ix_payments_tenant_debtor", "tenant_id", "debtor_id", "received_on"),
)

allocations = Table(
    "allocations",
    metadata,
    Column("payment_id", String(36), nullable=False),
    Column("invoice_id", String(36), nullable=False),
    Column("principal_minor", BigInteger, nullable=False),
    Column("charges_minor", BigInteger, nullable=False),
    PrimaryKeyConstraint("payment_id", "invoice_id"),
    Index("ix_allocations_invoice", "invoice_id"),
)

# Unapplied money (overpayments) per debtor and currency, usable on later invoices.
account_credits = Table(
    "account_credits",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(36), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    PrimaryKeyConstraint("tenant_id", "debtor_id", "currency"),
)

disputes = Table(
    "disputes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("invoice_id", String(36), nullable=False),
    Column("debtor_id", String(36), nullable=False),
    Column("reason", Text, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("raised_by", String(200), nullable=False),
    Column("status", String(20), nullable=False),  # open | upheld | rejected
    Column("request_id", String(100), nullable=True),
    Column("resolution_note", Text, nullable=True),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime, nullable=True),
    Index("uq_disputes_tenant_request", "tenant_id", "request_id", unique=True),
    Index("ix_disputes_tenant_invoice", "tenant_id", "invoice_id"),
)

debtor_credit_state = Table(
    "debtor_credit_state",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(36), nullable=False),
    Column("on_hold", Boolean, nullable=False),
    Column("held_for_limit", Boolean, nullable=False),
    Column("held_on_request", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "debtor_id"),
)

creditor_profiles = Table(
    "creditor_profiles",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("profile", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# The tenant's ledger rules (absent row: the defaults).
ledger_settings = Table(
    "ledger_settings",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("allocation_order", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Credit hold/release requests already acted on: a request re-sent later acts once.
credit_requests = Table(
    "credit_requests",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("request_id", String(100), nullable=False),
    Column("debtor_id", String(36), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "request_id"),
)

# Charge and write-off requests already answered (applied or declined): each request id is
# answered once, so a copy re-sent later, even of a declined one, changes nothing.
command_requests = Table(
    "command_requests",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("command", String(40), nullable=False),
    Column("request_id", String(100), nullable=False),
    Column("invoice_id", String(64), nullable=False),
    Column("outcome", String(40), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "command", "request_id"),
)

# Tenant additions and corrections to the shipped reference-rate history.
reference_rates = Table(
    "reference_rates",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("series", String(10), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("rate_percent", ExactDecimal(9, 4), nullable=False),
    Column("source", Text, nullable=False),
    PrimaryKeyConstraint("tenant_id", "series", "effective_from"),
)

# A tenant admin's word that a series' last rate still held through a day.
reference_rate_checks = Table(
    "reference_rate_checks",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("series", String(10), nullable=False),
    Column("checked_through", Date, nullable=False),
    Column("source", Text, nullable=False),
    Column("checked_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "series"),
)

# REST idempotency: a retried request with the same key returns the first answer, which
# was committed with the write it answers (debtflow_shared/http/idempotency.py).
idempotency_keys = define_idempotency_table(metadata)

# ERP messages whose prerequisite (e.g. the debtor) has not arrived yet.
parked_messages = define_parking_table(metadata)
