"""The inbox: which events a consumer has already had its effect for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.envelope import Envelope
from debtflow_shared.platform_tables import PlatformTables


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
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(tables.inbox)
        .values(values)
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        .returning(tables.inbox.c.event_id)
    )
    result = await session.execute(statement)
    return result.first() is not None
