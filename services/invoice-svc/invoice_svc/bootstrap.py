"""invoice-svc's composition root."""

from __future__ import annotations

from pathlib import Path

from debtflow_shared.parked_expiry import run_parked_expiry
from debtflow_shared.service import ServiceDefinition
from invoice_svc import consumers
from invoice_svc.adapters.repositories import SqlRepositories
from invoice_svc.adapters.tables import idempotency_keys, metadata, parked_messages, platform
from invoice_svc.api import (
    batches,
    charges,
    creditor_profile,
    debtors,
    disputes,
    invoices,
    ledger_settings,
    payments,
    reference_rates,
    statements,
)
from invoice_svc.service_layer.overdue_sweeper import run_overdue_sweeper

DEFINITION = ServiceDefinition(
    name="invoice-svc",
    short_name="invoice",
    description="The ledger of what is owed: debtors and credit policy, invoices, payments, "
    "disputes, charges, ERP ingestion and overdue detection.",
    metadata=metadata,
    tables=platform,
    migrations=Path(__file__).parent / "migrations",
    routers=[
        debtors.router,
        invoices.router,
        payments.router,
        creditor_profile.router,
        reference_rates.router,
        statements.router,
        batches.router,
        disputes.router,
        charges.router,
        ledger_settings.router,
    ],
    idempotency_table=idempotency_keys,
    repositories=SqlRepositories,
    parking_table=parked_messages,
    handlers=consumers.handlers,
    batch_handlers=consumers.BATCH_HANDLERS,
    tags=[
        ("debtors", "Businesses that owe money, their contacts and credit policy"),
        ("invoices", "Receivables: issue, amend, credit, cancel, write off; overdue filters"),
        ("payments", "Money received, its allocation to invoices, and reversals"),
        ("creditor profile", "Who is owed: shown on every statement and message"),
        ("interest", "Reference rates, interest and compensation quotes"),
        ("batches", "Up to 10,000 debtors, invoices or payments per request, a result per row"),
        ("disputes", "Disagreements about invoices: collection pauses until resolved"),
        ("statements", "Account statements: open items with aging, as JSON or PDF"),
        ("ledger settings", "The tenant's ledger rules: principal or charges first"),
    ],
    background=[run_overdue_sweeper, run_parked_expiry],
)
