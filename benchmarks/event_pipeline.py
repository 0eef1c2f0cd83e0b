"""Service-to-service pipeline: unit of work -> outbox -> relay -> bus -> inbox -> effect.

invoice-svc emits ``debtor.upserted``; escalation-svc's real consumer stores its copy.
Throughput: N events committed in units of work of ``batch`` events, until escalation holds
all N. Latency: single events committed at ``rate`` per second, each timed from the start of
its unit of work until escalation's row is visible (polled every half millisecond). One
warm-up event goes first, so no figure pays for the consumer group's join.

Baseline: raw aiokafka produce + consume of the same N envelopes with one asyncpg
``executemany`` per consumed partition batch into a scratch table shaped like escalation's
``debtor_profiles``; its latency the same way, one message at a time at the same rate.
Embedded: one raw sqlite3 ``executemany`` per unit of work's batch of rows.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import func, select

from benchmarks import raw_baselines
from benchmarks.figures import PIPELINE_GOAL, Figure, rate_figure
from benchmarks.targets import Target, drop_schema
from benchmarks.topic_watch import until
from debtflow_shared.bus.base import MessageBus
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.clock import SystemClock
from debtflow_shared.envelope import Envelope
from debtflow_shared.service import ServiceRuntime
from debtflow_shared.unit_of_work import UnitOfWork
from escalation_svc.adapters.tables import debtor_profiles
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from escalation_svc.settings import EscalationSettings
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings

THROUGHPUT = "pipeline"
LATENCY = "pipeline latency"
TENANT = "bench"
POLL = 0.0005
PROFILE_COLUMNS = tuple(c.name for c in debtor_profiles.c)


@dataclass(frozen=True)
class Sizes:
    events: int = 5000
    batch: int = 100  # events per unit of work
    samples: int = 50  # latency samples
    rate: float = 10.0  # latency samples per second


def _payload(debtor_id: str) -> DebtorUpserted:
    return DebtorUpserted(
        debtor_id=debtor_id, version=1, name="Bench Ltd", country="GB", currency="GBP"
    )


def _emit(uow: UnitOfWork, debtor_id: str) -> None:
    uow.emit(_payload(debtor_id), tenant_id=TENANT, debtor_id=debtor_id)


async def run(target: Target, sizes: Sizes) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        platform = target.platform(Path(tmp))
        shared_bus = EmbeddedBus() if target.is_embedded else None
        invoice_bus: MessageBus = shared_bus or target.kafka_bus("invoice")
        escalation_bus: MessageBus = shared_bus or target.kafka_bus("escalation")
        clock = SystemClock()
        invoice = target.runtime(INVOICE, InvoiceSettings, platform, bus=invoice_bus, clock=clock)
        escalation = target.runtime(
            ESCALATION, EscalationSettings, platform, bus=escalation_bus, clock=clock
        )
        runtimes = [invoice, escalation]
        buses = list({id(b): b for b in (invoice_bus, escalation_bus)}.values())
        try:
            for runtime in runtimes:
                await runtime.migrate()
            for bus in buses:
                await bus.start()
            for runtime in runtimes:
                await runtime.start()
            try:
                seconds, latencies = await _debtflow(invoice, escalation, sizes)
            finally:
                for runtime in runtimes:
                    await runtime.stop()
                for bus in buses:
                    await bus.stop()
            baseline, raw_latencies = await _baseline(target, escalation, Path(tmp), sizes)
        finally:
            for runtime in runtimes:
                await drop_schema(runtime)
    throughput = rate_figure(
        THROUGHPUT,
        target.name,
        "events/s",
        sizes.events,
        seconds,
        baseline,
        PIPELINE_GOAL if target.kafka else None,  # the goals are for PostgreSQL + Kafka
        batch=sizes.batch,
    )
    latency = Figure(
        LATENCY,
        target.name,
        "ms (p50)",
        sizes.samples,
        debtflow=statistics.median(latencies),
        baseline=statistics.median(raw_latencies),
        higher_is_better=False,
        detail={
            "rate_per_second": sizes.rate,
            "debtflow_p95_ms": _p95(latencies),
            "baseline_p95_ms": _p95(raw_latencies),
            "issue_expects_p50_ms": "no worse than about 20-30",
        },
    )
    return [throughput, latency]


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) > 1 else max(samples)


async def _debtflow(
    invoice: ServiceRuntime, escalation: ServiceRuntime, sizes: Sizes
) -> tuple[float, list[float]]:
    def have(count: int) -> Callable[[], Awaitable[bool]]:
        async def enough() -> bool:
            async with escalation.engine.connect() as connection:
                found = await connection.scalar(select(func.count()).select_from(debtor_profiles))
            return (found or 0) >= count

        return enough

    async def commit(debtor_ids: list[str]) -> None:
        async with invoice.uow() as uow:
            for debtor_id in debtor_ids:
                _emit(uow, debtor_id)
            await uow.commit()

    await commit(["warm-up"])
    await until(have(1), what="the warm-up event in escalation")
    started = time.perf_counter()
    for first in range(0, sizes.events, sizes.batch):
        await commit([f"d-{n}" for n in range(first, min(first + sizes.batch, sizes.events))])
    await until(have(1 + sizes.events), what="every event in escalation")
    seconds = time.perf_counter() - started

    async def one(n: int) -> None:
        await commit([f"l-{n}"])
        await until(have(2 + sizes.events + n), interval=POLL, what="a latency sample")

    return seconds, await _paced(one, sizes)


async def _paced(one: Callable[[int], Awaitable[None]], sizes: Sizes) -> list[float]:
    """Each sample's milliseconds; samples start every 1/rate seconds (or when the last ends)."""
    latencies: list[float] = []
    next_start = time.perf_counter()
    for n in range(sizes.samples):
        await asyncio.sleep(max(0.0, next_start - time.perf_counter()))
        began = time.perf_counter()
        await one(n)
        latencies.append((time.perf_counter() - began) * 1000)
        next_start = began + 1 / sizes.rate
    return latencies


