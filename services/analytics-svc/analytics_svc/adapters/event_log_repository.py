"""The append-only copy of every consumed event (``event_log``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from analytics_svc.adapters.tables import event_log
from analytics_svc.domain.repositories import LoggedEvent
from debtflow_shared.db import insert_unless_present


class EventLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def append(self, events: Sequence[LoggedEvent], *, recorded_at: datetime) -> None:
        if not events:
            return
        dialect = self._session.get_bind().dialect.name
        rows = [
            {
                "event_id": e.event_id,
                "tenant_id": e.tenant_id,
                "topic": e.topic,
                "dataschema": e.dataschema,
                "subject": e.subject,
                "occurred_at": e.occurred_at,
                "recorded_at": recorded_at,
                "envelope": e.envelope_json,
            }
            for e in events
        ]
        await self._session.execute(
            insert_unless_present(event_log, dialect, on=["event_id"]), rows
        )

    async def count(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(event_log)) or 0)

    async def read_after(self, seq: int, limit: int) -> list[LoggedEvent]:
        t = event_log.c
        rows = await self._session.execute(
            select(
                t.seq,
                t.event_id,
                t.tenant_id,
                t.topic,
                t.dataschema,
                t.subject,
                t.occurred_at,
                t.envelope,
            )
            .where(t.seq > seq)
            .order_by(t.seq)
            .limit(limit)
        )
        return [
            LoggedEvent(
                seq=row.seq,
                event_id=row.event_id,
                tenant_id=row.tenant_id,
                topic=row.topic,
                dataschema=row.dataschema,
                subject=row.subject,
                occurred_at=row.occurred_at,
                envelope_json=row.envelope,
            )
            for row in rows
        ]
