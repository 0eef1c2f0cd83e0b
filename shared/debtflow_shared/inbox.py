"""The inbox: which events a consumer has already had its effect for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.db import insert_unless_present
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
    dialect = session.get_bind().dialect.name
    statement = insert_unless_present(
        tables.inbox, dialect, values, on=["consumer", "event_id"]
    ).returning(tables.inbox.c.event_id)
    result = await session.execute(statement)
    return result.first() is not None
