"""Reading and changing the tenant's ledger rules."""

from __future__ import annotations

from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.ledger_settings_repository import LedgerSettingsRepository
from invoice_svc.domain.ledger_settings import LedgerRules, LedgerSettings


async def get_ledger_settings(uow: UnitOfWork, tenant_id: str) -> LedgerSettings:
    async with uow:
        return await LedgerSettingsRepository(uow.session).get(tenant_id)


async def set_ledger_settings(
    uow: UnitOfWork, tenant_id: str, rules: LedgerRules
) -> LedgerSettings:
    """Change the rules; they apply to payments recorded from the commit on, never retroactively."""
    async with uow:
        repository = LedgerSettingsRepository(uow.session)
        current = await repository.get(tenant_id)
        changed = current.change(rules, uow.clock.now())
        if changed is None:
            return current
        await repository.save(changed)
        await uow.commit()
    return changed


async def ledger_rules(uow: UnitOfWork, tenant_id: str) -> LedgerRules:
    """The rules in force, read inside a unit of work that is already open."""
    return (await LedgerSettingsRepository(uow.session).get(tenant_id)).rules
