"""The inbox: which events a consumer has already had its effect for.

An id is kept for ``inbox_retention_days`` after it was processed, then pruned
(:func:`prune`). The retention must exceed every window in which the same event can be
delivered again (the broker's log retention, a consumer group's lag, a parked message's
wait, a relay re-publishing after a crash): an id pruned earlier would let a redelivery
have its effect twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from debtflow_shared.clock import Clock
from debtflow_shared.db import insert_if_absent, insert_unless_present
from debtflow_shared.envelope import Envelope
from debtflow_shared.periodic import run_periodically
from debtflow_shared.platform_tables import PlatformTables

# Pruning is cheap and nothing waits for it: once an hour is plenty.
PRUNE_INTERVAL_SECONDS = 3600.0


async def claim(
    session: AsyncSession, tables: PlatformTables, consumer: str, envelope: Envelope, now: datetime
) -> bool:
    """Record the event as processed by ``consumer``; False if it already was.

    Call inside the transaction that holds the event's effects: the claim and the effects
    commit together or not at all, so a redelivered event has its effect once.
    """
    values = {
        "consumer": consumer,
        "event_id": str(envelope.id),
        "topic": envelope.type,
        "processed_at": now,
    }
    return await insert_if_absent(session, tables.inbox, values, on=["consumer", "event_id"])


async def release(
    session: AsyncSession, tables: PlatformTables, consumer: str, event_id: str
) -> None:
    """Forget that ``consumer`` processed the event: its effect was never applied after all.

    For a parked message dead-lettered without effect, so that replaying it
    (``debtflow dlq replay``) applies it instead of being dropped as a duplicate.
    """
    inbox = tables.inbox
    await session.execute(
        delete(inbox).where(inbox.c.consumer == consumer, inbox.c.event_id == event_id)
    )


async def claim_many(
    session: AsyncSession,
    tables: PlatformTables,
    consumer: str,
    envelopes: Sequence[Envelope],
    now: datetime,
) -> set[str]:
    """Claim all ``envelopes`` in one statement; the ids that were not claimed before.

    ``INSERT … ON CONFLICT DO NOTHING RETURNING event_id`` (one multi-row statement on
    PostgreSQL and SQLite alike): as :func:`claim`, inside the transaction of the effects.
    """
    if not envelopes:
        return set()
    inbox = tables.inbox
    rows = [
        {"consumer": consumer, "event_id": str(e.id), "topic": e.type, "processed_at": now}
        for e in envelopes
    ]
    dialect = session.get_bind().dialect.name
    statement = insert_unless_present(inbox, dialect, rows, on=["consumer", "event_id"])
    return set(await session.scalars(statement.returning(inbox.c.event_id)))


async def release_many(
    session: AsyncSession, tables: PlatformTables, consumer: str, event_ids: Sequence[str]
) -> None:
    """Undo claims made in this transaction for events whose effect was not applied in it."""
    if not event_ids:
        return
    inbox = tables.inbox
    await session.execute(
        delete(inbox).where(inbox.c.consumer == consumer, inbox.c.event_id.in_(event_ids))
    )


async def prune(
    engine: AsyncEngine, tables: PlatformTables, older_than: datetime, *, batch_size: int = 5000
) -> int:
    """Delete ids processed before ``older_than``, ``batch_size`` rows per transaction.

    Short transactions, so the API's writes (SQLite's one writer) are never held up for
    long; the rows are found through ``ix_inbox_processed_at``. Replicas may prune at once:
    on PostgreSQL each skips the rows another is deleting (``SKIP LOCKED``), and deleting a
    row already gone is a no-op. Returns how many rows this call deleted.
    """
    inbox = tables.inbox
    key = tuple_(inbox.c.consumer, inbox.c.event_id)
    oldest = (
        select(inbox.c.consumer, inbox.c.event_id)
        .where(inbox.c.processed_at < older_than)
        .order_by(inbox.c.processed_at)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )
    deleted = 0
    while True:
        async with engine.begin() as connection:
            result = await connection.execute(delete(inbox).where(key.in_(oldest)))
        deleted += result.rowcount
        if result.rowcount < batch_size:
            return deleted


async def prune_periodically(
    engine: AsyncEngine, tables: PlatformTables, *, retention: timedelta, clock: Clock
) -> None:
    """:func:`prune` ids older than ``retention`` every hour, until cancelled.

    ``processed_at`` is machine time (see :func:`claim`), so the cutoff is too, whatever
    business time a controlled clock shows.
    """

    async def prune_once() -> int:
        return await prune(engine, tables, datetime.now(UTC) - retention)

    await run_periodically(
        prune_once, name="inbox pruning", interval=PRUNE_INTERVAL_SECONDS, clock=clock
    )
