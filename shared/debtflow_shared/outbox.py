"""Writing events to the transactional outbox, and waking the relay when they commit."""

from __future__ import annotations

import asyncio
import json
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.bulk_insert import insert_rows
from debtflow_shared.envelope import Envelope
from debtflow_shared.platform_tables import PlatformTables

CLOUDEVENTS_CONTENT_TYPE = b"application/cloudevents+json; charset=utf-8"
# Every row's headers are the same: encoded once, not once per event.
_HEADERS_JSON = json.dumps([["content-type", CLOUDEVENTS_CONTENT_TYPE.decode()]])


def outbox_partition(key: str, partitions: int) -> int:
    """A stable hash of the message key: one debtor's events always share a partition."""
    return zlib.crc32(key.encode()) % partitions


def notify_channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel a service's relay listens on."""
    return f"debtflow_outbox_{schema or 'public'}"


class LocalWakeups:
    """In-process wake-ups for databases without LISTEN/NOTIFY (the embedded SQLite)."""

    def __init__(self) -> None:
        self._events: dict[str, set[asyncio.Event]] = defaultdict(set)

    def listen(self, channel: str) -> asyncio.Event:
        event = asyncio.Event()
        self._events[channel].add(event)
        return event

    def forget(self, channel: str, event: asyncio.Event) -> None:
        self._events[channel].discard(event)

    def wake(self, channel: str) -> None:
        for event in self._events.get(channel, ()):
            event.set()


LOCAL_WAKEUPS = LocalWakeups()


@dataclass(frozen=True)
class OutboxWriter:
    """Adds envelopes to the outbox inside the caller's transaction."""

    tables: PlatformTables
    partitions: int
    channel: str
    uses_notify: bool

    async def add(
        self, session: AsyncSession, envelopes: Sequence[Envelope], now: datetime
    ) -> None:
        if not envelopes:
            return
        rows = [
            {
                "event_id": str(envelope.id),
                "topic": envelope.type,
                "message_key": envelope.key,
                "partition_no": outbox_partition(envelope.key, self.partitions),
                "value": envelope.to_bytes(),
                "headers": _HEADERS_JSON,
                "created_at": now,
            }
            for envelope in envelopes
        ]
        await insert_rows(session, self.tables.outbox, rows)
        if self.uses_notify:
            # Delivered by PostgreSQL at commit, and only if the transaction commits.
            await session.execute(select(func.pg_notify(literal(self.channel), literal(""))))

    def after_commit(self) -> None:
        if not self.uses_notify:
            LOCAL_WAKEUPS.wake(self.channel)
