"""Propensity-to-pay scoring on a generated history (``payment_behaviour.py``): the score
ranks chronic late payers below prompt payers, the model trained on the earlier period
beats the scorecard on the later one, every score says why in words, and a score is
published again only on a segment change or a move of more than the threshold."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from statistics import median

from analytics_svc.domain import scorecard
from analytics_svc.domain.propensity import (
    PublishedScore,
    expected_recovery,
    score_debtor,
    should_publish,
)
from analytics_svc.domain.propensity_model import TrainedModel, choose_model, fit, time_split
from analytics_svc.domain.risk_features import LABEL_DAYS, Example, examples_of
from debtflow_shared.catalog.analytics import RiskSegment
from tests.analytics_svc.payment_behaviour import GeneratedDebtor, Habit, generate

TODAY = date(2026, 1, 15)
HALF = Decimal("0.5")


def history_examples(debtors: list[GeneratedDebtor]) -> list[Example]:
    found = []
    for debtor in debtors:
        found.extend(examples_of(debtor.history(TODAY), TODAY))
    return found


def scores_by_habit(
    debtors: list[GeneratedDebtor], model: TrainedModel | None = None
) -> dict[Habit, list[Decimal]]:
    by_habit: dict[Habit, list[Decimal]] = {}
    for debtor in debtors:
        scored = score_debtor(debtor.history(TODAY), TODAY, model, HALF)
        by_habit.setdefault(debtor.habit, []).append(scored.score)
    return by_habit


def ranked_above(high: list[Decimal], low: list[Decimal]) -> float:
    """The share of (high, low) pairs in which the first scores above the second."""
    pairs = [(h, lo) for h in high for lo in low]
    return sum(1.0 if h > lo else 0.5 if h == lo else 0.0 for h, lo in pairs) / len(pairs)


def test_the_scorecard_ranks_chronic_late_payers_below_prompt_payers() -> None:
    by_habit = scores_by_habit(generate(120, 24))
    prompt, chronic = by_habit[Habit.PROMPT], by_habit[Habit.CHRONIC]
    assert ranked_above(prompt, chronic) > 0.95
    assert max(chronic) < median(prompt)


def test_the_trained_model_ranks_chronic_late_payers_below_prompt_payers() -> None:
    debtors = generate(120, 24)
    choice = choose_model(history_examples(debtors), version="t", min_train=200, min_test=50)
    assert choice.model is not None
    by_habit = scores_by_habit(debtors, choice.model)
    prompt, chronic = by_habit[Habit.PROMPT], by_habit[Habit.CHRONIC]
    assert ranked_above(prompt, chronic) > 0.95
    assert max(chronic) < median(prompt)


def test_the_trained_model_beats_the_scorecards_auc_on_the_held_out_later_period() -> None:
    choice = choose_model(
        history_examples(generate(120, 24)), version="t", min_train=200, min_test=50
    )
    evaluation = choice.evaluation
    assert evaluation is not None
    assert choice.model is not None
    assert evaluation.model_auc is not None
    assert evaluation.scorecard_auc is not None
    assert evaluation.model_auc > evaluation.scorecard_auc
    assert evaluation.scorecard_auc > 0.7  # the scorecard is a fair yardstick, not a strawman
    assert evaluation.test_examples >= 50
    assert evaluation.train_examples >= 200


def test_the_held_out_period_is_later_than_every_outcome_trained_on() -> None:
    train, test, test_from = time_split(history_examples(generate(60, 24)))
    assert train
    assert test
    assert max(e.due_date for e in train) + timedelta(days=LABEL_DAYS) < test_from
    assert min(e.due_date for e in test) >= test_from


def test_with_too_little_history_the_scorecard_scores_and_says_why() -> None:
    choice = choose_model(
        history_examples(generate(8, 6)), version="t", min_train=500, min_test=100
    )
    assert choice.model is None
    assert choice.version == scorecard.MODEL_VERSION
    assert "too little history" in choice.reason


def test_training_twice_gives_the_same_model() -> None:
    examples = history_examples(generate(40, 18))
    assert fit(examples, "t").to_json() == fit(examples, "t").to_json()


def test_a_chronic_late_payers_score_names_its_lateness_and_broken_promises_in_words() -> None:
    chronic = next(d for d in generate(120, 24) if d.habit is Habit.CHRONIC and d.promises)
    scored = score_debtor(chronic.history(TODAY), TODAY, None, HALF)
    words = [f.words for f in scored.factors]
    assert scored.segment is RiskSegment.HIGH_RISK
    assert any("days late on average" in w for w in words), words
    assert all(not f.raises for f in scored.factors[:2])
    assert 1 <= len(scored.factors) <= 3


def test_a_prompt_payer_is_self_cure_and_told_it_pays_on_time() -> None:
    prompt = next(d for d in generate(60, 24) if d.habit is Habit.PROMPT)
    scored = score_debtor(prompt.history(TODAY), TODAY, None, HALF)
    assert scored.segment is RiskSegment.SELF_CURE
    assert any(f.raises and "on time" in f.words for f in scored.factors)


def test_a_debtor_with_little_history_scores_the_base_rate_and_says_so() -> None:
    newcomer = generate(1, 2)[0]
    scored = score_debtor(newcomer.history(date(2024, 3, 15)), date(2024, 3, 15), None, HALF)
    assert scored.segment is RiskSegment.INSUFFICIENT_HISTORY
    assert scored.score == HALF
    assert "too little history" in scored.factors[0].words


def test_expected_recovery_is_the_open_balance_times_the_score_in_minor_units() -> None:
    assert expected_recovery(132_000, Decimal("0.6200")) == 81_840
    assert expected_recovery(333, Decimal("0.5015")) == 167  # 166.9995, half-up
    assert expected_recovery(0, Decimal("0.9")) == 0


def test_a_score_is_published_on_a_segment_change_and_not_on_a_small_move() -> None:
    prompt = next(d for d in generate(60, 24) if d.habit is Habit.PROMPT)
    scored = score_debtor(prompt.history(TODAY), TODAY, None, HALF)
    assert scored.segment is RiskSegment.SELF_CURE
    same = PublishedScore(1, scored.score - Decimal("0.05"), scored.segment)
    assert not should_publish(scored, same)  # exactly the threshold is a small move
    moved = PublishedScore(1, scored.score - Decimal("0.0501"), scored.segment)
    assert should_publish(scored, moved)
    other_segment = PublishedScore(1, scored.score, RiskSegment.MEDIUM_RISK)
    assert should_publish(scored, other_segment)
    assert should_publish(scored, None)
