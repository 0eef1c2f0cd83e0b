"""Rows of invoice-svc's ledger for the benchmarks: written straight into its tables to set a
scene (debtors already present, open invoices to sweep), and the same rows for the raw
baselines to copy."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from invoice_svc.adapters.tables import debtors, invoices
from invoice_svc.domain.due_dates import due_soon_at, overdue_at

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TENANT = "bench"
ZONES = ("Europe/London", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata")
INVOICE_COLUMNS = tuple(c.name for c in invoices.c)


def debtor_row(n: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "tenant_id": TENANT,
        "erp_id": f"C-{n}",
        "name": f"Bench debtor {n}",
        "country": "GB",
        "currency": "GBP",
        "language": "en",
        "time_zone": ZONES[n % len(ZONES)],
        "preferred_channel": None,
        "contacts": "[]",
        "tags": "[]",
        "credit_policy": "{}",
        "version": 1,
        "created_at": START,
        "updated_at": START,
    }


def invoice_row(n: int, debtor: dict[str, Any], due: date) -> dict[str, Any]:
    """An open invoice of 100.00 GBP; every column of ``invoices``, in its order."""
    row = {
        "id": str(uuid.uuid4()),
        "tenant_id": TENANT,
        "debtor_id": debtor["id"],
        "erp_id": f"I-{n}",
        "number": f"B-{n}",
        "currency": "GBP",
        "issue_date": due - timedelta(days=30),
        "due_date": due,
        "amount_minor": 100_00,
        "principal_open_minor": 100_00,
        "charges_open_minor": 0,
        "status": "open",
        "lines": "[]",
        "version": 1,
        "overdue_at": overdue_at(due, debtor["time_zone"]),
        "due_soon_at": due_soon_at(due, debtor["time_zone"]),
        "overdue_announced": False,
        "due_soon_announced": False,
        "interest_charged_to": None,
        "created_at": START,
        "updated_at": START,
    }
    assert tuple(row) == INVOICE_COLUMNS, "invoices changed shape: update ledger_rows.py"
    return row


def as_record(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c] for c in INVOICE_COLUMNS)


async def insert_rows(engine: AsyncEngine, table: Table, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as connection:
        for first in range(0, len(rows), 5000):
            await connection.execute(insert(table), rows[first : first + 5000])


async def insert_debtors(engine: AsyncEngine, count: int) -> list[dict[str, Any]]:
    rows = [debtor_row(n) for n in range(count)]
    await insert_rows(engine, debtors, rows)
    return rows
