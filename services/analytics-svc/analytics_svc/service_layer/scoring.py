"""Propensity-to-pay scoring: rescoring debtors on the events that move a score (payments,
promises, disputes, and whatever changes what they owe), the daily
run that chooses the tenant's model and rescores everyone, and publishing
``debtor.risk_scored`` only when a score moved enough (``domain/propensity.py``).

A rescore runs inside the transaction that caused it (a consumer's batch, the daily run)
and holds the debtors' locks until commit, so two topics' consumers rescoring one debtor
at once publish consecutive versions, never two of the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from analytics_svc.domain.observations import Consumed
from analytics_svc.domain.propensity import (
    FOUR_PLACES,
    DebtorScore,
    PublishedScore,
    score_debtor,
    should_publish,
)
from analytics_svc.domain.propensity_model import ModelInForce, choose_model
from analytics_svc.domain.repositories import Repositories
from analytics_svc.domain.risk_features import examples_of
from debtflow_shared.catalog.analytics import DebtorRiskScored, FactorEffect, RiskFactor
from debtflow_shared.catalog.escalation import PromiseBroken, PromiseKept, PromiseMade
from debtflow_shared.catalog.invoice import (
    InvoiceDueSoon,
    InvoiceOverdue,
    InvoiceState,
    PaymentReceived,
    PaymentReversed,
)
from debtflow_shared.catalog.money import NonNegativeMoney
from debtflow_shared.logging import get_logger
from debtflow_shared.unit_of_work import AbstractUnitOfWork

log = get_logger(__name__)

UnitOfWork = AbstractUnitOfWork[Repositories]
NO_HISTORY_BASE_RATE = Decimal("0.5000")


@dataclass(frozen=True)
class ScoringPolicy:
    """When the trained model may take over (the settings' ``scoring_min_*``)."""

    min_training_examples: int = 500
    min_test_examples: int = 100


def debtors_to_rescore(events: Sequence[Consumed]) -> dict[str, set[str]]:
    """Per tenant, the debtors a payment, promise, dispute or other change of what they owe
    names (an invoice issued, credited, charged, written off: expected recovery follows the
    balance). Due-soon and overdue notices change nothing owed; the daily run ages scores."""
    found: dict[str, set[str]] = defaultdict(set)
    for event in events:
        payload = event.payload
        if isinstance(
            payload, PaymentReceived | PaymentReversed | PromiseMade | PromiseKept | PromiseBroken
        ):
            found[event.tenant_id].add(payload.debtor_id)
        elif isinstance(payload, InvoiceDueSoon | InvoiceOverdue):
            continue
        elif isinstance(state := getattr(payload, "invoice", None), InvoiceState):
            found[event.tenant_id].add(state.debtor_id)
    return found


def _event(
    score: DebtorScore, version: int, last: PublishedScore | None, uow: UnitOfWork
) -> DebtorRiskScored:
    return DebtorRiskScored(
        debtor_id=score.debtor_id,
        version=version,
        score=score.score,
        segment=score.segment,
        previous_score=last.score if last else None,
        previous_segment=last.segment if last else None,
        top_factors=tuple(
            RiskFactor(
                factor=f.words, effect=FactorEffect.RAISES if f.raises else FactorEffect.LOWERS
            )
            for f in score.factors
        ),
        expected_recovery=NonNegativeMoney(
            amount_minor=score.expected_recovery_minor, currency=score.currency
        ),
        model_version=score.model_version,
        scored_at=uow.clock.now(),
    )


async def rescore_in(
    uow: UnitOfWork, tenant_id: str, debtor_ids: Collection[str] | None, as_of: date
) -> int:
    """Score ``debtor_ids`` (every debtor with an invoice, if None) as of ``as_of`` with
    the tenant's model in force, keep the scores, and publish those that moved enough;
    returns how many were published."""
    risk = uow.repos.risk
    model = await risk.model(tenant_id)
    trained = model.choice.model if model else None
    base_rate = model.base_rate if model else NO_HISTORY_BASE_RATE
    # Lock before reading: a rescore (the daily run's, a consumer's) waits for another one
    # of the same debtor to commit, then reads what it committed.
    await risk.lock_debtors(
        tenant_id, debtor_ids if debtor_ids is not None else await risk.debtor_ids(tenant_id)
    )
    histories = [
        h for h in await risk.histories(tenant_id, debtor_ids) if h.invoices and h.scoring_currency
    ]
    ids = [h.debtor_id for h in histories]
    last = await risk.published(tenant_id, ids)
    scores = [score_debtor(h, as_of, trained, base_rate) for h in histories]
    now = uow.clock.now()
    await risk.save_scores(scores, now)
    moved: dict[str, PublishedScore] = {}
    for score in scores:
        before = last.get(score.debtor_id)
        if not should_publish(score, before):
            continue
        version = (before.version if before else 0) + 1
        uow.emit(
            _event(score, version, before, uow), tenant_id=tenant_id, debtor_id=score.debtor_id
        )
        moved[score.debtor_id] = PublishedScore(version, score.score, score.segment)
    await risk.save_published(tenant_id, moved, now)
    return len(moved)


async def rescore_for(uow: UnitOfWork, events: Sequence[Consumed]) -> None:
    """Rescore the debtors a consumed batch's payments, promises and disputes name."""
    today = uow.clock.now().date()
    for tenant_id, debtor_ids in sorted(debtors_to_rescore(events).items()):
        await rescore_in(uow, tenant_id, debtor_ids, today)


async def choose_model_in(
    uow: UnitOfWork, tenant_id: str, today: date, policy: ScoringPolicy
) -> ModelInForce:
    """Train on the tenant's history as known today, judge it on the later period, and keep
    the model that scores from now on."""
    examples = []
    for history in await uow.repos.risk.histories(tenant_id):
        examples.extend(examples_of(history, today))
    paid = sum(1 for e in examples if e.paid)
    base_rate = (
        (Decimal(paid) / Decimal(len(examples))).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
        if examples
        else NO_HISTORY_BASE_RATE
    )
    choice = choose_model(
        examples,
        version=f"ptp-lr-{today.isoformat()}",
        min_train=policy.min_training_examples,
        min_test=policy.min_test_examples,
    )
    model = ModelInForce(tenant_id, today, choice, base_rate, len(examples))
    await uow.repos.risk.save_model(model)
    return model


async def daily_scoring_in(
    uow: UnitOfWork, tenant_id: str, today: date, policy: ScoringPolicy, *, force: bool = False
) -> bool:
    """The tenant's run for ``today`` (once a day unless forced): choose the model, rescore
    every debtor. Returns whether it ran."""
    await uow.repos.risk.lock_daily_run(tenant_id)
    current = await uow.repos.risk.model(tenant_id)
    if not force and current is not None and current.chosen_on >= today:
        return False
    model = await choose_model_in(uow, tenant_id, today, policy)
    published = await rescore_in(uow, tenant_id, None, today)
    evaluation = model.choice.evaluation
    log.info(
        "daily scoring",
        tenant_id=tenant_id,
        model_version=model.choice.version,
        model_auc=evaluation.model_auc if evaluation else None,
        scorecard_auc=evaluation.scorecard_auc if evaluation else None,
        published=published,
    )
    return True
