"""Building catalog events for tests."""

from __future__ import annotations

from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.service import ServiceRuntime


def debtor_event(debtor_id: str, version: int = 1, name: str = "Acme Ltd") -> DebtorUpserted:
    return DebtorUpserted(
        debtor_id=debtor_id, version=version, name=name, country="GB", currency="GBP"
    )


async def emit_committed(runtime: ServiceRuntime, tenant: str, *events: DebtorUpserted) -> None:
    """Write events through a unit of work that commits (no other state change needed)."""
    async with runtime.uow() as uow:
        for event in events:
            uow.emit(event, tenant_id=tenant, debtor_id=event.debtor_id)
        await uow.commit()
