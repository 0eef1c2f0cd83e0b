"""The overdue sweeper's throughput: invoices claimed and announced per second.

N open invoices are written straight into invoice-svc's tables (debtors spread over time
zones), then three sweeps are timed: all of them due soon (N ``invoice.due_soon`` events),
all of them overdue (N ``invoice.overdue`` events), and an idle sweep with nothing left to
announce (what every minute costs once caught up, thanks to the partial indexes). The relay
is not started: this measures the claim and the outbox write, not publishing.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from debtflow_shared.auth import TokenVerifier
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.clock import ControlledClock
from debtflow_shared.db import is_sqlite
from debtflow_shared.service import ServiceRuntime
from debtflow_shared.settings import PlatformSettings
from invoice_svc.adapters.tables import debtors, invoices
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.domain.due_dates import due_soon_at, overdue_at
from invoice_svc.service_layer.overdue_sweeper import SweepResult, sweep_once
from invoice_svc.settings import InvoiceSettings

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUE = date(2026, 3, 5)  # due soon from 2 March (local), overdue from 6 March (local)
ZONES = ("Europe/London", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata")


@dataclass(frozen=True)
class SweepFigures:
    target: str
    invoices: int
    batch: int
    due_soon_seconds: float
    overdue_seconds: float
    idle_ms: float

    @property
    def due_soon_per_second(self) -> float:
        return self.invoices / self.due_soon_seconds

    @property
    def overdue_per_second(self) -> float:
        return self.invoices / self.overdue_seconds


async def run(
    target: str, database_url: str | None, invoice_count: int = 20_000, batch: int = 500
) -> SweepFigures:
    schema = f"b{uuid.uuid4().hex[:8]}_invoice"
    clock = ControlledClock(START, frozen=True)
    with tempfile.TemporaryDirectory() as tmp:
        values: dict[str, Any] = {"platform": PlatformSettings(data_dir=Path(tmp))}
        if database_url:
            values |= {"database_url": database_url, "database_schema": schema}
        runtime = ServiceRuntime(
            INVOICE,
            InvoiceSettings(**values),
            bus=EmbeddedBus(),
            clock=clock,
            verifier=TokenVerifier({}),
        )
        try:
            await runtime.migrate()
            await _fill(runtime, invoice_count)
            due_soon_seconds = await _timed_sweep(runtime, batch, SweepResult(invoice_count, 0))
            clock.advance(timedelta(days=7))
            overdue_seconds = await _timed_sweep(runtime, batch, SweepResult(0, invoice_count))
            idle_seconds = await _timed_sweep(runtime, batch, SweepResult())
        finally:
            if not is_sqlite(runtime.database_url):
                async with runtime.engine.begin() as connection:
                    await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            await runtime.engine.dispose()
    return SweepFigures(
        target, invoice_count, batch, due_soon_seconds, overdue_seconds, idle_seconds * 1000
    )


async def _timed_sweep(runtime: ServiceRuntime, batch: int, expected: SweepResult) -> float:
    started = time.perf_counter()
    result = await sweep_once(runtime, batch_size=batch)
    seconds = time.perf_counter() - started
    if result != expected:
        raise AssertionError(f"sweep announced {result}, expected {expected}")
    return seconds


async def _fill(runtime: ServiceRuntime, count: int) -> None:
    debtor_rows: list[dict[str, Any]] = [
        {
            "id": str(uuid.uuid4()),
            "tenant_id": "bench",
            "name": f"Bench debtor {n}",
            "country": "GB",
            "currency": "GBP",
            "language": "en",
            "time_zone": ZONES[n % len(ZONES)],
            "contacts": "[]",
            "tags": "[]",
            "credit_policy": "{}",
            "version": 1,
            "created_at": START,
            "updated_at": START,
        }
        for n in range(max(1, count // 50))
    ]
    async with runtime.engine.begin() as connection:
        await connection.execute(insert(debtors), debtor_rows)
        for first in range(0, count, 5000):
            rows = []
            for n in range(first, min(first + 5000, count)):
                debtor = debtor_rows[n % len(debtor_rows)]
                rows.append(
                    {
                        "id": str(uuid.uuid4()),
                        "tenant_id": "bench",
                        "debtor_id": debtor["id"],
                        "erp_id": None,
                        "number": f"B-{n}",
                        "currency": "GBP",
                        "issue_date": DUE - timedelta(days=30),
                        "due_date": DUE,
                        "amount_minor": 100_00,
                        "principal_open_minor": 100_00,
                        "charges_open_minor": 0,
                        "status": "open",
                        "version": 1,
                        "overdue_at": overdue_at(DUE, debtor["time_zone"]),
                        "due_soon_at": due_soon_at(DUE, debtor["time_zone"]),
                        "created_at": START,
                        "updated_at": START,
                    }
                )
            await connection.execute(insert(invoices), rows)
