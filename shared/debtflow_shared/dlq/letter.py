"""One dead letter as ``debtflow dlq`` sees it, whichever bus kept it, and how to select some."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pydantic import ValidationError

from debtflow_shared.bus.base import Headers, OutboundMessage
from debtflow_shared.dead_letters import original_headers
from debtflow_shared.envelope import Envelope

DLQ_SUFFIX = ".dlq"
# Added to a replayed message. Not ``dlq.*``: if it dead-letters again, the new dead letter
# keeps them (``original_headers`` strips only ``dlq.*``), so `show` tells it was a replay.
REPLAYED_AT = "replay.at"
REPLAYED_FROM = "replay.from"


@dataclass(frozen=True)
class DeadLetter:
    """A ``<topic>.dlq`` message; ``id`` names it for ``show`` (stable across calls)."""

    id: str
    dlq_topic: str
    key: str
    value: bytes
    headers: Headers
    stored_at: datetime | None = None
    replayed_at: datetime | None = None

    def header(self, name: str) -> str | None:
        value = next((v for k, v in self.headers if k == name), None)
        return None if value is None else value.decode(errors="replace")

    @property
    def topic(self) -> str:
        """The topic it was dead-lettered from, where a replay sends it."""
        return self.header("dlq.topic") or self.dlq_topic.removesuffix(DLQ_SUFFIX)

    @property
    def reason(self) -> str | None:
        return self.header("dlq.reason")

    @property
    def error(self) -> str | None:
        return self.header("dlq.error")

    @property
    def group(self) -> str | None:
        return self.header("dlq.group")

    @property
    def dead_lettered_at(self) -> datetime | None:
        """When it was dead-lettered (``dlq.time``, else when the bus stored it)."""
        stamp = self.header("dlq.time")
        if stamp is not None:
            try:
                parsed = datetime.fromisoformat(stamp)
            except ValueError:
                parsed = None
            if parsed is not None:
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return self.stored_at

    def envelope(self) -> Envelope | None:
        """The decoded envelope, or None for a message that never was one (reason invalid)."""
        try:
            return Envelope.from_bytes(self.value)
        except (ValidationError, ValueError):
            return None

    def replay_message(self, now: datetime) -> OutboundMessage:
        """The message a replay publishes: original topic, key, value and headers."""
        kept = tuple(
            (name, value)
            for name, value in original_headers(self.headers)
            if name not in (REPLAYED_AT, REPLAYED_FROM)
        )
        return OutboundMessage(
            topic=self.topic,
            key=self.key,
            value=self.value,
            headers=(
                *kept,
                (REPLAYED_AT, now.isoformat().encode()),
                (REPLAYED_FROM, self.id.encode()),
            ),
        )


@dataclass(frozen=True)
class DeadLetterFilter:
    """Which dead letters a command is about; every criterion given must hold."""

    topic: str | None = None  # the original topic (``erp.invoice``) or its ``.dlq``
    reason: str | None = None
    tenant: str | None = None
    event_id: str | None = None
    older_than: timedelta | None = None
    newer_than: timedelta | None = None
    include_replayed: bool = True

    def dlq_topic(self) -> str | None:
        if self.topic is None:
            return None
        return self.topic if self.topic.endswith(DLQ_SUFFIX) else f"{self.topic}{DLQ_SUFFIX}"

    def matches(self, letter: DeadLetter, now: datetime) -> bool:
        if self.topic is not None and letter.dlq_topic != self.dlq_topic():
            return False
        if self.reason is not None and letter.reason != self.reason:
            return False
        if not self.include_replayed and letter.replayed_at is not None:
            return False
        if self.older_than is not None or self.newer_than is not None:
            at = letter.dead_lettered_at
            if at is None:
                return False
            if self.older_than is not None and at > now - self.older_than:
                return False
            if self.newer_than is not None and at < now - self.newer_than:
                return False
        if self.tenant is not None or self.event_id is not None:
            envelope = letter.envelope()
            if envelope is None:
                return False
            if self.tenant is not None and envelope.tenantid != self.tenant:
                return False
            if self.event_id is not None and str(envelope.id) != self.event_id:
                return False
        return True


class DeadLetterSource(Protocol):
    """Where a bus keeps its dead letters (the embedded store, or Kafka's ``.dlq`` topics)."""

    async def find(self, criteria: DeadLetterFilter) -> list[DeadLetter]:
        """The matching dead letters, oldest first."""
        ...

    async def get(self, letter_id: str) -> DeadLetter | None: ...

    async def mark_replayed(self, letter: DeadLetter, at: datetime) -> None:
        """Remember the replay where the bus can (a Kafka topic is append-only: it cannot)."""
        ...

    async def close(self) -> None: ...
