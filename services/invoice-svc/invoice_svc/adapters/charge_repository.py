"""Charges on invoices (late fees, interest, compensation); scoped to one tenant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.invoice import ChargeKind
from invoice_svc.adapters.tables import charges
from invoice_svc.domain.invoice import Charge


class ChargeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def request_seen(self, tenant_id: str, request_id: str) -> bool:
        query = select(
            exists().where(charges.c.tenant_id == tenant_id, charges.c.request_id == request_id)
        )
        return bool((await self._session.execute(query)).scalar_one())

    async def charged(self, tenant_id: str, invoice_id: str, kind: ChargeKind) -> int:
        """What was charged on the invoice as ``kind`` so far (0 if nothing)."""
        query = select(func.coalesce(func.sum(charges.c.amount_minor), 0)).where(
            charges.c.tenant_id == tenant_id,
            charges.c.invoice_id == invoice_id,
            charges.c.kind == kind.value,
        )
        return int((await self._session.execute(query)).scalar_one())

    async def has_kind(self, tenant_id: str, invoice_id: str, kind: ChargeKind) -> bool:
        query = select(
            exists().where(
                charges.c.tenant_id == tenant_id,
                charges.c.invoice_id == invoice_id,
                charges.c.kind == kind.value,
            )
        )
        return bool((await self._session.execute(query)).scalar_one())

    async def for_invoice(self, tenant_id: str, invoice_id: str) -> list[Charge]:
        query = (
            select(charges)
            .where(charges.c.tenant_id == tenant_id, charges.c.invoice_id == invoice_id)
            .order_by(charges.c.created_at, charges.c.id)
        )
        return [_to_charge(row) for row in (await self._session.execute(query)).mappings()]

    async def add(self, charge: Charge) -> None:
        await self._session.execute(
            insert(charges).values(
                id=charge.id,
                tenant_id=charge.tenant_id,
                invoice_id=charge.invoice_id,
                kind=charge.kind.value,
                amount_minor=charge.amount_minor,
                currency=charge.currency,
                request_id=charge.request_id,
                period_from=charge.period_from,
                period_to=charge.period_to,
                description=charge.description,
                created_at=charge.created_at,
            )
        )


def _to_charge(row: Any) -> Charge:
    return Charge(
        id=row["id"],
        tenant_id=row["tenant_id"],
        invoice_id=row["invoice_id"],
        kind=ChargeKind(row["kind"]),
        amount_minor=row["amount_minor"],
        currency=row["currency"],
        request_id=row["request_id"],
        period_from=row["period_from"],
        period_to=row["period_to"],
        description=row["description"],
        created_at=row["created_at"],
    )
