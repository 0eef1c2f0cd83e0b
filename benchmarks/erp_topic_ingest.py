"""Ingest via topic: N new ERP invoices produced onto ``erp.invoice``, until all N are in the
ledger and their N ``invoice.issued`` are on the topic.

invoice-svc runs as it does in production (its consumer behind the inbox, its relay); its
debtors are already present (written straight into its table). One warm-up invoice goes
through first, so the figure does not pay for the consumer group's join. The clock starts
before the first produce.

Baseline: raw aiokafka produce + consume of the same N messages (the same bytes), plus one
asyncpg ``copy_records_to_table`` of the N ledger rows into a scratch table shaped like
``invoices``. Embedded: a raw sqlite3 ``executemany`` of the rows in one transaction.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from benchmarks import raw_baselines
from benchmarks.figures import INGEST_TOPIC_GOAL, Figure, rate_figure
from benchmarks.ledger_rows import (
    INVOICE_COLUMNS,
    START,
    TENANT,
    as_record,
    insert_debtors,
    invoice_row,
)
from benchmarks.targets import PARTITIONS, Target, drop_schema
from benchmarks.topic_watch import EmbeddedTopicCount, KafkaTopicCount, TopicCount, until
from debtflow_shared.bus.base import MessageBus, OutboundMessage
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.catalog.invoice import InvoiceIssued
from debtflow_shared.clock import ControlledClock
from debtflow_shared.envelope import Envelope
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.tables import invoices
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings

NAME = "ingest via topic"
DUE = START.date().replace(day=31)
DEBTORS_PER_INVOICE = 1 / 20


def erp_message(n: int, debtor_erp_id: str) -> OutboundMessage:
    envelope = Envelope(
        type="erp.invoice",
        source="erp",
        subject=debtor_erp_id,
        time=START,
        tenantid=TENANT,
        correlationid=f"erp-export-{n // 1000}",
        causationid=f"erp-export-{n // 1000}",
        data={
            "erp_id": f"I-{n}",
            "debtor_erp_id": debtor_erp_id,
            "number": f"B-{n}",
            "issue_date": "2026-03-01",
            "due_date": DUE.isoformat(),
            "currency": "GBP",
            "amount_minor": 100_00,
        },
    )
    return OutboundMessage("erp.invoice", envelope.key, envelope.to_bytes())


async def run(target: Target, count: int) -> Figure:
    with tempfile.TemporaryDirectory() as tmp:
        clock = ControlledClock(START, frozen=True)
        shared_bus = EmbeddedBus() if target.is_embedded else None
        bus: MessageBus = shared_bus or target.kafka_bus("invoice")
        erp: MessageBus = shared_bus or target.kafka_bus("erp")
        runtime = target.runtime(
            INVOICE, InvoiceSettings, target.platform(Path(tmp)), bus=bus, clock=clock
        )
        issued: TopicCount = (
            EmbeddedTopicCount(shared_bus, InvoiceIssued.event_type)
            if shared_bus
            else KafkaTopicCount(
                target.kafka or "", target.physical_topic("invoice.issued"), PARTITIONS
            )
        )
        started_buses: list[MessageBus] = []
        try:
            await runtime.migrate()
            debtors = await insert_debtors(runtime.engine, max(1, int(count * DEBTORS_PER_INVOICE)))
            messages = [erp_message(n, debtors[n % len(debtors)]["erp_id"]) for n in range(count)]
            if shared_bus is None:
                await target.kafka_bus("admin").ensure_topics({InvoiceIssued.event_type})
            for each in {id(b): b for b in (bus, erp)}.values():
                await each.start()
                started_buses.append(each)
            await issued.start()
            await runtime.start()

            warm_up = erp_message(count, debtors[0]["erp_id"])
            await _ingest(runtime, erp, issued, [warm_up], expected=1)
            started = time.perf_counter()
            await _ingest(runtime, erp, issued, messages, expected=1 + count)
            seconds = time.perf_counter() - started
        finally:
            await runtime.stop()
            await issued.stop()
            for each in started_buses:
                await each.stop()

        rows = [invoice_row(n, debtors[n % len(debtors)], DUE) for n in range(count)]
        try:
            baseline, parts = await _baseline(target, runtime, Path(tmp), messages, rows)
        finally:
            await drop_schema(runtime)
    return rate_figure(
        NAME,
        target.name,
        "invoices/s",
        count,
        seconds,
        baseline,
        INGEST_TOPIC_GOAL if target.kafka else None,  # the goals are for PostgreSQL + Kafka
        **parts,
    )


async def _ingest(
    runtime: ServiceRuntime,
    erp: MessageBus,
    issued: TopicCount,
    messages: list[OutboundMessage],
    expected: int,
) -> None:
    await erp.publish(messages)

    async def done() -> bool:
        async with runtime.engine.connect() as connection:
            have = await connection.scalar(select(func.count()).select_from(invoices))
        return (have or 0) >= expected and await issued.count() >= expected

    await until(done, what=f"{expected} invoices in the ledger and on invoice.issued")


async def _baseline(
    target: Target,
    runtime: ServiceRuntime,
    tmp: Path,
    messages: list[OutboundMessage],
    rows: list[dict[str, Any]],
) -> tuple[float, dict[str, float]]:
    if target.is_embedded:
        seconds = raw_baselines.sqlite_insert_seconds(tmp / "raw.sqlite", invoices, rows, len(rows))
        return seconds, {"baseline_sqlite_seconds": seconds}
    assert target.database_url
    assert target.kafka
    kafka = await raw_baselines.roundtrip_seconds(
        target.kafka, "erp-invoice", [(m.key.encode(), m.value) for m in messages]
    )
    copy = await raw_baselines.copy_seconds(
        raw_baselines.asyncpg_dsn(target.database_url),
        runtime.schema,
        "invoices",
        INVOICE_COLUMNS,
        [as_record(r) for r in rows],
    )
    return kafka + copy, {"baseline_kafka_seconds": kafka, "baseline_copy_seconds": copy}
