"""Migration 0004 rebuilds the principal history of invoices that existed before it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command

from debtflow_shared.db import create_engine
from debtflow_shared.migrations import alembic_config
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.harness import Backend

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _invoice(invoice_id: str, amount: int, principal_open: int, status: str) -> dict[str, object]:
    return {
        "id": invoice_id,
        "tenant_id": "t",
        "debtor_id": "d",
        "erp_id": invoice_id,
        "number": invoice_id,
        "currency": "GBP",
        "issue_date": date(2026, 1, 1),
        "due_date": date(2026, 1, 31),
        "amount_minor": amount,
        "principal_open_minor": principal_open,
        "charges_open_minor": 0,
        "status": status,
        "lines": "[]",
        "version": 3,
        "overdue_at": NOW,
        "due_soon_at": NOW,
        "interest_charged_to": None,
        "created_at": NOW,
        "updated_at": NOW,
    }


async def test_existing_invoices_get_a_history_that_adds_up_to_their_open_principal(
    backend: Backend,
) -> None:
    settings = backend.settings(InvoiceSettings, INVOICE.short_name)
    settings.platform.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url(INVOICE.short_name)
    schema = settings.database_schema or INVOICE.short_name
    config = alembic_config(INVOICE.migrations, url, schema)
    await asyncio.to_thread(command.upgrade, config, "0003")
    engine = create_engine(url, schema=schema, pool_size=1)
    meta = sa.MetaData()
    try:
        async with engine.begin() as connection:
            await connection.run_sync(meta.reflect)
            tables = meta.tables
            await connection.execute(
                sa.insert(tables["invoices"]),
                [
                    # 1,000.00 issued, 200.00 credited, 300.00 paid, 100.00 paid then bounced.
                    _invoice("I-1", 80_000, 50_000, "partially_paid"),
                    _invoice("I-2", 10_000, 0, "written_off"),
                ],
            )
            await connection.execute(
                sa.insert(tables["credit_notes"]),
                [
                    {
                        "id": "CN-1",
                        "tenant_id": "t",
                        "invoice_id": "I-1",
                        "amount_minor": 20_000,
                        "currency": "GBP",
                        "reason": "returned",
                        "created_at": NOW,
                    }
                ],
            )
            payment = {
                "tenant_id": "t",
                "debtor_id": "d",
                "currency": "GBP",
                "unapplied_minor": 0,
                "version": 1,
                "created_at": NOW,
            }
            await connection.execute(
                sa.insert(tables["payments"]),
                [
                    payment
                    | {"id": "P-1", "amount_minor": 30_000, "status": "received"}
                    | {"received_on": date(2026, 2, 10)},
                    payment
                    | {"id": "P-2", "amount_minor": 10_000, "status": "reversed"}
                    | {"received_on": date(2026, 2, 12)},
                ],
            )
            await connection.execute(
                sa.insert(tables["allocations"]),
                [
                    {"payment_id": "P-1", "invoice_id": "I-1", "principal_minor": 30_000}
                    | {"charges_minor": 0},
                    {"payment_id": "P-2", "invoice_id": "I-1", "principal_minor": 10_000}
                    | {"charges_minor": 0},
                ],
            )
        await asyncio.to_thread(command.upgrade, config, "0004")
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    sa.text(
                        "SELECT invoice_id, kind, delta_minor, on_date, payment_id "
                        "FROM principal_changes ORDER BY id"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    history = {(r[0], r[1], r[2], str(r[3]), r[4]) for r in rows}
    assert history == {
        ("I-1", "issued", 100_000, "2026-01-01", None),
        ("I-1", "credited", -20_000, "2026-03-02", None),
        ("I-1", "paid", -30_000, "2026-02-10", "P-1"),
        ("I-1", "paid", -10_000, "2026-02-12", "P-2"),
        ("I-1", "reversed", 10_000, "2026-02-12", "P-2"),
        ("I-2", "issued", 10_000, "2026-01-01", None),
        ("I-2", "written_off", -10_000, "2026-03-02", None),
    }
