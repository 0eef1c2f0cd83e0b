"""Reading scores: one debtor's score and reasons, debtors ranked by expected recovery, and
the tenant's model in force with its held-out AUC beside the scorecard's. Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from analytics_svc.domain.propensity import DebtorScore
from analytics_svc.domain.propensity_model import ModelInForce
from analytics_svc.domain.repositories import Repositories
from analytics_svc.service_layer.reports import DebtorNotFound
from debtflow_shared.unit_of_work import AbstractUnitOfWork

UnitOfWork = AbstractUnitOfWork[Repositories]


@dataclass(frozen=True)
class NamedScore:
    score: DebtorScore
    name: str | None


async def debtor_risk(uow: UnitOfWork, tenant_id: str, debtor_id: str) -> NamedScore:
    async with uow:
        score = await uow.repos.risk.score(tenant_id, debtor_id)
        if score is None:
            raise DebtorNotFound(f"debtor {debtor_id} has not been scored (no invoice seen)")
        names = await uow.repos.ledger.debtor_names(tenant_id, [debtor_id])
        return NamedScore(score, names.get(debtor_id))


async def expected_recovery_ranking(
    uow: UnitOfWork, tenant_id: str, currency: str, after: tuple[int, str] | None, limit: int
) -> list[NamedScore]:
    """Debtors scored in ``currency``, largest expected recovery first."""
    async with uow:
        scores = await uow.repos.risk.by_expected_recovery(tenant_id, currency, after, limit)
        names = await uow.repos.ledger.debtor_names(tenant_id, [s.debtor_id for s in scores])
        return [NamedScore(s, names.get(s.debtor_id)) for s in scores]


async def model_in_force(uow: UnitOfWork, tenant_id: str) -> ModelInForce | None:
    async with uow:
        return await uow.repos.risk.model(tenant_id)
