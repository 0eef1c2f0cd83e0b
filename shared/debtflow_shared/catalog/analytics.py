"""Scores analytics-svc publishes (it owns read models, scores and forecasts)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from debtflow_shared.catalog.common import ONE_LINE, EntityId, Version
from debtflow_shared.catalog.examples import showing
from debtflow_shared.catalog.instants import UtcInstant
from debtflow_shared.catalog.money import NonNegativeMoney
from debtflow_shared.catalog.registry import EventPayload, event

SCORE_CHANGE_THRESHOLD = Decimal("0.05")
"""A debtor's score is published again only when its segment changes or the score moves by
more than this (five percentage points of probability): smaller moves are noise that would
only reshuffle collectors' queues."""

MAX_TOP_FACTORS = 5


def _not_a_float(value: Any) -> Any:
    # A binary float cannot hold 0.62 exactly: the wire form is a decimal string ("0.6200").
    if isinstance(value, float | bool):
        raise ValueError('a score is a decimal string such as "0.6200", never a float')
    return value


Score = Annotated[
    Decimal,
    BeforeValidator(_not_a_float),
    Field(
        ge=0,
        le=1,
        max_digits=5,
        decimal_places=4,
        description="a probability from 0 to 1, at most four decimal places (never a float)",
        examples=["0.6200"],
    ),
]


class RiskSegment(StrEnum):
    """The fixed vocabulary of debtor segments (escalation's segment rules name them).

    - ``self_cure``: pays on time or soon after without being chased; reminders only.
    - ``low_risk``: likely to pay when reminded (score 0.70 or more).
    - ``medium_risk``: pays after firmer steps (score from 0.40 to under 0.70).
    - ``high_risk``: unlikely to pay without collector contact (score under 0.40).
    - ``insufficient_history``: too little payment history to score with confidence; the
      score is the tenant's base rate.
    """

    SELF_CURE = "self_cure"
    LOW_RISK = "low_risk"
    MEDIUM_RISK = "medium_risk"
    HIGH_RISK = "high_risk"
    INSUFFICIENT_HISTORY = "insufficient_history"


class FactorEffect(StrEnum):
    RAISES = "raises"
    LOWERS = "lowers"


class RiskFactor(BaseModel):
    """One reason for the score, in words a collector reads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    factor: Annotated[str, Field(min_length=1, max_length=300), ONE_LINE] = Field(
        examples=["paid the last 4 invoices within 10 days of a reminder"]
    )
    effect: FactorEffect = Field(description="whether it raises or lowers the score")


@event("debtor.risk_scored", producer="analytics-svc")
class DebtorRiskScored(EventPayload):
    """A debtor's propensity to pay, segment, expected recovery and top factors.

    ``score`` is the probability that the debtor pays within 30 days if contacted.
    ``expected_recovery`` is what of the open balance that is expected to bring in, in the
    debtor's currency. Published when the segment changes or the score moves by more than
    :data:`SCORE_CHANGE_THRESHOLD` (0.05) since the last published score; ``version`` counts
    the debtor's published scores, so a replayed older one is ignored. Escalation orders its
    task queue by it.
    """

    model_config = showing(
        {
            "debtor_id": "d-1001",
            "version": 3,
            "score": "0.6200",
            "segment": "medium_risk",
            "previous_score": "0.7400",
            "previous_segment": "low_risk",
            "top_factors": [
                {"factor": "two invoices more than 30 days overdue", "effect": "lowers"},
                {"factor": "a broken promise to pay in March", "effect": "lowers"},
                {"factor": "paid 11 of the last 12 invoices", "effect": "raises"},
            ],
            "expected_recovery": {"amount_minor": 81840, "currency": "GBP"},
            "model_version": "ptp-2026.02",
            "scored_at": "2026-03-25T02:00:00Z",
        }
    )

    debtor_id: EntityId
    version: Version = Field(description="the debtor's published-score count")
    score: Score
    segment: RiskSegment
    previous_score: Score | None = Field(default=None, description="null for the first score")
    previous_segment: RiskSegment | None = None
    top_factors: tuple[RiskFactor, ...] = Field(
        min_length=1, max_length=MAX_TOP_FACTORS, description="most important first"
    )
    expected_recovery: NonNegativeMoney
    model_version: Annotated[str, Field(min_length=1, max_length=100), ONE_LINE] = Field(
        examples=["ptp-2026.02"]
    )
    scored_at: UtcInstant
