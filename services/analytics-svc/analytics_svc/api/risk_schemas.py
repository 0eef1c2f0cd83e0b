"""The JSON shapes of scores, the expected-recovery ranking and the model in force."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from analytics_svc.domain import scorecard
from analytics_svc.domain.propensity_model import ModelInForce
from analytics_svc.service_layer.risk_reports import NamedScore
from debtflow_shared.catalog.analytics import FactorEffect, RiskFactor, RiskSegment, Score
from debtflow_shared.catalog.money import Money

_SCORE_EXAMPLE: dict[str, Any] = {
    "debtor_id": "d-1001",
    "name": "Harbour Café Ltd",
    "as_of": "2026-03-25",
    "score": "0.6200",
    "segment": "medium_risk",
    "top_factors": [
        {"factor": "pays 23 days late on average (11 invoices paid)", "effect": "lowers"},
        {"factor": "broke 1 promise to pay", "effect": "lowers"},
        {"factor": "a customer for 3 years", "effect": "raises"},
    ],
    "open_balance": {"amount_minor": 132000, "currency": "GBP"},
    "expected_recovery": {"amount_minor": 81840, "currency": "GBP"},
    "model_version": "ptp-scorecard-1",
}


class RiskScoreOut(BaseModel):
    """A debtor's propensity to pay within 30 days, with its reasons."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SCORE_EXAMPLE]})

    debtor_id: str
    name: str | None = Field(description="null until the debtor's debtor.upserted is seen")
    as_of: date = Field(description="the business day scored (UTC)")
    score: Score
    segment: RiskSegment
    top_factors: list[RiskFactor] = Field(description="most important first")
    open_balance: Money = Field(description="what is open in the debtor's currency")
    expected_recovery: Money = Field(description="open balance x score, half-up")
    model_version: str

    @classmethod
    def of(cls, named: NamedScore) -> RiskScoreOut:
        s = named.score
        return cls(
            debtor_id=s.debtor_id,
            name=named.name,
            as_of=s.as_of,
            score=s.score,
            segment=s.segment,
            top_factors=[
                RiskFactor(
                    factor=f.words,
                    effect=FactorEffect.RAISES if f.raises else FactorEffect.LOWERS,
                )
                for f in s.factors
            ],
            open_balance=Money(amount_minor=s.open_balance_minor, currency=s.currency),
            expected_recovery=Money(amount_minor=s.expected_recovery_minor, currency=s.currency),
            model_version=s.model_version,
        )


class EvaluationOut(BaseModel):
    test_from: date = Field(description="the held-out later period starts on this due date")
    train_examples: int = Field(description="invoices due (with their outcome) before it")
    test_examples: int = Field(description="invoices due in it")
    model_auc: Decimal | None = Field(
        description="the trained model's AUC on the later period (null: too little history)"
    )
    scorecard_auc: Decimal | None = Field(
        description="the scorecard's AUC on the same period (null: only one outcome in it)"
    )


class RiskModelOut(BaseModel):
    """What scores the tenant's debtors and how it did on a later period than it learnt from."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_version": "ptp-lr-2026-03-25",
                    "trained": True,
                    "reason": "trained on the tenant's history",
                    "chosen_on": "2026-03-25",
                    "examples": 2483,
                    "base_rate": "0.6484",
                    "evaluation": {
                        "test_from": "2025-06-28",
                        "train_examples": 1737,
                        "test_examples": 626,
                        "model_auc": "0.9615",
                        "scorecard_auc": "0.9361",
                    },
                }
            ]
        }
    )

    model_version: str
    trained: bool = Field(description="true: the trained model scores; false: the scorecard")
    reason: str
    chosen_on: date | None = Field(description="the day's scoring run that chose it")
    examples: int = Field(description="invoices due at least 30 days, with their outcome")
    base_rate: Score = Field(description="the share of them paid within 30 days of due")
    evaluation: EvaluationOut | None

    @classmethod
    def of(cls, model: ModelInForce | None) -> RiskModelOut:
        if model is None:
            return cls(
                model_version=scorecard.MODEL_VERSION,
                trained=False,
                reason="no scoring run yet",
                chosen_on=None,
                examples=0,
                base_rate=Decimal("0.5000"),
                evaluation=None,
            )
        e = model.choice.evaluation

        def four(value: float | None) -> Decimal | None:
            return None if value is None else Decimal(str(round(value, 4)))

        return cls(
            model_version=model.choice.version,
            trained=model.choice.model is not None,
            reason=model.choice.reason,
            chosen_on=model.chosen_on,
            examples=model.examples,
            base_rate=model.base_rate,
            evaluation=None
            if e is None
            else EvaluationOut(
                test_from=e.test_from,
                train_examples=e.train_examples,
                test_examples=e.test_examples,
                model_auc=four(e.model_auc),
                scorecard_auc=four(e.scorecard_auc),
            ),
        )


class RankedDebtorOut(BaseModel):
    debtor_id: str
    name: str | None
    score: Score
    segment: RiskSegment
    open_balance_minor: int
    expected_recovery_minor: int = Field(description="open balance x score, in minor units")
    top_factor: str = Field(description="the score's most important reason")

    @classmethod
    def of(cls, named: NamedScore) -> RankedDebtorOut:
        s = named.score
        return cls(
            debtor_id=s.debtor_id,
            name=named.name,
            score=s.score,
            segment=s.segment,
            open_balance_minor=s.open_balance_minor,
            expected_recovery_minor=s.expected_recovery_minor,
            top_factor=s.factors[0].words if s.factors else "",
        )
