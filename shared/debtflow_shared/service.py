"""A service's composition root: its database, outbox relay, consumers and HTTP app.

Each service declares a :class:`ServiceDefinition` (what it is) and builds a
:class:`ServiceRuntime` (it running, with injected bus, clock and token verifier). The
same runtime serves ``python -m <service>`` against Kafka and PostgreSQL, and the
embedded all-in-one ``debtflow run``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncSession
from tenacity import AsyncRetrying, wait_exponential

from debtflow_shared import inbox
from debtflow_shared.auth import TokenVerifier
from debtflow_shared.bus.base import MessageBus
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.bus.kafka import KafkaBus, KafkaOptions
from debtflow_shared.clock import Clock, ControlledClock, SystemClock
from debtflow_shared.clock_store import ClockStateFile
from debtflow_shared.db import create_engine, is_sqlite, session_factory
from debtflow_shared.event_consumer import (
    BatchEventHandler,
    BatchPolicy,
    EventConsumer,
    EventHandler,
    RetryPolicy,
)
from debtflow_shared.http.app import create_service_app
from debtflow_shared.logging import configure_logging, get_logger
from debtflow_shared.metrics import ServiceMetrics
from debtflow_shared.migrations import upgrade_to_head
from debtflow_shared.outbox import OutboxWriter, notify_channel
from debtflow_shared.outbox_relay import OutboxRelay, RelayOptions
from debtflow_shared.outbox_wakeup import LocalWakeup, PostgresNotifyWakeup, Wakeup
from debtflow_shared.platform_tables import PlatformTables
from debtflow_shared.settings import (
    BusKind,
    ClockKind,
    KafkaCompression,
    PlatformSettings,
    ServiceSettings,
)
from debtflow_shared.startup_objects import freeze_startup_objects
from debtflow_shared.timeouts import within
from debtflow_shared.unit_of_work import UnitOfWork

log = get_logger(__name__)

HandlerMap = Mapping[str, EventHandler]

# How long stop() waits for its cancelled tasks (they normally end within milliseconds).
STOP_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class ServiceDefinition:
    name: str  # "invoice-svc": the event source and the consumer group
    short_name: str  # "invoice": the default schema and SQLite file name
    description: str
    metadata: MetaData
    tables: PlatformTables
    migrations: Path
    routers: Sequence[APIRouter] = ()
    handlers: Callable[[ServiceRuntime], HandlerMap] = lambda _runtime: {}
    tags: Sequence[tuple[str, str]] = ()
    # Where ``Idempotency-Key`` answers are kept (see http/idempotency.py); None: not honoured.
    idempotency_table: Table | None = None
    # Where messages wait for a prerequisite (see parking.py); None: the service parks none.
    parking_table: Table | None = None
    # What ``uow.repos`` is: the service's repositories over the unit of work's session.
    repositories: Callable[[AsyncSession], Any] | None = None
    # Long-running work (sweepers, timers) started with the relay: ``async def f(runtime)``.
    background: Sequence[Callable[[ServiceRuntime], Coroutine[Any, Any, None]]] = ()
    # Set-based handlers for topics that also have a per-event one (see event_consumer.py).
    batch_handlers: Mapping[str, BatchEventHandler] = field(default_factory=dict)


class ServiceRuntime:
    def __init__(
        self,
        definition: ServiceDefinition,
        settings: ServiceSettings,
        *,
        bus: MessageBus,
        clock: Clock,
        verifier: TokenVerifier,
        relay_id: str | None = None,
    ) -> None:
        self.definition = definition
        self.settings = settings
        self.bus = bus
        self.clock = clock
        self.verifier = verifier
        self.metrics = ServiceMetrics(definition.name)
        self.database_url = settings.resolved_database_url(definition.short_name)
        self.schema = settings.database_schema or definition.short_name
        self.engine = create_engine(
            self.database_url, schema=self.schema, pool_size=settings.database_pool_size
        )
        self.sessions = session_factory(self.engine)
        sqlite = is_sqlite(self.database_url)
        channel = notify_channel(self.schema)
        # In-process wake-ups are per database file: tests run several in one process.
        self._channel = f"{channel}:{self.database_url}" if sqlite else channel
        self.outbox = OutboxWriter(
            definition.tables, settings.outbox_partitions, self._channel, uses_notify=not sqlite
        )
        self.relay = OutboxRelay(
            engine=self.engine,
            tables=definition.tables,
            bus=bus,
            wakeup=self._wakeup(sqlite),
            metrics=self.metrics,
            options=RelayOptions(
                partitions=settings.outbox_partitions,
                poll_seconds=settings.relay_poll_seconds,
                lease_seconds=settings.relay_lease_seconds,
                batch_size=settings.relay_batch_size,
            ),
            relay_id=relay_id,
        )
        self.consumer = EventConsumer(
            group=definition.name,
            handlers=definition.handlers(self),
            uow_factory=self.uow,
            tables=definition.tables,
            bus=bus,
            metrics=self.metrics,
            retry=RetryPolicy(
                settings.consumer_max_attempts,
                settings.consumer_backoff_seconds,
                settings.consumer_backoff_max_seconds,
            ),
            batch=BatchPolicy(
                settings.consumer_batch_size,
                settings.consumer_batch_wait_ms,
                # SQLite's one writer: a batch must not hold the API's writes up for long.
                settings.consumer_batch_seconds_sqlite if sqlite else None,
            ),
            batch_handlers=definition.batch_handlers,
        )
        if self.consumer.topics:
            self.consumer.register()
        self._tasks: list[asyncio.Task[None]] = []
        self.app: FastAPI = create_service_app(self)

    def _wakeup(self, sqlite: bool) -> Wakeup:
        if sqlite:
            return LocalWakeup(self._channel)
        return PostgresNotifyWakeup(self.database_url, self._channel)

    def uow(self) -> UnitOfWork[Any]:
        return UnitOfWork(
            self.sessions,
            outbox=self.outbox,
            clock=self.clock,
            source=self.definition.name,
            repositories=self.definition.repositories,
        )

    async def migrate(self) -> None:
        if is_sqlite(self.database_url):
            self.settings.platform.data_dir.mkdir(parents=True, exist_ok=True)
        await upgrade_to_head(self.definition.migrations, self.database_url, self.schema)

    async def start(self) -> None:
        """Start the relay and background work (the bus is started by whoever owns it)."""
        self._tasks.append(
            asyncio.create_task(self.relay.run(), name=f"{self.definition.name}-relay")
        )
        self._tasks.append(
            asyncio.create_task(
                inbox.prune_periodically(
                    self.engine,
                    self.definition.tables,
                    retention=timedelta(days=self.settings.inbox_retention_days),
                    clock=self.clock,
                ),
                name=f"{self.definition.name}-inbox-pruning",
            )
        )
        for work in self.definition.background:
            self._tasks.append(asyncio.create_task(work(self), name=work.__name__))

    async def stop(self) -> None:
        """Stop the relay and background work; committed work stays for the next start.

        Each task is cancelled and they are awaited together, within ``STOP_GRACE_SECONDS``
        (a task stuck in a cleanup step must not hang the shutdown; it is logged). The relay
        hands its partitions back if it can promptly, else they expire (outbox_relay.py).
        """
        self.consumer.unregister()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        if tasks:
            done, pending = await asyncio.wait(tasks, timeout=STOP_GRACE_SECONDS)
            for task in pending:
                log.error("background task did not stop in time", task=task.get_name())
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    log.error(
                        "background task had failed",
                        task=task.get_name(),
                        exc_info=task.exception(),
                    )
        await self.engine.dispose()

    async def readiness(self) -> dict[str, bool]:
        try:
            await within(3, self._ping_database())
            database = True
        except Exception:
            database = False
        return {"database": database, "broker": await self.bus.is_ready()}

    async def _ping_database(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))


def build_clock(platform: PlatformSettings) -> Clock:
    """The system clock, or a controlled one resuming from its state file (never earlier)."""
    if platform.clock is ClockKind.CONTROLLED:
        return ControlledClock.resume(ClockStateFile(platform.clock_state_file))
    return SystemClock()


def build_bus(platform: PlatformSettings, client_id: str) -> MessageBus:
    if platform.bus is BusKind.KAFKA:
        return KafkaBus(
            KafkaOptions(
                bootstrap_servers=platform.kafka_bootstrap_servers,
                client_id=client_id,
                topic_prefix=platform.kafka_topic_prefix,
                topic_partitions=platform.kafka_topic_partitions,
                ensure_topics=platform.kafka_ensure_topics,
                linger_ms=platform.kafka_linger_ms,
                max_batch_bytes=platform.kafka_max_batch_bytes,
                compression=(
                    None
                    if platform.kafka_compression is KafkaCompression.NONE
                    else platform.kafka_compression.value
                ),
            )
        )
    return EmbeddedBus(platform.data_dir / "bus-dead-letters.sqlite")


def standalone_app(definition: ServiceDefinition, settings: ServiceSettings) -> FastAPI:
    """The app ``python -m <service>`` serves: owns its bus, migrates nothing, runs its relay."""
    platform = settings.platform
    configure_logging(platform.log_level, json=platform.log_json)
    runtime = ServiceRuntime(
        definition,
        settings,
        bus=build_bus(platform, definition.name),
        clock=build_clock(platform),
        verifier=TokenVerifier.from_directory(platform.keys_dir, platform.auth_issuer),
    )

    async def start_when_broker_answers() -> None:
        # Serve /healthz and a 503 /readyz while the broker is away, instead of crash-looping.
        retrying = AsyncRetrying(
            wait=wait_exponential(max=30),
            before_sleep=lambda state: log.warning(
                "broker unreachable; retrying",
                error=str(state.outcome and state.outcome.exception()),
            ),
        )
        async for attempt in retrying:
            with attempt:
                await runtime.bus.start()
        await runtime.start()
        freeze_startup_objects()
        log.info("service started", service=definition.name, port=settings.http_port)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        starting = asyncio.create_task(start_when_broker_answers(), name="start")
        try:
            yield
        finally:
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
            await runtime.stop()
            await runtime.bus.stop()
            log.info("service stopped", service=definition.name)

    runtime.app.router.lifespan_context = lifespan
    return runtime.app
