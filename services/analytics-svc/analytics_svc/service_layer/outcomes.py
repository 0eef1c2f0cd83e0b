"""Collection outcome rates of a period (reads only): promises, plans, settlements,
disputes, cures and hand-offs."""

from __future__ import annotations

from datetime import date

from analytics_svc.domain.outcomes import Outcomes, outcomes
from analytics_svc.domain.repositories import Repositories
from analytics_svc.service_layer.periods import check_period
from debtflow_shared.unit_of_work import AbstractUnitOfWork

UnitOfWork = AbstractUnitOfWork[Repositories]


async def period_outcomes(uow: UnitOfWork, tenant_id: str, start: date, end: date) -> Outcomes:
    check_period(start, end, start_field="start", end_field="end")
    async with uow:
        issued = await uow.repos.ledger.issued_invoices(tenant_id, start, end)
        found = await uow.repos.lifecycles.touching(tenant_id, start, end, issued)
    return outcomes(found, issued, start, end)
