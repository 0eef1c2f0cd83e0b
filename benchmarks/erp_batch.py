"""ERP batch ingestion: invoices per second through ``POST /v1/batches/invoices``.

One request of N invoices (spread over N/100 debtors registered by a debtors batch first)
goes through the whole HTTP path in process: auth, per-row validation, 500 rows per
transaction (``service_layer/invoice_batch.py``), the outbox rows for ``invoice.issued``.
The same batch is then sent again, every row ``unchanged``. The relay is not started: this
measures the ingestion, not publishing.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from debtflow_shared.auth import TokenVerifier, generate_key_pair, issue_token
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.clock import ControlledClock
from debtflow_shared.db import is_sqlite
from debtflow_shared.service import ServiceRuntime
from debtflow_shared.settings import PlatformSettings
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SCOPES = ("debtors:write", "invoices:write")


@dataclass(frozen=True)
class BatchFigures:
    target: str
    items: int
    first_seconds: float
    resend_seconds: float

    @property
    def per_second(self) -> float:
        return self.items / self.first_seconds

    @property
    def resend_per_second(self) -> float:
        return self.items / self.resend_seconds


async def run(target: str, database_url: str | None, items: int = 10_000) -> BatchFigures:
    schema = f"b{uuid.uuid4().hex[:8]}_invoice"
    with tempfile.TemporaryDirectory() as tmp:
        key = generate_key_pair(Path(tmp) / "keys", "bench")
        values: dict[str, Any] = {"platform": PlatformSettings(data_dir=Path(tmp))}
        if database_url:
            values |= {"database_url": database_url, "database_schema": schema}
        runtime = ServiceRuntime(
            INVOICE,
            InvoiceSettings(**values),
            bus=EmbeddedBus(),
            clock=ControlledClock(START, frozen=True),
            verifier=TokenVerifier.from_directory(Path(tmp) / "keys" / "public"),
        )
        token = issue_token(key, tenant_id="bench", scopes=SCOPES)
        transport = httpx.ASGITransport(app=runtime.app)
        try:
            await runtime.migrate()
            async with httpx.AsyncClient(
                transport=transport,
                base_url="http://bench",
                headers={"Authorization": f"Bearer {token}"},
                timeout=600,
            ) as client:
                debtor_ids = await _debtors(client, max(1, items // 100))
                rows = [_invoice(n, debtor_ids[n % len(debtor_ids)]) for n in range(items)]
                first = await _timed(client, rows, "created")
                resend = await _timed(client, rows, "unchanged")
        finally:
            if not is_sqlite(runtime.database_url):
                async with runtime.engine.begin() as connection:
                    await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            await runtime.engine.dispose()
    return BatchFigures(target, items, first, resend)


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


async def _timed(client: httpx.AsyncClient, rows: list[dict[str, Any]], expected: str) -> float:
    started = time.perf_counter()
    response = await client.post("/v1/batches/invoices", json={"items": rows})
    seconds = time.perf_counter() - started
    response.raise_for_status()
    body = response.json()
    if body[expected] != len(rows):
        raise AssertionError(f"expected {len(rows)} {expected}, got {body}")
    return seconds
