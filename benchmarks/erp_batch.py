"""ERP batch ingestion: rows per second through ``POST /v1/batches/{invoices,payments}``,
and what a reader of another tenant waits meanwhile.

One request of N invoices (spread over N/100 debtors registered by a debtors batch first)
goes through the whole HTTP path in process: auth, per-row validation, 500 rows per
transaction (``service_layer/invoice_batch.py``), the outbox rows for ``invoice.issued``.
The same batch is then sent again, every row ``unchanged``. Then N payments (each debtor
pays its oldest open invoices, 40 % of one at a time) the same way, and sent again.

Another tenant reads one of its debtors (``GET /v1/debtors/{id}``) in a loop, first while
nothing else runs (the baseline), then during a second batch of N payments: its p99 beside
the idle one is what a batch costs every other request of the service (one event loop and
one SQLite file on the embedded default, as under ``make run``). The relay is not started:
this measures the ingestion, not publishing.

Baseline (same run): one raw asyncpg ``copy_records_to_table`` of the same N invoice rows into
a scratch table shaped like ``invoices``; embedded, one raw sqlite3 ``executemany``.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks import raw_baselines
from benchmarks.ledger_rows import INVOICE_COLUMNS, as_record, invoice_row
from debtflow_shared.auth import TokenVerifier, generate_key_pair, issue_token
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.clock import ControlledClock
from debtflow_shared.db import is_sqlite
from debtflow_shared.service import ServiceRuntime
from debtflow_shared.settings import PlatformSettings
from invoice_svc.adapters.tables import invoices as invoices_table
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SCOPES = ("debtors:write", "invoices:write", "payments:write")
READER_SCOPES = ("debtors:read", "debtors:write")
BODY_LIMIT = 64 * 1024 * 1024
READ_PAUSE = 0.005  # between a reader's requests: a busy client, not a flood


@dataclass(frozen=True)
class BatchFigures:
    target: str
    items: int
    invoice_seconds: float
    invoice_resend_seconds: float
    payment_seconds: float
    payment_resend_seconds: float
    read_idle_ms: list[float]
    read_during_batch_ms: list[float]
    baseline_seconds: float

    @property
    def invoices_per_second(self) -> float:
        return self.items / self.invoice_seconds

    @property
    def invoice_resend_per_second(self) -> float:
        return self.items / self.invoice_resend_seconds

    @property
    def payments_per_second(self) -> float:
        return self.items / self.payment_seconds

    @property
    def payment_resend_per_second(self) -> float:
        return self.items / self.payment_resend_seconds

    @property
    def read_idle_p99_ms(self) -> float:
        return p99(self.read_idle_ms)

    @property
    def read_during_batch_p99_ms(self) -> float:
        return p99(self.read_during_batch_ms)


def p99(samples: list[float]) -> float:
    if len(samples) < 2:  # a reader blocked for the whole batch reads once
        return max(samples, default=0.0)
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


async def run(target: str, database_url: str | None, items: int = 10_000) -> BatchFigures:
    schema = f"b{uuid.uuid4().hex[:8]}_invoice"
    with tempfile.TemporaryDirectory() as tmp:
        key = generate_key_pair(Path(tmp) / "keys", "bench")
        # The batch limit (32 MiB) is meant for these bodies; the whole app's is raised too,
        # so the benchmark measures ingestion whatever the limits' plumbing does.
        platform = PlatformSettings(data_dir=Path(tmp), http_max_body_bytes=BODY_LIMIT)
        values: dict[str, Any] = {"platform": platform}
        if database_url:
            values |= {"database_url": database_url, "database_schema": schema}
        runtime = ServiceRuntime(
            INVOICE,
            InvoiceSettings(**values),
            bus=EmbeddedBus(),
            clock=ControlledClock(START, frozen=True),
            verifier=TokenVerifier.from_directory(Path(tmp) / "keys" / "public"),
        )
        transport = httpx.ASGITransport(app=runtime.app)

        def client(tenant: str, scopes: tuple[str, ...]) -> httpx.AsyncClient:
            token = issue_token(key, tenant_id=tenant, scopes=scopes)
            return httpx.AsyncClient(
                transport=transport,
                base_url="http://bench",
                headers={"Authorization": f"Bearer {token}"},
                timeout=600,
            )

        try:
            await runtime.migrate()
            async with client("bench", SCOPES) as writer, client("other", READER_SCOPES) as reader:
                debtor_ids = await _debtors(writer, max(1, items // 100))
                read_path = f"/v1/debtors/{(await _debtors(reader, 1))[0]}"
                rows = [_invoice(n, debtor_ids[n % len(debtor_ids)]) for n in range(items)]
                invoices = await _timed(writer, "invoices", rows, "created")
                invoices_resent = await _timed(writer, "invoices", rows, "unchanged")
                payments = [_payment(n, debtor_ids[n % len(debtor_ids)]) for n in range(items)]
                paid = await _timed(writer, "payments", payments, "created")
                paid_resent = await _timed(writer, "payments", payments, "unchanged")
                idle = await _reads(reader, read_path, samples=400)
                second = [
                    _payment(items + n, debtor_ids[n % len(debtor_ids)]) for n in range(items)
                ]
                batch = asyncio.create_task(_timed(writer, "payments", second, "created"))
                during = await _reads(reader, read_path, until=batch)
                await batch
            baseline = await _baseline(runtime, Path(tmp), rows)
        finally:
            if not is_sqlite(runtime.database_url):
                async with runtime.engine.begin() as connection:
                    await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            await runtime.engine.dispose()
    return BatchFigures(
        target, items, invoices, invoices_resent, paid, paid_resent, idle, during, baseline
    )


async def _baseline(runtime: ServiceRuntime, tmp: Path, items: list[dict[str, Any]]) -> float:
    rows = [
        invoice_row(n, {"id": item["debtor_id"], "time_zone": "UTC"}, date(2026, 3, 31))
        for n, item in enumerate(items)
    ]
    if is_sqlite(runtime.database_url):
        return raw_baselines.sqlite_insert_seconds(
            tmp / "raw.sqlite", invoices_table, rows, len(rows)
        )
    return await raw_baselines.copy_seconds(
        raw_baselines.asyncpg_dsn(runtime.database_url),
        runtime.schema,
        "invoices",
        INVOICE_COLUMNS,
        [as_record(r) for r in rows],
    )


async def _debtors(client: httpx.AsyncClient, count: int) -> list[str]:
    rows = [
        {"erp_id": f"C-{n}", "name": f"Bench {n}", "country": "GB", "currency": "GBP"}
        for n in range(count)
    ]
    response = await client.post("/v1/batches/debtors", json={"items": rows})
    response.raise_for_status()
    return [str(r["id"]) for r in response.json()["items"]]


def _invoice(n: int, debtor_id: str) -> dict[str, Any]:
    return {
        "erp_id": f"I-{n}",
        "debtor_id": debtor_id,
        "number": f"B-{n}",
        "issue_date": "2026-03-01",
        "due_date": "2026-03-31",
        "amount": {"amount_minor": 10_000 + n, "currency": "GBP"},
    }


def _payment(n: int, debtor_id: str) -> dict[str, Any]:
    return {
        "erp_id": f"P-{n}",
        "debtor_id": debtor_id,
        "amount": {"amount_minor": 4_000, "currency": "GBP"},
        "received_on": "2026-03-02",
    }


async def _timed(
    client: httpx.AsyncClient, kind: str, rows: list[dict[str, Any]], expected: str
) -> float:
    started = time.perf_counter()
    response = await client.post(f"/v1/batches/{kind}", json={"items": rows})
    seconds = time.perf_counter() - started
    response.raise_for_status()
    body = response.json()
    if body[expected] != len(rows):
        raise AssertionError(f"expected {len(rows)} {expected}, got {body}")
    return seconds


async def _reads(
    client: httpx.AsyncClient,
    path: str,
    *,
    samples: int | None = None,
    until: asyncio.Task[Any] | None = None,
) -> list[float]:
    """Read ``path`` ``samples`` times, or until ``until`` is done; each read's milliseconds."""
    latencies: list[float] = []
    while (samples is None or len(latencies) < samples) and not (until and until.done()):
        started = time.perf_counter()
        response = await client.get(path)
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        await asyncio.sleep(READ_PAUSE)
    return latencies
