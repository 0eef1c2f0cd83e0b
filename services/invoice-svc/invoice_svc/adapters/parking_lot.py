"""Messages waiting for a prerequisite, e.g. an ERP invoice whose debtor has not arrived.

Order is not guaranteed across topics (``erp.invoice`` can overtake ``erp.debtor``), so
such a message is parked (in the same transaction as its inbox claim) instead of blocking
its partition, and applied when what it waits for arrives. Messages still waiting after
the bounded wait go to their topic's DLQ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.envelope import Envelope
from invoice_svc.adapters.tables import parked_messages


@dataclass(frozen=True)
class ParkedMessage:
    id: int
    tenant_id: str
    waiting_for: str
    envelope: Envelope


def waiting_for_debtor(erp_id: str) -> str:
    return f"debtor:{erp_id}"


class ParkingLot:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def guard(self, tenant_id: str, waiting_for: str) -> None:
        """Serialise "is it there yet? else park" against "it arrived: release" for one key.

        Without it, a message could look for its debtor while the debtor's transaction is
        still uncommitted, and park after that transaction looked for parked messages: it
        would wait until expiry for a debtor that exists. A transaction-scoped advisory lock
        on PostgreSQL; SQLite runs one writer at a time, which serialises them already.
        Take it before looking for (or writing) the prerequisite.
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
            insert(parked_messages).values(
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
        rows = (
            (
                await self._session.execute(
                    select(parked_messages)
                    .where(
                        parked_messages.c.tenant_id == tenant_id,
                        parked_messages.c.waiting_for == waiting_for,
                    )
                    .order_by(parked_messages.c.id)
                    .with_for_update()
                )
            )
            .mappings()
            .all()
        )
        if rows:
            await self._session.execute(
                delete(parked_messages).where(parked_messages.c.id.in_([r["id"] for r in rows]))
            )
        return [_parked(row) for row in rows]

    async def expired(self, now: datetime, limit: int = 100) -> list[ParkedMessage]:
        rows = (
            (
                await self._session.execute(
                    select(parked_messages)
                    .where(parked_messages.c.expires_at <= now)
                    .order_by(parked_messages.c.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            .mappings()
            .all()
        )
        return [_parked(row) for row in rows]

    async def remove(self, message_id: int) -> None:
        await self._session.execute(
            delete(parked_messages).where(parked_messages.c.id == message_id)
        )


def _parked(row: object) -> ParkedMessage:
    mapping = dict(row)  # type: ignore[call-overload]
    return ParkedMessage(
        mapping["id"],
        mapping["tenant_id"],
        mapping["waiting_for"],
        Envelope.model_validate_json(mapping["envelope"]),
    )
