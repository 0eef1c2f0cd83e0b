"""Escalation's case, plan and settlement events, and analytics' risk score, hold their rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from debtflow_shared.catalog import CATALOG
from debtflow_shared.catalog.analytics import (
    SCORE_CHANGE_THRESHOLD,
    DebtorRiskScored,
    RiskSegment,
)
from debtflow_shared.catalog.escalation import PlanCreated, PromiseMade, SettlementOffered
from debtflow_shared.catalog.examples import examples_of

CASE_AND_PLAN_TOPICS = [
    spec
    for spec in CATALOG
    if spec.topic.split(".")[0] in {"case", "escalation", "promise", "plan", "settlement", "task"}
]


def _example(model: type[Any], **changes: Any) -> dict[str, Any]:
    example: dict[str, Any] = examples_of(model)[0]
    return example | changes


@pytest.mark.parametrize("spec", CASE_AND_PLAN_TOPICS, ids=lambda spec: spec.topic)
def test_case_and_plan_scoped_payloads_carry_the_aggregates_version(spec: Any) -> None:
    assert spec.payload.model_fields["version"].is_required()


@pytest.mark.parametrize("score", ["-0.0001", "1.0001", "2"])
def test_a_risk_score_outside_zero_to_one_is_refused(score: str) -> None:
    with pytest.raises(ValidationError, match="score"):
        DebtorRiskScored.model_validate(_example(DebtorRiskScored, score=score))


@pytest.mark.parametrize("score", ["0", "1", "0.5", "0.0001"])
def test_a_risk_score_from_zero_to_one_is_accepted(score: str) -> None:
    scored = DebtorRiskScored.model_validate(_example(DebtorRiskScored, score=score))
    assert scored.score == Decimal(score)


def test_a_risk_score_is_never_a_float() -> None:
    with pytest.raises(ValidationError, match="never a float"):
        DebtorRiskScored.model_validate(_example(DebtorRiskScored, score=0.62))


def test_a_risk_score_has_at_most_four_decimal_places() -> None:
    with pytest.raises(ValidationError, match="decimal places"):
        DebtorRiskScored.model_validate(_example(DebtorRiskScored, score="0.12345"))


def test_a_risk_segment_outside_the_vocabulary_is_refused() -> None:
    with pytest.raises(ValidationError, match="segment"):
        DebtorRiskScored.model_validate(_example(DebtorRiskScored, segment="risky"))


def test_the_segment_vocabulary_is_documented_word_by_word() -> None:
    assert all(f"``{segment.value}``" in (RiskSegment.__doc__ or "") for segment in RiskSegment)


def test_the_republish_threshold_is_a_decimal_documented_on_the_event() -> None:
    threshold = SCORE_CHANGE_THRESHOLD
    assert isinstance(threshold, Decimal)
    assert threshold == Decimal("0.05")
    assert "SCORE_CHANGE_THRESHOLD" in (DebtorRiskScored.__doc__ or "")


def test_expected_recovery_is_money_in_minor_units() -> None:
    with pytest.raises(ValidationError, match="expected_recovery"):
        DebtorRiskScored.model_validate(
            _example(DebtorRiskScored, expected_recovery={"amount_minor": 818.4, "currency": "GBP"})
        )


def test_plan_installments_must_add_up_to_the_total() -> None:
    with pytest.raises(ValidationError, match="add up"):
        PlanCreated.model_validate(
            _example(PlanCreated, total={"amount_minor": 132001, "currency": "GBP"})
        )


def test_plan_installments_must_fall_due_in_order() -> None:
    example = _example(PlanCreated)
    first, second, third = example["installments"]
    swapped = [first, second | {"due_on": third["due_on"]}, third | {"due_on": second["due_on"]}]
    with pytest.raises(ValidationError, match="one after another"):
        PlanCreated.model_validate(example | {"installments": swapped})


def test_plan_installments_are_in_the_plans_currency() -> None:
    example = _example(PlanCreated)
    euro = [i | {"amount": i["amount"] | {"currency": "EUR"}} for i in example["installments"]]
    with pytest.raises(ValidationError, match="currency"):
        PlanCreated.model_validate(example | {"installments": euro})


def test_a_settlement_is_for_less_than_the_balance_it_settles() -> None:
    with pytest.raises(ValidationError, match="less than"):
        SettlementOffered.model_validate(
            _example(SettlementOffered, amount={"amount_minor": 132000, "currency": "GBP"})
        )


def test_a_case_event_dated_outside_the_business_dates_is_refused() -> None:
    with pytest.raises(ValidationError, match="promised_on"):
        PromiseMade.model_validate(_example(PromiseMade, promised_on="2300-01-01"))
