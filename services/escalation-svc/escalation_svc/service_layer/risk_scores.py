"""``debtor.risk_scored`` from analytics-svc: the expected recovery the task queue is ordered
by. Only a newer score replaces the one kept (a replayed older one changes nothing)."""

from __future__ import annotations

from debtflow_shared.catalog.analytics import DebtorRiskScored
from debtflow_shared.event_consumer import ReceivedEvent
from escalation_svc.domain.task import DebtorScore
from escalation_svc.service_layer.collection import UnitOfWork


async def on_debtor_risk_scored(event: ReceivedEvent[DebtorRiskScored], uow: UnitOfWork) -> None:
    scored = event.payload
    await uow.repos.tasks.put_score_if_newer(
        DebtorScore(
            tenant_id=event.tenant_id,
            debtor_id=scored.debtor_id,
            version=scored.version,
            score=str(scored.score),
            segment=scored.segment.value,
            expected_recovery_minor=scored.expected_recovery.amount_minor,
            currency=scored.expected_recovery.currency,
            model_version=scored.model_version,
            scored_at=scored.scored_at,
        )
    )
