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

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, Index, MetaData, String, Table, Text, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.advisory_locks import lock_all
from debtflow_shared.catalog import CATALOG
from debtflow_shared.db import UTCDateTime
from debtflow_shared.envelope import Envelope
from debtflow_shared.event_consumer import EventHandler, PermanentFailure, ReceivedEvent
from debtflow_shared.platform_tables import BigIntId
from debtflow_shared.unit_of_work import UnitOfWork
from debtflow_shared.value_lists import one_of

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
        await self.guard_all(tenant_id, [waiting_for])

    async def guard_all(self, tenant_id: str, waiting_fors: Iterable[str]) -> None:
        """:meth:`guard` for many keys at once (a batch), in the one order every guard uses."""
        await lock_all(self._session, (_guard_key(tenant_id, w) for w in waiting_fors))

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
        return await self.release_all(tenant_id, [waiting_for])

    async def release_all(
        self, tenant_id: str, waiting_fors: Collection[str]
    ) -> list[ParkedMessage]:
        """Take every message waiting for any of ``waiting_fors`` out of the lot, oldest
        first: one query however many keys a batch brings."""
        if not waiting_fors:
            return []
        t = self._table.c
        query = (
            select(self._table)
            .where(t.tenant_id == tenant_id, one_of(self._session, t.waiting_for, waiting_fors))
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
    await apply_parked_all(uow, table, tenant_id, [waiting_for], handlers)


async def apply_parked_all(
    uow: UnitOfWork,
    table: Table,
    tenant_id: str,
    waiting_fors: Collection[str],
    handlers: Mapping[str, EventHandler],
) -> None:
    """:func:`apply_parked` for every key a batch brought, oldest parked message first."""
    lot = ParkingLot(uow.session, table)
    await lot.guard_all(tenant_id, waiting_fors)
    for parked in await lot.release_all(tenant_id, waiting_fors):
        handler = handlers[parked.envelope.type]
        payload = CATALOG.parse(parked.envelope)
        released = ReceivedEvent(parked.envelope, payload)
        try:
            # Its own trace: what it causes is its effect, not the arrival's that freed it.
            with released.tracing():
                async with uow.savepoint():
                    await handler(released, uow)
                    uow.collect()  # staged now, under its trace
        except PermanentFailure as refusal:
            now = uow.clock.now()
            await lot.park(parked.envelope, f"{REFUSED}{refusal}"[:200], now, now)


def _guard_key(tenant_id: str, waiting_for: str) -> str:
    return f"parking:{tenant_id}:{waiting_for}"


def _parked(row: Any) -> ParkedMessage:
    return ParkedMessage(
        row["id"],
        row["tenant_id"],
        row["waiting_for"],
        Envelope.model_validate_json(row["envelope"]),
    )
