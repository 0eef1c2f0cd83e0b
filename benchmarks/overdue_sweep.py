"""Overdue sweep: N open invoices, half of them past due, until every ``invoice.overdue`` is
on the topic.

The invoices are written straight into invoice-svc's tables (debtors spread over time
zones; half due on 5 March, half at the end of June). A first, untimed sweep on 2 March
announces the first half as due soon, and its events are published. Then the clock moves to
9 March and the timed part begins: one ``sweep_once`` (claims in transactions of ``batch``
rows, each writing its outbox rows) with the service's relay running, until all N/2
``invoice.overdue`` are on the topic. An idle sweep afterwards (nothing left to announce)
is what every minute costs once caught up.

Baseline: one raw asyncpg ``UPDATE … RETURNING`` of the same rows in a scratch table shaped
like ``invoices``, plus a raw aiokafka produce of N/2 messages of the same payloads.
Embedded: the same ``UPDATE … RETURNING`` on raw sqlite3 (there is no raw bus).
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks import raw_baselines
from benchmarks.figures import SWEEP_GOAL, Figure, rate_figure
from benchmarks.ledger_rows import (
    INVOICE_COLUMNS,
    START,
    as_record,
    insert_debtors,
    insert_rows,
    invoice_row,
)
from benchmarks.targets import PARTITIONS, Target, drop_schema
from benchmarks.topic_watch import EmbeddedTopicCount, KafkaTopicCount, TopicCount, until
from debtflow_shared.bus.base import MessageBus
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.catalog.invoice import InvoiceDueSoon, InvoiceOverdue
from debtflow_shared.clock import ControlledClock
from debtflow_shared.envelope import Envelope
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.invoice_rows import invoice_state_from_row
from invoice_svc.adapters.tables import invoices
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.service_layer.overdue_sweeper import SweepResult, sweep_once
from invoice_svc.settings import InvoiceSettings

NAME = "overdue sweep"
DUE = date(2026, 3, 5)  # due soon from 2 March (local), overdue from 6 March (local)
DUE_LATER = date(2026, 6, 30)
SWEEP_AFTER = timedelta(days=7)
RETURNED = (  # what the sweeper's claim returns
    "id",
    "tenant_id",
    "debtor_id",
    "erp_id",
    "number",
    "currency",
    "issue_date",
    "due_date",
    "amount_minor",
    "principal_open_minor",
    "charges_open_minor",
    "status",
    "version",
    "overdue_at",
)


async def run(target: Target, invoice_count: int = 20_000, batch: int = 500) -> Figure:
    clock = ControlledClock(START, frozen=True)
    with tempfile.TemporaryDirectory() as tmp:
        bus: MessageBus = EmbeddedBus() if target.is_embedded else target.kafka_bus("invoice")
        runtime = target.runtime(
            INVOICE, InvoiceSettings, target.platform(Path(tmp)), bus=bus, clock=clock
        )
        counts = _topic_counts(target, bus)
        relay: asyncio.Task[None] | None = None
        try:
            await runtime.migrate()
            rows = await _fill(runtime, invoice_count)
            if not target.is_embedded:
                await target.kafka_bus("admin").ensure_topics(set(counts))
            await bus.start()
            for count in counts.values():
                await count.start()
            # The relay alone, not runtime.start(): its periodic sweeper would race this one.
            relay = asyncio.create_task(runtime.relay.run(), name="bench-relay")

            first = await sweep_once(runtime, batch_size=batch)
            half = invoice_count - invoice_count // 2
            _expect(first, SweepResult(due_soon=half))
            await _published(counts[InvoiceDueSoon.event_type], half)

            clock.advance(SWEEP_AFTER)
            started = time.perf_counter()
            swept = await sweep_once(runtime, batch_size=batch)
            sweep_seconds = time.perf_counter() - started
            await _published(counts[InvoiceOverdue.event_type], half)
            seconds = time.perf_counter() - started
            _expect(swept, SweepResult(overdue=half))

            started = time.perf_counter()
            _expect(await sweep_once(runtime, batch_size=batch), SweepResult())
            idle_ms = (time.perf_counter() - started) * 1000
        finally:
            if relay is not None:
                relay.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await relay
            for count in counts.values():
                await count.stop()
            await bus.stop()
            await runtime.engine.dispose()
        try:
            baseline, parts = await _baseline(target, runtime, Path(tmp), rows, clock)
        finally:
            await drop_schema(runtime)
    return rate_figure(
        NAME,
        target.name,
        "overdue/s",
        half,
        seconds,
        baseline,
        SWEEP_GOAL if target.kafka else None,  # the goals are for PostgreSQL + Kafka
        invoices=invoice_count,
        batch=batch,
        debtflow_sweep_seconds=sweep_seconds,
        idle_sweep_ms=idle_ms,
        **parts,
    )


def _topic_counts(target: Target, bus: MessageBus) -> dict[str, TopicCount]:
    topics = (InvoiceDueSoon.event_type, InvoiceOverdue.event_type)
    if isinstance(bus, EmbeddedBus):
        return {t: EmbeddedTopicCount(bus, t) for t in topics}
    return {
        t: KafkaTopicCount(target.kafka or "", target.physical_topic(t), PARTITIONS) for t in topics
    }


def _expect(result: SweepResult, expected: SweepResult) -> None:
    if result != expected:
        raise AssertionError(f"sweep announced {result}, expected {expected}")


async def _published(count: TopicCount, expected: int) -> None:
    async def done() -> bool:
        return await count.count() >= expected

    await until(done, what=f"{expected} events on the topic")


async def _fill(runtime: ServiceRuntime, count: int) -> list[dict[str, Any]]:
    debtors = await insert_debtors(runtime.engine, max(1, count // 50))
    rows = [
        invoice_row(n, debtors[n % len(debtors)], DUE if n % 2 == 0 else DUE_LATER)
        for n in range(count)
    ]
    await insert_rows(runtime.engine, invoices, rows)
    return rows


def _overdue_message(row: dict[str, Any]) -> tuple[bytes, bytes]:
    payload = InvoiceOverdue(
        invoice=invoice_state_from_row(row), overdue_since=row["due_date"] + timedelta(days=1)
    )
    envelope = Envelope(
        type=payload.event_type,
        source="invoice-svc",
        subject=row["debtor_id"],
        time=START + SWEEP_AFTER,
        tenantid=row["tenant_id"],
        correlationid="bench",
        causationid="bench",
        data=payload.model_dump(mode="json"),
    )
    return envelope.key.encode(), envelope.to_bytes()


async def _baseline(
    target: Target,
    runtime: ServiceRuntime,
    tmp: Path,
    rows: list[dict[str, Any]],
    clock: ControlledClock,
) -> tuple[float, dict[str, float]]:
    now = clock.now()
    if target.is_embedded:
        seconds, found = raw_baselines.sqlite_update_returning_seconds(
            tmp / "raw.sqlite", invoices, rows, now, RETURNED
        )
        _expect(SweepResult(overdue=found), SweepResult(overdue=len(rows) - len(rows) // 2))
        return seconds, {"baseline_update_seconds": seconds}
    assert target.kafka
    assert target.database_url
    update, found = await raw_baselines.update_returning_seconds(
        raw_baselines.asyncpg_dsn(target.database_url),
        runtime.schema,
        INVOICE_COLUMNS,
        [as_record(r) for r in rows],
        now,
        RETURNED,
    )
    _expect(SweepResult(overdue=found), SweepResult(overdue=len(rows) - len(rows) // 2))
    messages = [_overdue_message(r) for r in rows if r["due_date"] == DUE]
    produce = await raw_baselines.produce_seconds(target.kafka, "overdue", messages)
    return update + produce, {
        "baseline_update_seconds": update,
        "baseline_produce_seconds": produce,
    }
