"""Loading and saving the tenant's ledger rules (``ledger_settings``)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.db import insert_if_absent
from debtflow_shared.optimistic_lock import ConcurrentUpdate
from invoice_svc.adapters.tables import ledger_settings
from invoice_svc.domain.ledger_settings import AllocationOrder, LedgerRules, LedgerSettings


class LedgerSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str) -> LedgerSettings:
        t = ledger_settings.c
        row = (
            (await self._session.execute(select(ledger_settings).where(t.tenant_id == tenant_id)))
            .mappings()
            .first()
        )
        if row is None:
            return LedgerSettings(tenant_id)
        rules = LedgerRules(allocation_order=AllocationOrder(row["allocation_order"]))
        return LedgerSettings(tenant_id, rules, row["version"], row["updated_at"])

    async def save(self, settings: LedgerSettings) -> None:
        values = {
            "allocation_order": settings.rules.allocation_order.value,
            "version": settings.version,
            "updated_at": settings.updated_at,
        }
        t = ledger_settings.c
        if settings.version == 1:
            row = {"tenant_id": settings.tenant_id, **values}
            stored = await insert_if_absent(self._session, ledger_settings, row)
        else:
            changed = await self._session.execute(
                update(ledger_settings)
                .where(t.tenant_id == settings.tenant_id, t.version == settings.version - 1)
                .values(**values)
                .returning(t.tenant_id)
            )
            stored = changed.first() is not None
        if not stored:
            raise ConcurrentUpdate(f"ledger settings version {settings.version - 1}")
