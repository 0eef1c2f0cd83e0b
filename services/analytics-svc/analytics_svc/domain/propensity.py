"""A debtor's propensity-to-pay score: probability, segment, reasons, expected recovery,
and whether it moved enough since the last published one to publish again.

- The score is the probability that what falls due is paid within 30 days (of the trained
  model when the tenant has one in force, else of the scorecard), four decimal places.
- Segments (the catalog's vocabulary): too little history is ``insufficient_history``,
  scored at the tenant's base rate; one who pays on time unchased (on average at most
  :data:`SELF_CURE_DAYS` days late, no broken promise, nothing over 30 days overdue) with
  a score of 0.70 or more is ``self_cure``; otherwise ``low_risk`` from 0.70, ``medium_risk`` from
  0.40, ``high_risk`` below.
- Expected recovery = open balance in the debtor's currency x score, in integer minor
  units, half-up.
- Published again only when the segment changes or the score moves by more than
  ``SCORE_CHANGE_THRESHOLD`` (0.05) from the last published score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from analytics_svc.domain import scorecard
from analytics_svc.domain.payment_history import DebtorHistory
from analytics_svc.domain.propensity_model import TrainedModel
from analytics_svc.domain.risk_factors import Factor, top_factors
from analytics_svc.domain.risk_features import MIN_HISTORY, RiskFeatures, features_of
from debtflow_shared.catalog.analytics import (
    MAX_TOP_FACTORS,
    SCORE_CHANGE_THRESHOLD,
    RiskSegment,
)

FOUR_PLACES = Decimal("0.0001")
LOW_RISK_FROM = Decimal("0.70")
MEDIUM_RISK_FROM = Decimal("0.40")
SELF_CURE_DAYS = 5
TOP_FACTORS = 3


@dataclass(frozen=True)
class DebtorScore:
    tenant_id: str
    debtor_id: str
    as_of: date
    score: Decimal
    segment: RiskSegment
    factors: tuple[Factor, ...]
    currency: str
    open_balance_minor: int
    expected_recovery_minor: int
    model_version: str


@dataclass(frozen=True)
class PublishedScore:
    """The last ``debtor.risk_scored`` published for a debtor."""

    version: int
    score: Decimal
    segment: RiskSegment


def as_score(probability: float) -> Decimal:
    return Decimal(repr(min(max(probability, 0.0), 1.0))).quantize(
        FOUR_PLACES, rounding=ROUND_HALF_UP
    )


def expected_recovery(open_minor: int, score: Decimal) -> int:
    return int((Decimal(max(open_minor, 0)) * score).to_integral_value(rounding=ROUND_HALF_UP))


def segment_of(score: Decimal, f: RiskFeatures) -> RiskSegment:
    if not f.enough_history:
        return RiskSegment.INSUFFICIENT_HISTORY
    on_time = f.avg_days_late <= SELF_CURE_DAYS and not f.promises_broken and not f.long_overdue
    if score >= LOW_RISK_FROM:
        return RiskSegment.SELF_CURE if on_time and f.invoices_paid else RiskSegment.LOW_RISK
    return RiskSegment.MEDIUM_RISK if score >= MEDIUM_RISK_FROM else RiskSegment.HIGH_RISK


def _history_factor(f: RiskFeatures) -> Factor:
    settled = f.invoices_paid + f.long_overdue
    words = (
        f"too little history to score: {settled} of the {MIN_HISTORY} settled or long "
        "overdue invoices needed, so the tenant's usual rate is used"
    )
    return Factor("history", words, 0.0)


def score_debtor(
    history: DebtorHistory, as_of: date, model: TrainedModel | None, base_rate: Decimal
) -> DebtorScore:
    """Score ``history`` as known at the end of ``as_of``."""
    f = features_of(history, as_of)
    currency = history.scoring_currency
    if currency is None:
        raise ValueError(f"debtor {history.debtor_id} has no currency and no invoice to score")
    if model is None:
        contributions = scorecard.contributions(f)
        probability = scorecard.probability(f)
        version = scorecard.MODEL_VERSION
    else:
        contributions = model.contributions(f)
        probability = model.probability(f)
        version = model.version
    score = as_score(probability)
    factors = top_factors(contributions, f, currency, limit=TOP_FACTORS)
    if not f.enough_history:
        score = base_rate
        factors = [_history_factor(f), *factors][:MAX_TOP_FACTORS]
    elif not factors:
        factors = top_factors(contributions, f, currency, limit=1) or [_history_factor(f)]
    return DebtorScore(
        tenant_id=history.tenant_id,
        debtor_id=history.debtor_id,
        as_of=as_of,
        score=score,
        segment=segment_of(score, f),
        factors=tuple(factors),
        currency=currency,
        open_balance_minor=f.open_balance_minor,
        expected_recovery_minor=expected_recovery(f.open_balance_minor, score),
        model_version=version,
    )


def should_publish(new: DebtorScore, last: PublishedScore | None) -> bool:
    """A first score, a new segment, or a move of more than the threshold."""
    if last is None:
        return True
    return new.segment != last.segment or abs(new.score - last.score) > SCORE_CHANGE_THRESHOLD
