"""The inbox: which events a consumer has already had its effect for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.db import insert_if_absent
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
