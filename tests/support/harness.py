"""Running services in tests, on the embedded default or on real PostgreSQL and Kafka.

A :class:`Backend` gives each test its own world: its own SQLite files, or its own
PostgreSQL schemas and Kafka topic/group prefix, so tests never see each other's data.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy.engine import make_url

from debtflow_shared.auth import SigningKey, TokenVerifier, generate_key_pair, issue_token
from debtflow_shared.bus.base import InboundMessage, MessageBus, OutboundMessage
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.bus.kafka import KafkaBus, KafkaOptions
from debtflow_shared.clock import ControlledClock
from debtflow_shared.envelope import Envelope
from debtflow_shared.service import ServiceDefinition, ServiceRuntime
from debtflow_shared.settings import (
    BusKind,
    Environment,
    PlatformSettings,
    ServiceSettings,
    normalize_database_url,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Recorder:
    """What a probe subscription saw, in arrival order, each distinct message once.

    Delivery is at least once: a relay that lost its lease under load may publish a row
    again. Consumers drop such copies through their inbox; the probe drops them here.
    """

    messages: list[InboundMessage] = field(default_factory=list)
    _seen: set[tuple[str, bytes]] = field(default_factory=set)

    async def __call__(self, message: InboundMessage) -> None:
        if (message.topic, message.value) in self._seen:
            return
        self._seen.add((message.topic, message.value))
        self.messages.append(message)

    def envelopes(self) -> list[Envelope]:
        return [Envelope.from_bytes(m.value) for m in self.messages]


@dataclass
class Backend:
    """One test's infrastructure: ``embedded`` or ``infra`` (PostgreSQL + Kafka)."""

    kind: str
    tmp_path: Path
    database_url: str | None = None
    kafka_bootstrap: str | None = None
    prefix: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:10]}")
    clock: ControlledClock = field(default_factory=lambda: ControlledClock(T0, frozen=True))
    _embedded_bus: EmbeddedBus | None = None
    _buses: list[MessageBus] = field(default_factory=list)
    _schemas: list[str] = field(default_factory=list)
    signing_key: SigningKey | None = None

    @property
    def is_infra(self) -> bool:
        return self.kind == "infra"

    # -- settings -------------------------------------------------------------------------
    def platform(self) -> PlatformSettings:
        return PlatformSettings(
            env=Environment.TEST,
            bus=BusKind.KAFKA if self.is_infra else BusKind.EMBEDDED,
            data_dir=self.tmp_path / "data",
            kafka_bootstrap_servers=self.kafka_bootstrap or "unused:9092",
            kafka_topic_prefix=f"{self.prefix}." if self.is_infra else "",
            kafka_topic_partitions=3,
            auth_public_keys_dir=self.tmp_path / "keys" / "public",
            log_json=False,
        )

    def settings(
        self, settings_class: type[ServiceSettings], short_name: str, **overrides: Any
    ) -> ServiceSettings:
        values: dict[str, Any] = {
            "platform": self.platform(),
            "relay_poll_seconds": 0.5,
            "relay_lease_seconds": 10.0,
            "consumer_backoff_seconds": 0.01,
            "consumer_backoff_max_seconds": 0.05,
            "consumer_max_attempts": 3,
            "outbox_partitions": 8,
        }
        if self.is_infra:
            assert self.database_url is not None
            schema = f"{self.prefix}_{short_name}"
            if schema not in self._schemas:
                self._schemas.append(schema)
            values |= {
                "database_url": self.database_url,
                "database_schema": schema,
                "database_pool_size": 4,
            }
        values.update(overrides)
        return settings_class(**values)

    # -- buses ----------------------------------------------------------------------------
    def bus(self) -> MessageBus:
        """A bus for one service instance (Kafka: its own clients, as another process has)."""
        if not self.is_infra:
            if self._embedded_bus is None:
                self._embedded_bus = EmbeddedBus(self.tmp_path / "dead-letters.sqlite")
            return self._embedded_bus
        bus = KafkaBus(
            KafkaOptions(
                bootstrap_servers=self.kafka_bootstrap or "",
                client_id=f"{self.prefix}-{uuid.uuid4().hex[:6]}",
                topic_prefix=f"{self.prefix}.",
                topic_partitions=3,
                session_timeout_ms=6000,
                heartbeat_interval_ms=500,
                retry_backoff_seconds=0.2,
            )
        )
        self._buses.append(bus)
        return bus

    async def start_bus(self, bus: MessageBus) -> None:
        if isinstance(bus, EmbeddedBus):
            if not await bus.is_ready():
                await bus.start()
        else:
            await bus.start()

    @contextlib.asynccontextmanager
    async def probe(self, *topics: str) -> AsyncIterator[Recorder]:
        """Record every message on ``topics`` as seen by a consumer group of its own."""
        recorder = Recorder()
        bus = self.bus()
        bus.subscribe(f"probe-{uuid.uuid4().hex[:6]}", topics, recorder)
        await self.start_bus(bus)
        try:
            yield recorder
        finally:
            if not isinstance(bus, EmbeddedBus):
                await bus.stop()

    async def raw_publish(self, messages: list[OutboundMessage]) -> None:
        """Put messages on the bus as an outside producer (an ERP, a broken client) would."""
        bus = self.bus()
        await self.start_bus(bus)
        try:
            await bus.publish(messages)
        finally:
            if not isinstance(bus, EmbeddedBus):
                await bus.stop()

    # -- services -------------------------------------------------------------------------
    def verifier(self) -> TokenVerifier:
        if self.signing_key is None:
            self.signing_key = generate_key_pair(self.tmp_path / "keys", "test-key")
        return TokenVerifier.from_directory(self.tmp_path / "keys" / "public")

    def token(self, tenant: str, *scopes: str) -> str:
        self.verifier()
        assert self.signing_key is not None
        return issue_token(self.signing_key, tenant_id=tenant, scopes=scopes)

    @contextlib.asynccontextmanager
    async def service(
        self,
        definition: ServiceDefinition,
        settings_class: type[ServiceSettings] = ServiceSettings,
        *,
        relay: bool = True,
        bus: MessageBus | None = None,
        relay_id: str | None = None,
        **overrides: Any,
    ) -> AsyncIterator[ServiceRuntime]:
        """A running service instance (its relay, and its consumers on their own bus)."""
        settings = self.settings(settings_class, definition.short_name, **overrides)
        bus = bus or self.bus()
        runtime = ServiceRuntime(
            definition,
            settings,
            bus=bus,
            clock=self.clock,
            verifier=self.verifier(),
            relay_id=relay_id,
        )
        settings.platform.data_dir.mkdir(parents=True, exist_ok=True)
        if definition.migrations.exists():
            await runtime.migrate()
        else:
            async with runtime.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    await connection.exec_driver_sql(
                        f'CREATE SCHEMA IF NOT EXISTS "{runtime.schema}"'
                    )
                await connection.run_sync(definition.metadata.create_all)
        await self.start_bus(bus)
        if relay:
            await runtime.start()
        try:
            yield runtime
        finally:
            await runtime.stop()
            if not isinstance(bus, EmbeddedBus):
                await bus.stop()

    async def close(self) -> None:
        if self._embedded_bus is not None:
            await self._embedded_bus.stop()
        if self.is_infra and self._schemas and self.database_url:
            url = make_url(self.database_url).set(drivername="postgresql")
            connection = await asyncpg.connect(url.render_as_string(hide_password=False))
            try:
                for schema in self._schemas:
                    await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            finally:
                await connection.close()
        if self.is_infra and self.kafka_bootstrap:
            await self._delete_topics()

    async def _delete_topics(self) -> None:
        """Drop this test's topics: a broker holding every test's partitions runs out of files."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.kafka_bootstrap)
        await asyncio.wait_for(admin.start(), timeout=30)
        try:
            mine = [t for t in await admin.list_topics() if t.startswith(f"{self.prefix}.")]
            if mine:
                await asyncio.wait_for(admin.delete_topics(mine, timeout_ms=30_000), timeout=40)
        finally:
            await admin.close()


def infra_urls() -> tuple[str | None, str | None]:
    import os

    database = os.environ.get("DATABASE_URL")
    return (
        normalize_database_url(database) if database else None,
        os.environ.get("KAFKA_BOOTSTRAP_SERVERS"),
    )


async def eventually(
    check: Callable[[], Awaitable[object]] | Callable[[], object],
    *,
    within: float = 45.0,
    interval: float = 0.05,
    message: str = "condition never became true",
) -> None:
    """Wait until ``check`` holds: asynchronous delivery has no fixed arrival time."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (waited {within}s)")
        await asyncio.sleep(interval)
