"""The raw baselines: the least code that moves the same messages and rows, measured in the
same run as debtflow's figure (see benchmarks/README.md for what each one stands for).

PostgreSQL: asyncpg on a scratch table created ``LIKE`` the service's own table
``INCLUDING ALL`` (same columns, defaults, indexes), dropped afterwards. Kafka: one aiokafka
producer with the durability debtflow's bus has (idempotent, ``acks=all``, ``linger_ms=5``)
and one consumer that commits after each fetch. Embedded: the standard library's sqlite3 on
a scratch file with the table's own DDL and the pragmas debtflow sets (WAL, synchronous
NORMAL); there is no raw counterpart of the in-process bus, so the embedded baselines are the
database part alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateIndex, CreateTable

RawMessage = tuple[bytes, bytes]  # key, value
BatchApply = Callable[[list[bytes]], Awaitable[None]]
WARM_UP_KEY = b"bench-warm-up"
PARTITIONS = 6


def asyncpg_dsn(database_url: str) -> str:
    """The plain ``postgresql://`` spelling of a SQLAlchemy URL, for asyncpg itself."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


# -- PostgreSQL ----------------------------------------------------------------------------
@contextlib.asynccontextmanager
async def scratch_table(
    dsn: str, schema: str, like: str
) -> AsyncIterator[tuple[asyncpg.Connection, str]]:
    """A connection and an empty table shaped like ``schema.like``, dropped on exit."""
    connection = await asyncpg.connect(dsn)
    name = f"raw_{like}_{uuid.uuid4().hex[:6]}"
    try:
        await connection.execute(
            f'CREATE TABLE "{schema}"."{name}" (LIKE "{schema}"."{like}" INCLUDING ALL)'
        )
        yield connection, name
    finally:
        await connection.execute(f'DROP TABLE IF EXISTS "{schema}"."{name}"')
        await connection.close()


async def copy_seconds(
    dsn: str, schema: str, like: str, columns: Sequence[str], records: Sequence[tuple[Any, ...]]
) -> float:
    """Seconds for one ``copy_records_to_table`` of ``records`` into a scratch table."""
    async with scratch_table(dsn, schema, like) as (connection, name):
        started = time.perf_counter()
        await connection.copy_records_to_table(
            name, records=records, columns=list(columns), schema_name=schema
        )
        return time.perf_counter() - started


async def update_returning_seconds(
    dsn: str,
    schema: str,
    columns: Sequence[str],
    records: Sequence[tuple[Any, ...]],
    now: datetime,
    returned: Sequence[str],
) -> tuple[float, int]:
    """Seconds for one ``UPDATE … RETURNING`` announcing every overdue row; and the row count.

    The rows are copied into a scratch ``invoices`` first (untimed) and analysed, so the
    planner sees what it sees in the service's own table.
    """
    async with scratch_table(dsn, schema, "invoices") as (connection, name):
        await connection.copy_records_to_table(
            name, records=records, columns=list(columns), schema_name=schema
        )
        await connection.execute(f'ANALYZE "{schema}"."{name}"')
        statement = (
            f'UPDATE "{schema}"."{name}" SET overdue_announced = true '  # noqa: S608 (our names)
            "WHERE overdue_at <= $1 AND overdue_announced = false "
            "AND status IN ('open', 'partially_paid') "
            f"RETURNING {', '.join(returned)}"
        )
        started = time.perf_counter()
        rows = await connection.fetch(statement, now)
        return time.perf_counter() - started, len(rows)


# -- Kafka ---------------------------------------------------------------------------------
class RawChannel:
    """One scratch topic with a producer and (optionally) a consumer applying what it gets."""

    def __init__(self, topic: str, producer: AIOKafkaProducer) -> None:
        self.topic = topic
        self.producer = producer
        self.consumed = 0
        self.failed: BaseException | None = None  # the consumer's error: waiting ends
        self._progress = asyncio.Condition()

    async def send_all(self, messages: Sequence[RawMessage]) -> None:
        """Queue every message (the producer batches them), then wait for all acks."""
        pending = [
            await self.producer.send(self.topic, value=value, key=key) for key, value in messages
        ]
        if pending:
            await asyncio.gather(*pending)

    async def wait_consumed(self, count: int) -> None:
        async with self._progress:
            await self._progress.wait_for(lambda: self.consumed >= count or self.failed)
        if self.failed is not None:
            raise RuntimeError(f"the raw consumer of {self.topic} failed") from self.failed

    async def consume(self, consumer: AIOKafkaConsumer, apply: BatchApply | None) -> None:
        try:
            await self._consume(consumer, apply)
        except Exception as error:  # a baseline that cannot apply must fail, not hang
            async with self._progress:
                self.failed = error
                self._progress.notify_all()

    async def _consume(self, consumer: AIOKafkaConsumer, apply: BatchApply | None) -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=20, max_records=500)
            for records in batches.values():
                values = [r.value for r in records if r.key != WARM_UP_KEY]
                if apply is not None and values:
                    await apply(values)
                async with self._progress:
                    self.consumed += len(records)
                    self._progress.notify_all()
            if batches:
                await consumer.commit()


