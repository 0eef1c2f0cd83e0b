"""Configuration from the environment (pydantic-settings).

``PlatformSettings`` (prefix ``DEBTFLOW_``) is what every service shares: environment, bus,
clock, auth keys, logging. Each service subclasses :class:`ServiceSettings` with its own
prefix (``INVOICE_``, ``ESCALATION_`` ...) for its database, port and relay tuning.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class BusKind(StrEnum):
    EMBEDDED = "embedded"
    KAFKA = "kafka"


class ClockKind(StrEnum):
    SYSTEM = "system"
    CONTROLLED = "controlled"


class KafkaCompression(StrEnum):
    NONE = "none"
    GZIP = "gzip"
    LZ4 = "lz4"
    ZSTD = "zstd"
    SNAPPY = "snappy"


class PlatformSettings(BaseSettings):
    """Settings every service shares, read from ``DEBTFLOW_*``."""

    model_config = SettingsConfigDict(env_prefix="DEBTFLOW_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    bus: BusKind = BusKind.EMBEDDED
    clock: ClockKind = ClockKind.SYSTEM
    # Where a controlled clock keeps its time across restarts (default: in the data folder).
    clock_state: Path | None = None
    data_dir: Path = Path(".data")
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_topic_prefix: str = ""
    kafka_topic_partitions: int = Field(default=6, ge=1)
    kafka_ensure_topics: bool = True
    # Producer batching (see bus/kafka.py): the relay publishes hundreds of rows at once.
    kafka_linger_ms: int = Field(default=5, ge=0, le=1000)
    kafka_max_batch_bytes: int = Field(default=512 * 1024, ge=16 * 1024, le=1_000_000)
    kafka_compression: KafkaCompression = KafkaCompression.LZ4
    auth_public_keys_dir: Path | None = None
    auth_issuer: str = "debtflow"
    link_signing_secret: str = "development-only-link-secret"  # noqa: S105 - refused in production
    log_level: str = "INFO"
    log_json: bool = True
    # Request bodies larger than this are refused with 413 (batch endpoints: the larger one).
    http_max_body_bytes: int = Field(default=1_048_576, ge=1024)
    http_max_batch_body_bytes: int = Field(default=33_554_432, ge=1024)
    # Tests only: honour X-Debtflow-Fault (a SIGKILL right after a commit); refused in production.
    fault_injection: bool = False

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> PlatformSettings:
        if self.env is Environment.PRODUCTION:
            if self.clock is ClockKind.CONTROLLED:
                raise ValueError(
                    "DEBTFLOW_CLOCK=controlled is refused when DEBTFLOW_ENV=production"
                )
            if self.link_signing_secret == "development-only-link-secret":  # noqa: S105
                raise ValueError("set DEBTFLOW_LINK_SIGNING_SECRET in production")
            if self.auth_public_keys_dir is None:
                raise ValueError("set DEBTFLOW_AUTH_PUBLIC_KEYS_DIR in production")
            if self.fault_injection:
                raise ValueError("DEBTFLOW_FAULT_INJECTION is refused when DEBTFLOW_ENV=production")
        return self

    @property
    def keys_dir(self) -> Path:
        """Where public keys are read from (the data folder's keys in development)."""
        return self.auth_public_keys_dir or self.data_dir / "keys" / "public"

    @property
    def clock_state_file(self) -> Path:
        """The JSON file a controlled clock resumes from (``<data dir>/clock.json``)."""
        return self.clock_state or self.data_dir / "clock.json"


class ServiceSettings(BaseSettings):
    """Base of each service's settings; subclasses set ``env_prefix`` and defaults."""

    # Never read bare names such as DATABASE_URL: each service has its own prefix.
    model_config = SettingsConfigDict(env_prefix="DEBTFLOW_SERVICE_", extra="ignore")

    database_url: str | None = None
    database_schema: str = ""
    database_pool_size: int = Field(default=10, ge=1)
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    outbox_partitions: int = Field(default=16, ge=1, le=1024)
    relay_poll_seconds: float = Field(default=5.0, gt=0)
    relay_batch_size: int = Field(default=500, ge=1)
    relay_lease_seconds: float = Field(default=15.0, gt=0)
    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_backoff_seconds: float = Field(default=0.2, ge=0)
    consumer_backoff_max_seconds: float = Field(default=10.0, ge=0)
    # Messages of one partition applied in one transaction, and how long a poll waits for
    # messages when none are ready (a batch is what is ready: none is held back to fill one).
    consumer_batch_size: int = Field(default=500, ge=1, le=5000)
    consumer_batch_wait_ms: int = Field(default=20, ge=1, le=10_000)
    # On SQLite a batch holds the one write lock until it commits: after this long it commits
    # what it has applied and goes on in a new transaction, so the API's writes wait no longer.
    consumer_batch_seconds_sqlite: float = Field(default=0.2, gt=0, le=60)
    # Processed event ids are forgotten after this; it must exceed every redelivery window
    # (broker retention, consumer lag, parking, a relay re-publishing), see inbox.py.
    inbox_retention_days: float = Field(default=14.0, ge=1, le=3650)
    # How often parked messages are checked for expiry (and on every controlled-clock move).
    parked_expiry_seconds: float = Field(default=60.0, gt=0, le=86_400)
    platform: PlatformSettings = Field(default_factory=PlatformSettings)

    def resolved_database_url(self, service_name: str) -> str:
        """The configured URL, else a SQLite file per service in the data folder."""
        if self.database_url:
            return normalize_database_url(self.database_url)
        path = self.platform.data_dir / f"{service_name}.sqlite"
        return f"sqlite+aiosqlite:///{path}"


def normalize_database_url(url: str) -> str:
    """Accept the usual ``postgresql://`` spelling and use the async drivers we ship."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url
