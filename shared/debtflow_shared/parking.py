"""Messages waiting for a prerequisite, e.g. an ERP invoice whose debtor has not arrived.

Order holds per key within a topic, not across topics (``erp.invoice`` can overtake
``erp.debtor``; ``invoice.overdue`` can overtake ``debtor.upserted``), so such a message is
parked, in the same transaction as its inbox claim, instead of blocking its partition, and
applied when what it waits for arrives (:func:`apply_parked`, in that message's
transaction). One still waiting after :data:`PARKING_LIMIT` of business time is
dead-lettered by ``parked_expiry.run_parked_expiry``.

A service keeps its parked messages in its own schema: it declares the table with
:func:`define_parking_table`, creates it in a migration with
``migrations.create_parking_table``, and names it in ``ServiceDefinition.parking_table``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, Index, MetaData, String, Table, Text, delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog import CATALOG
from debtflow_shared.db import UTCDateTime
from debtflow_shared.envelope import Envelope
from debtflow_shared.event_consumer import EventHandler, PermanentFailure, ReceivedEvent
from debtflow_shared.platform_tables import BigIntId
from debtflow_shared.unit_of_work import UnitOfWork

# How long a message may wait for its prerequisite (business time) before it is dead-lettered.
PARKING_LIMIT = timedelta(hours=24)
# A parked message whose prerequisite arrived but which its handler then refused for good
# waits under this prefix (with the reason) for the expiry to dead-letter it at once.
REFUSED = "refused:"


def define_parking_table(metadata: MetaData) -> Table:
    return Table(
        "parked_messages",
        metadata,
        Column("id", BigIntId, primary_key=True, autoincrement=True),
        Column("tenant_id", String(64), nullable=False),
        Column("waiting_for", String(200), nullable=False),  # e.g. "debtor:<erp id>"
        Column("topic", String(200), nullable=False),
        Column("envelope", Text, nullable=False),
        Column("parked_at", UTCDateTime, nullable=False),
        Column("expires_at", UTCDateTime, nullable=False),
        Index("ix_parked_messages_waiting", "tenant_id", "waiting_for"),
        Index("ix_parked_messages_expires", "expires_at"),
    )


@dataclass(frozen=True)
class ParkedMessage:
    id: int
    tenant_id: str
    waiting_for: str
    envelope: Envelope

    @property
    def refusal(self) -> str | None:
        """Why its handler refused it after its prerequisite arrived; None if still waiting."""
        if self.waiting_for.startswith(REFUSED):
            return self.waiting_for.removeprefix(REFUSED)
        return None


class ParkingLot:
    def __init__(self, session: AsyncSession, table: Table) -> None:
        self._session = session
        self._table = table

    async def guard(self, tenant_id: str, waiting_for: str) -> None:
        """Serialise "is it there yet? else park" against "it arrived: release" for one key.

        Without it, a message could look for its prerequisite while the prerequisite's
        transaction is still uncommitted, and park after that transaction looked for parked
        messages: it would wait until expiry for something that exists. A
        transaction-scoped advisory lock on PostgreSQL; SQLite runs one writer at a time,
        which serialises them already. Take it before looking for (or writing) the
        prerequisite.
        """
        if self._session.get_bind().dialect.name == "postgresql":
            await self._session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": f"parking:{tenant_id}:{waiting_for}"},
            )

    async def park(
        self, envelope: Envelope, waiting_for: str, now: datetime, expires_at: datetime
    ) -> None:
        await self._session.execute(
            insert(self._table).values(
                tenant_id=envelope.tenantid,
                waiting_for=waiting_for,
                topic=envelope.type,
                envelope=envelope.model_dump_json(),
                parked_at=now,
                expires_at=expires_at,
            )
        )

    async def release(self, tenant_id: str, waiting_for: str) -> list[ParkedMessage]:
        """Take every message waiting for ``waiting_for`` (oldest first) out of the lot."""
        t = self._table.c
        query = (
            select(self._table)
            .where(t.tenant_id == tenant_id, t.waiting_for == waiting_for)
            .order_by(t.id)
            .with_for_update()
        )
        rows = (await self._session.execute(query)).mappings().all()
        if rows:
            await self._session.execute(
                delete(self._table).where(t.id.in_([row["id"] for row in rows]))
            )
        return [_parked(row) for row in rows]

    async def expired(self, now: datetime, limit: int = 100) -> list[ParkedMessage]:
        """Messages whose wait is over, oldest first; replicas claim disjoint ones."""
        t = self._table.c
        query = (
            select(self._table)
            .where(t.expires_at <= now)
            .order_by(t.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_parked(row) for row in (await self._session.execute(query)).mappings()]

    async def count(self) -> int:
        rows = await self._session.execute(select(self._table.c.id))
        return len(rows.all())

    async def remove(self, message_id: int) -> None:
        await self._session.execute(delete(self._table).where(self._table.c.id == message_id))


async def park_until(
    event: ReceivedEvent[Any],
    uow: UnitOfWork,
    table: Table,
    waiting_for: str,
    *,
    limit: timedelta = PARKING_LIMIT,
) -> None:
    """Park ``event`` until ``waiting_for`` arrives, or ``limit`` of business time passes."""
    now = uow.clock.now()
    await ParkingLot(uow.session, table).park(event.envelope, waiting_for, now, now + limit)


async def apply_parked(
    uow: UnitOfWork,
    table: Table,
    tenant_id: str,
    waiting_for: str,
    handlers: Mapping[str, EventHandler],
) -> None:
    """Handle, in this transaction, every message that waited for ``waiting_for``.

    Each runs in a savepoint: one its handler refuses for good (:class:`PermanentFailure`)
    is undone and parked again as refused, for the expiry to dead-letter it with the
    reason, so it never sinks the message that released it.
    """
    lot = ParkingLot(uow.session, table)
    await lot.guard(tenant_id, waiting_for)
    for parked in await lot.release(tenant_id, waiting_for):
        handler = handlers[parked.envelope.type]
        payload = CATALOG.parse(parked.envelope)
        try:
            async with uow.savepoint():
                await handler(ReceivedEvent(parked.envelope, payload), uow)
        except PermanentFailure as refusal:
            now = uow.clock.now()
            await lot.park(parked.envelope, f"{REFUSED}{refusal}"[:200], now, now)


def _parked(row: Any) -> ParkedMessage:
    return ParkedMessage(
        row["id"],
        row["tenant_id"],
        row["waiting_for"],
        Envelope.model_validate_json(row["envelope"]),
    )
