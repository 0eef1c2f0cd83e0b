"""invoice-svc's composition root."""

from __future__ import annotations

from pathlib import Path

from debtflow_shared.service import ServiceDefinition
from invoice_svc.adapters.tables import idempotency_keys, metadata, platform
from invoice_svc.api import creditor_profile, debtors

DEFINITION = ServiceDefinition(
    name="invoice-svc",
    short_name="invoice",
    description="The ledger of what is owed: debtors and credit policy, invoices, payments, "
    "disputes, charges, ERP ingestion and overdue detection.",
    metadata=metadata,
    tables=platform,
    migrations=Path(__file__).parent / "migrations",
    routers=[debtors.router, creditor_profile.router],
    idempotency_table=idempotency_keys,
    tags=[
        ("debtors", "Businesses that owe money, their contacts and credit policy"),
        ("creditor profile", "Who is owed: shown on every statement and message"),
    ],
)