def _envelope(debtor_id: str) -> Envelope:
    payload = _payload(debtor_id)
    return Envelope(
        type=payload.event_type,
        source="invoice-svc",
        subject=debtor_id,
        time=datetime.now(UTC),
        tenantid=TENANT,
        correlationid="bench",
        causationid="bench",
        data=payload.model_dump(mode="json"),
    )


def _profile_row(envelope: dict[str, Any]) -> dict[str, Any]:
    """What escalation keeps of a ``debtor.upserted`` (the raw consumer decodes it too)."""
    data = envelope["data"]
    return {
        "tenant_id": envelope["tenantid"],
        "debtor_id": data["debtor_id"],
        "version": data["version"],
        "name": data["name"],
        "country": data["country"],
        "currency": data["currency"],
        "language": data["language"],
        "time_zone": data["time_zone"],
        "preferred_channel": data["preferred_channel"],
        "contacts": json.dumps(data["contacts"]),
        "updated_at": datetime.fromisoformat(envelope["time"]),
        "tags": json.dumps(data["tags"]),
        "credit_policy": json.dumps(data["credit_policy"]),
        "postal_address": json.dumps(address) if (address := data.get("postal_address")) else None,
    }


async def _baseline(
    target: Target, escalation: ServiceRuntime, tmp: Path, sizes: Sizes
) -> tuple[float, list[float]]:
    envelopes = [_envelope(f"d-{n}") for n in range(sizes.events)]
    if target.is_embedded:
        return _sqlite_baseline(tmp, envelopes, sizes)
    assert target.database_url
    assert target.kafka
    dsn = raw_baselines.asyncpg_dsn(target.database_url)
    async with raw_baselines.scratch_table(dsn, escalation.schema, "debtor_profiles") as (
        connection,
        table,
    ):
        statement = (
            f'INSERT INTO "{escalation.schema}"."{table}" ({", ".join(PROFILE_COLUMNS)}) '  # noqa: S608 (our names)
            f"VALUES ({', '.join(f'${i + 1}' for i in range(len(PROFILE_COLUMNS)))})"
        )
        inserter = await asyncpg.connect(dsn)

        async def apply(values: list[bytes]) -> None:
            rows = [_profile_row(json.loads(v)) for v in values]
            await inserter.executemany(
                statement, [tuple(r[c] for c in PROFILE_COLUMNS) for r in rows]
            )

        counting = f'SELECT count(*) FROM "{escalation.schema}"."{table}"'  # noqa: S608 (our names)

        async def count() -> int:
            return int(await connection.fetchval(counting))

        try:
            messages = [(e.key.encode(), e.to_bytes()) for e in envelopes]
            async with raw_baselines.raw_channel(target.kafka, "pipeline", apply=apply) as channel:
                started = time.perf_counter()
                await channel.send_all(messages)
                await channel.wait_consumed(1 + len(messages))
                seconds = time.perf_counter() - started

                async def one(n: int) -> None:
                    message = _envelope(f"l-{n}")
                    await channel.send_all([(message.key.encode(), message.to_bytes())])
                    expected = sizes.events + n + 1

                    async def enough() -> bool:
                        return await count() >= expected

                    await until(enough, interval=POLL, what="a raw latency sample")

                latencies = await _paced(one, sizes)
        finally:
            await inserter.close()
    return seconds, latencies


def _sqlite_baseline(
    tmp: Path, envelopes: list[Envelope], sizes: Sizes
) -> tuple[float, list[float]]:
    connection = raw_baselines.sqlite_scratch(tmp / "raw.sqlite", debtor_profiles)
    try:
        rows = [_profile_row(json.loads(e.to_bytes())) for e in envelopes]
        started = time.perf_counter()
        raw_baselines.sqlite_insert(connection, debtor_profiles, rows, sizes.batch)
        seconds = time.perf_counter() - started
        latencies = []
        for n in range(sizes.samples):
            row = _profile_row(json.loads(_envelope(f"l-{n}").to_bytes()))
            began = time.perf_counter()
            raw_baselines.sqlite_insert(connection, debtor_profiles, [row], 1)
            latencies.append((time.perf_counter() - began) * 1000)
    finally:
        connection.close()
    return seconds, latencies
