"""Where a benchmark runs: the embedded default, or PostgreSQL + Kafka; and a service there.

Each run gets a fresh prefix: its own PostgreSQL schemas and Kafka topics and groups, so
runs never see each other's data (the schemas are dropped afterwards, the topics are not).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from debtflow_shared.auth import TokenVerifier
from debtflow_shared.bus.base import MessageBus
from debtflow_shared.bus.kafka import KafkaBus, KafkaOptions
from debtflow_shared.clock import Clock
from debtflow_shared.db import is_sqlite
from debtflow_shared.service import ServiceDefinition, ServiceRuntime
from debtflow_shared.settings import BusKind, PlatformSettings, ServiceSettings

PARTITIONS = 6


@dataclass(frozen=True)
class Target:
    name: str
    database_url: str | None = None  # SQLAlchemy's spelling (postgresql+asyncpg://)
    kafka: str | None = None
    prefix: str = field(default_factory=lambda: f"b{uuid.uuid4().hex[:8]}")

    @property
    def is_embedded(self) -> bool:
        return self.database_url is None

    def fresh(self) -> Target:
        """The same place with a new prefix (a new set of schemas and topics)."""
        return Target(self.name, self.database_url, self.kafka)

    def platform(self, data_dir: Path, **values: Any) -> PlatformSettings:
        return PlatformSettings(
            bus=BusKind.KAFKA if self.kafka else BusKind.EMBEDDED,
            data_dir=data_dir,
            kafka_bootstrap_servers=self.kafka or "unused:9092",
            kafka_topic_prefix=f"{self.prefix}.",
            kafka_topic_partitions=PARTITIONS,
            **values,
        )

    def schema(self, definition: ServiceDefinition) -> str:
        return f"{self.prefix}_{definition.short_name}"

    def physical_topic(self, topic: str) -> str:
        return f"{self.prefix}.{topic}"

    def kafka_bus(self, client: str) -> KafkaBus:
        return KafkaBus(
            KafkaOptions(
                bootstrap_servers=self.kafka or "",
                client_id=f"{self.prefix}-{client}",
                topic_prefix=f"{self.prefix}.",
                topic_partitions=PARTITIONS,
            )
        )

    def runtime(
        self,
        definition: ServiceDefinition,
        settings_class: type[ServiceSettings],
        platform: PlatformSettings,
        *,
        bus: MessageBus,
        clock: Clock,
        verifier: TokenVerifier | None = None,
    ) -> ServiceRuntime:
        values: dict[str, Any] = {"platform": platform}
        if self.database_url:
            values |= {
                "database_url": self.database_url,
                "database_schema": self.schema(definition),
            }
        return ServiceRuntime(
            definition,
            settings_class(**values),
            bus=bus,
            clock=clock,
            verifier=verifier or TokenVerifier({}),
        )


async def drop_schema(runtime: ServiceRuntime) -> None:
    """Drop a PostgreSQL runtime's schema (nothing to do on SQLite, whose file is temporary)."""
    if not is_sqlite(runtime.database_url):
        async with runtime.engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{runtime.schema}" CASCADE')
    await runtime.engine.dispose()
