"""Disputes of invoices; every query is scoped to one tenant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from invoice_svc.adapters.tables import disputes
from invoice_svc.domain.invoice import DISPUTE_OPEN, Dispute


class DisputeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str, dispute_id: str) -> Dispute | None:
        return await self._one(disputes.c.tenant_id == tenant_id, disputes.c.id == dispute_id)

    async def by_request(self, tenant_id: str, request_id: str) -> Dispute | None:
        return await self._one(
            disputes.c.tenant_id == tenant_id, disputes.c.request_id == request_id
        )

    async def open_for(self, tenant_id: str, invoice_id: str) -> Dispute | None:
        return await self._one(
            disputes.c.tenant_id == tenant_id,
            disputes.c.invoice_id == invoice_id,
            disputes.c.status == DISPUTE_OPEN,
        )

    async def for_invoice(self, tenant_id: str, invoice_id: str) -> list[Dispute]:
        query = (
            select(disputes)
            .where(disputes.c.tenant_id == tenant_id, disputes.c.invoice_id == invoice_id)
            .order_by(disputes.c.opened_at, disputes.c.id)
        )
        return [_to_dispute(row) for row in (await self._session.execute(query)).mappings()]

    async def add(self, dispute: Dispute) -> None:
        await self._session.execute(insert(disputes).values(**_columns(dispute)))

    async def save(self, dispute: Dispute) -> None:
        await self._session.execute(
            update(disputes)
            .where(disputes.c.tenant_id == dispute.tenant_id, disputes.c.id == dispute.id)
            .values(
                status=dispute.status,
                resolution_note=dispute.resolution_note,
                resolved_at=dispute.resolved_at,
            )
        )

    async def _one(self, *where: Any) -> Dispute | None:
        row = (await self._session.execute(select(disputes).where(*where))).mappings().first()
        return _to_dispute(row) if row else None


def _columns(dispute: Dispute) -> dict[str, Any]:
    return {
        "id": dispute.id,
        "tenant_id": dispute.tenant_id,
        "invoice_id": dispute.invoice_id,
        "debtor_id": dispute.debtor_id,
        "reason": dispute.reason,
        "amount_minor": dispute.amount_minor,
        "currency": dispute.currency,
        "raised_by": dispute.raised_by,
        "status": dispute.status,
        "request_id": dispute.request_id,
        "resolution_note": dispute.resolution_note,
        "opened_at": dispute.opened_at,
        "resolved_at": dispute.resolved_at,
    }


def _to_dispute(row: Any) -> Dispute:
    return Dispute(**{name: row[name] for name in _FIELDS})


_FIELDS = (
    "id",
    "tenant_id",
    "invoice_id",
    "debtor_id",
    "reason",
    "amount_minor",
    "currency",
    "raised_by",
    "status",
    "request_id",
    "opened_at",
    "resolution_note",
    "resolved_at",
)