@contextlib.asynccontextmanager
async def raw_channel(
    bootstrap: str, name: str, *, consume: bool = True, apply: BatchApply | None = None
) -> AsyncIterator[RawChannel]:
    """A fresh topic of :data:`PARTITIONS` partitions, the producer started and, when
    ``consume``, a consumer that has joined its group and read one warm-up message (so no
    figure pays for the group join). ``consumed`` counts the warm-up message too."""
    topic = f"bench.raw.{name}.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, PARTITIONS, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    channel = RawChannel(topic, producer)
    consumer: AIOKafkaConsumer | None = None
    task: asyncio.Task[None] | None = None
    try:
        if consume:
            consumer = AIOKafkaConsumer(
                topic,
                bootstrap_servers=bootstrap,
                group_id=f"bench-raw-{uuid.uuid4().hex[:8]}",
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                max_poll_records=500,
            )
            await consumer.start()
            task = asyncio.create_task(channel.consume(consumer, apply))
            await channel.send_all([(WARM_UP_KEY, b"{}")])
            await channel.wait_consumed(1)
        yield channel
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if consumer is not None:
            await consumer.stop()
        await producer.stop()


async def produce_seconds(bootstrap: str, name: str, messages: Sequence[RawMessage]) -> float:
    """Seconds to produce ``messages`` (acknowledged) onto a fresh topic."""
    async with raw_channel(bootstrap, name, consume=False) as channel:
        started = time.perf_counter()
        await channel.send_all(messages)
        return time.perf_counter() - started


async def roundtrip_seconds(
    bootstrap: str, name: str, messages: Sequence[RawMessage], apply: BatchApply | None = None
) -> float:
    """Seconds from the first produce until the consumer has read (and applied) them all."""
    async with raw_channel(bootstrap, name, apply=apply) as channel:
        started = time.perf_counter()
        await channel.send_all(messages)
        await channel.wait_consumed(1 + len(messages))
        return time.perf_counter() - started


# -- SQLite (the embedded default) ---------------------------------------------------------
def sqlite_scratch(path: Path, table: Table) -> sqlite3.Connection:
    """A scratch SQLite file holding an empty ``table`` with its indexes, in autocommit mode."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    dialect = sqlite.dialect()
    connection.execute(str(CreateTable(table).compile(dialect=dialect)))
    for index in table.indexes:
        connection.execute(str(CreateIndex(index).compile(dialect=dialect)))
    return connection


def sqlite_value(value: Any) -> Any:
    """What debtflow stores on SQLite: naive UTC text for instants, ISO dates, 0/1 flags."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def sqlite_insert(
    connection: sqlite3.Connection, table: Table, rows: Sequence[dict[str, Any]], batch: int
) -> None:
    """Insert ``rows`` with one ``executemany`` per transaction of ``batch`` rows."""
    columns = [c.name for c in table.c if c.name in rows[0]]
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608 (our names)
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    values = [tuple(sqlite_value(row[c]) for c in columns) for row in rows]
    for first in range(0, len(values), batch):
        connection.execute("BEGIN")
        connection.executemany(statement, values[first : first + batch])
        connection.execute("COMMIT")


def sqlite_insert_seconds(
    path: Path, table: Table, rows: Sequence[dict[str, Any]], batch: int
) -> float:
    connection = sqlite_scratch(path, table)
    try:
        started = time.perf_counter()
        sqlite_insert(connection, table, rows, batch)
        return time.perf_counter() - started
    finally:
        connection.close()


def sqlite_update_returning_seconds(
    path: Path, table: Table, rows: Sequence[dict[str, Any]], now: datetime, returned: Sequence[str]
) -> tuple[float, int]:
    connection = sqlite_scratch(path, table)
    try:
        sqlite_insert(connection, table, rows, len(rows))
        connection.execute("ANALYZE")
        started = time.perf_counter()
        connection.execute("BEGIN")
        found = connection.execute(
            f"UPDATE {table.name} SET overdue_announced = 1 "  # noqa: S608 (our names)
            "WHERE overdue_at <= ? AND overdue_announced = 0 "
            "AND status IN ('open', 'partially_paid') "
            f"RETURNING {', '.join(returned)}",
            (sqlite_value(now),),
        ).fetchall()
        connection.execute("COMMIT")
        return time.perf_counter() - started, len(found)
    finally:
        connection.close()
