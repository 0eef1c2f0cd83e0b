"""End-to-end event pipeline: unit of work -> outbox -> relay -> bus -> inbox -> effect.

invoice-svc emits ``debtor.upserted``; escalation-svc's real consumer stores its copy.
Throughput: N events committed in batches, until escalation holds all N. Latency: single
events committed one at a time, each timed from commit to visible in escalation.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from debtflow_shared.auth import TokenVerifier
from debtflow_shared.bus.base import MessageBus
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.bus.kafka import KafkaBus, KafkaOptions
from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.clock import SystemClock
from debtflow_shared.service import ServiceDefinition, ServiceRuntime
from debtflow_shared.settings import BusKind, PlatformSettings, ServiceSettings
from debtflow_shared.unit_of_work import UnitOfWork
from escalation_svc.adapters.tables import debtor_profiles
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from escalation_svc.settings import EscalationSettings
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings


@dataclass(frozen=True)
class Target:
    name: str
    database_url: str | None = None
    kafka: str | None = None


@dataclass(frozen=True)
class Figures:
    target: str
    events: int
    seconds: float
    latency_p50_ms: float
    latency_p95_ms: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds


async def run(target: Target, events: int, batch: int, samples: int) -> Figures:
    prefix = f"b{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        platform = PlatformSettings(
            bus=BusKind.KAFKA if target.kafka else BusKind.EMBEDDED,
            data_dir=Path(tmp),
            kafka_bootstrap_servers=target.kafka or "unused:9092",
            kafka_topic_prefix=f"{prefix}.",
            kafka_topic_partitions=6,
        )
        shared_bus = EmbeddedBus() if not target.kafka else None
        invoice = _runtime(INVOICE, InvoiceSettings, platform, target, prefix, shared_bus)
        escalation = _runtime(ESCALATION, EscalationSettings, platform, target, prefix, shared_bus)
        runtimes = [invoice, escalation]
        for runtime in runtimes:
            await runtime.migrate()
        buses = {id(r.bus): r.bus for r in runtimes}.values()
        for bus in buses:
            await bus.start()
        for runtime in runtimes:
            await runtime.start()
        try:
            await _until(escalation, 0)
            started = time.perf_counter()
            for first in range(0, events, batch):
                async with invoice.uow() as uow:
                    for n in range(first, min(first + batch, events)):
                        _emit(uow, f"d-{n}")
                    await uow.commit()
            await _until(escalation, events)
            seconds = time.perf_counter() - started

            latencies = []
            for n in range(samples):
                began = time.perf_counter()
                async with invoice.uow() as uow:
                    _emit(uow, f"l-{n}")
                    await uow.commit()
                await _until(escalation, events + n + 1, interval=0.0005)
                latencies.append((time.perf_counter() - began) * 1000)
        finally:
            for runtime in runtimes:
                await runtime.stop()
            for bus in buses:
                await bus.stop()
    quantiles = statistics.quantiles(latencies, n=20)
    return Figures(target.name, events, seconds, statistics.median(latencies), quantiles[18])


def _runtime(
    definition: ServiceDefinition,
    settings_class: type[ServiceSettings],
    platform: PlatformSettings,
    target: Target,
    prefix: str,
    shared_bus: MessageBus | None,
) -> ServiceRuntime:
    values: dict[str, Any] = {"platform": platform}
    if target.database_url:
        values |= {
            "database_url": target.database_url,
            "database_schema": f"{prefix}_{definition.short_name}",
        }
    settings = settings_class(**values)
    bus = shared_bus or KafkaBus(
        KafkaOptions(
            bootstrap_servers=target.kafka or "",
            client_id=f"{prefix}-{definition.name}",
            topic_prefix=f"{prefix}.",
            topic_partitions=6,
        )
    )
    return ServiceRuntime(
        definition, settings, bus=bus, clock=SystemClock(), verifier=TokenVerifier({})
    )


def _emit(uow: UnitOfWork, debtor_id: str) -> None:
    uow.emit(
        DebtorUpserted(
            debtor_id=debtor_id, version=1, name="Bench Ltd", country="GB", currency="GBP"
        ),
        tenant_id="bench",
        debtor_id=debtor_id,
    )


async def _until(escalation: ServiceRuntime, count: int, interval: float = 0.01) -> None:
    while True:
        async with escalation.engine.connect() as connection:
            have = await connection.scalar(select(func.count()).select_from(debtor_profiles))
        if (have or 0) >= count:
            return
        await asyncio.sleep(interval)
