"""The in-process bus for ``make run`` and fast tests.

Durability comes from the outbox: the relay marks a row published only after ``publish``
returns, and ``publish`` returns only after every subscribed group has handled the message
(its inbox committed, or the message dead-lettered). A crash in between means the row is
published again and the inboxes drop the duplicate. A subscriber that takes batches
(:class:`~debtflow_shared.bus.base.BatchConsumer`) is handed its messages of one ``publish``
call at once, in order, in batches of at most its limit.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from debtflow_shared.bus.base import (
    BatchConsumer,
    InboundMessage,
    MessageHandler,
    OutboundMessage,
)
from debtflow_shared.db import UTCDateTime, create_engine

_metadata = MetaData()
dead_letters = Table(
    "dead_letter",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(200), nullable=False),
    Column("message_key", String(300), nullable=False),
    Column("value", LargeBinary, nullable=False),
    Column("headers", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # Set by `debtflow dlq replay`, so a second replay of the same set skips the row.
    Column("replayed_at", UTCDateTime, nullable=True),
)


def dead_letter_engine(path: Path | None) -> AsyncEngine:
    """The dead-letter file's engine: WAL and a busy timeout, as ``debtflow run`` and
    ``debtflow dlq`` may write it from two processes at once (in memory without a path)."""
    if path is None:
        return create_async_engine("sqlite+aiosqlite://")
    return create_engine(f"sqlite+aiosqlite:///{path}", pool_size=2)


def prepare_dead_letter_table(connection: Connection) -> None:
    """Create the table, or add the columns a file written by an older version lacks."""
    _metadata.create_all(connection)
    present = {row[1] for row in connection.execute(text("PRAGMA table_info(dead_letter)"))}
    if "replayed_at" not in present:
        connection.execute(text("ALTER TABLE dead_letter ADD COLUMN replayed_at DATETIME"))


@dataclass(frozen=True)
class _Subscription:
    group: str
    topics: frozenset[str]
    handler: MessageHandler


@dataclass(frozen=True)
class StoredDeadLetter:
    topic: str
    key: str
    value: bytes
    headers: dict[str, str]


class EmbeddedBus:
    """Delivers in process, in publish order; keeps ``.dlq`` messages in a SQLite file."""

    def __init__(self, dead_letter_path: Path | None = None) -> None:
        self._subscriptions: list[_Subscription] = []
        self._offsets = itertools.count()
        self._engine: AsyncEngine | None = None
        self._dead_letter_path = dead_letter_path

    def subscribe(self, group: str, topics: Sequence[str], handler: MessageHandler) -> None:
        self._subscriptions.append(_Subscription(group, frozenset(topics), handler))

    def unsubscribe(self, handler: MessageHandler) -> None:
        # One process's services share this bus: a stopped one must not be handed messages
        # (its handler would reopen the database it has just closed).
        self._subscriptions = [s for s in self._subscriptions if s.handler is not handler]

    async def start(self) -> None:
        self._engine = dead_letter_engine(self._dead_letter_path)
        async with self._engine.begin() as connection:
            await connection.run_sync(prepare_dead_letter_table)

    async def stop(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def is_ready(self) -> bool:
        return self._engine is not None

    async def publish(self, messages: Sequence[OutboundMessage]) -> None:
        inbound: list[InboundMessage] = []
        for message in messages:
            if message.topic.endswith(".dlq"):
                await self._store_dead_letter(message)
            inbound.append(
                InboundMessage(
                    topic=message.topic,
                    key=message.key,
                    value=message.value,
                    headers=message.headers,
                    partition=0,
                    offset=next(self._offsets),
                )
            )
        # Each subscription is handed its messages of this call in order: as batches if it
        # takes them (the relay already publishes in batches), else one by one.
        for subscription in list(self._subscriptions):
            mine = [m for m in inbound if m.topic in subscription.topics]
            if mine:
                await self._deliver(subscription, mine)

    async def _deliver(self, subscription: _Subscription, messages: list[InboundMessage]) -> None:
        handler = subscription.handler
        step = handler.batch_limits.max_messages if isinstance(handler, BatchConsumer) else 1
        for start in range(0, len(messages), step):
            if subscription not in self._subscriptions:
                return  # its service stopped meanwhile (see unsubscribe)
            if isinstance(handler, BatchConsumer):
                await handler.handle_batch(messages[start : start + step])
            else:
                await handler(messages[start])

    async def dead_letters(self, topic: str | None = None) -> list[StoredDeadLetter]:
        if self._engine is None:
            raise RuntimeError("the bus is not started")
        query = select(dead_letters).order_by(dead_letters.c.id)
        if topic is not None:
            query = query.where(dead_letters.c.topic == topic)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [
            StoredDeadLetter(
                topic=row["topic"],
                key=row["message_key"],
                value=row["value"],
                headers={key: value for key, value in json.loads(row["headers"])},
            )
            for row in rows
        ]

    async def _store_dead_letter(self, message: OutboundMessage) -> None:
        if self._engine is None:
            raise RuntimeError("the bus is not started")
        headers = json.dumps(
            [[key, value.decode(errors="replace")] for key, value in message.headers]
        )
        async with self._engine.begin() as connection:
            await connection.execute(
                insert(dead_letters).values(
                    topic=message.topic,
                    message_key=message.key,
                    value=message.value,
                    headers=headers,
                    created_at=datetime.now(UTC),
                )
            )
