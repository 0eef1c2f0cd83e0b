"""The model trained on a tenant's own history (scikit-learn), judged on a later period.

Examples (``risk_features.examples_of``) are split by time, never at random: the latest
:data:`TEST_SHARE` of due dates form the held-out period, and training takes only examples
whose 30-day outcome was known before that period began, so nothing from it leaks in. A
logistic regression on standardised features is fitted (deterministic: lbfgs, fixed
``random_state``), and its AUC on the held-out period is reported beside the scorecard's.
It takes over from the scorecard only with enough examples and an AUC at least as good;
it is then fitted again on every example, and kept as plain numbers (coefficients, means,
scales), so scoring needs no pickled object and each contribution is explainable.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

from analytics_svc.domain import scorecard
from analytics_svc.domain.risk_features import FEATURE_NAMES, LABEL_DAYS, Example, RiskFeatures

TEST_SHARE = 0.25
RANDOM_STATE = 0


@dataclass(frozen=True)
class TrainedModel:
    version: str
    intercept: float
    coefficients: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]

    def contributions(self, f: RiskFeatures) -> dict[str, float]:
        """Each feature's share of the log-odds: its coefficient times how far the debtor
        stands from the tenant's average (in standard deviations)."""
        return {
            name: coef * (x - mean) / scale
            for name, coef, x, mean, scale in zip(
                FEATURE_NAMES, self.coefficients, f.vector(), self.means, self.scales, strict=True
            )
        }

    def probability(self, f: RiskFeatures) -> float:
        return _logistic(self.intercept + sum(self.contributions(f).values()))

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TrainedModel:
        data = json.loads(text)
        return cls(
            version=data["version"],
            intercept=data["intercept"],
            coefficients=tuple(data["coefficients"]),
            means=tuple(data["means"]),
            scales=tuple(data["scales"]),
        )


@dataclass(frozen=True)
class Evaluation:
    """How the trained model and the scorecard ranked the held-out later period."""

    test_from: date
    train_examples: int
    test_examples: int
    model_auc: float | None  # None: too few examples to train on
    scorecard_auc: float | None  # None: the period holds only payers, or only non-payers


@dataclass(frozen=True)
class ModelChoice:
    model: TrainedModel | None  # None: the scorecard scores
    evaluation: Evaluation | None
    reason: str

    @property
    def version(self) -> str:
        return self.model.version if self.model else scorecard.MODEL_VERSION


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def fit(examples: Sequence[Example], version: str) -> TrainedModel:
    x = [e.features.vector() for e in examples]
    y = [int(e.paid) for e in examples]
    scaler = StandardScaler().fit(x)
    regression = LogisticRegression(C=1.0, max_iter=1000, random_state=RANDOM_STATE)
    regression.fit(scaler.transform(x), y)
    scales = [float(s) if s > 0 else 1.0 for s in scaler.scale_]
    return TrainedModel(
        version=version,
        intercept=float(regression.intercept_[0]),
        coefficients=tuple(float(c) for c in regression.coef_[0]),
        means=tuple(float(m) for m in scaler.mean_),
        scales=tuple(scales),
    )


def auc(examples: Sequence[Example], scores: Sequence[float]) -> float | None:
    labels = [int(e.paid) for e in examples]
    if len(set(labels)) < 2:
        return None
    return float(roc_auc_score(labels, scores))


def time_split(examples: Sequence[Example]) -> tuple[list[Example], list[Example], date]:
    """(training, held-out later period, the first day of that period)."""
    ordered = sorted(examples, key=lambda e: e.due_date)
    test_from = ordered[min(int(len(ordered) * (1 - TEST_SHARE)), len(ordered) - 1)].due_date
    known_before = test_from - timedelta(days=LABEL_DAYS)
    train = [e for e in ordered if e.due_date < known_before]
    test = [e for e in ordered if e.due_date >= test_from]
    return train, test, test_from


def _both_outcomes(examples: Sequence[Example]) -> bool:
    return len({e.paid for e in examples}) == 2


def choose_model(
    examples: Sequence[Example], *, version: str, min_train: int, min_test: int
) -> ModelChoice:
    """Train on the earlier period, judge on the later one, and say which model scores."""
    if not examples:
        return ModelChoice(None, None, "no invoice has been due for 30 days yet")
    train, test, test_from = time_split(examples)
    scored = auc(test, [scorecard.probability(e.features) for e in test])
    enough = (
        len(train) >= min_train
        and len(test) >= min_test
        and _both_outcomes(train)
        and _both_outcomes(test)
    )
    if not enough:
        evaluation = Evaluation(test_from, len(train), len(test), None, scored)
        reason = (
            f"too little history to train on: {len(train)} earlier and {len(test)} later "
            f"examples with both outcomes (needs {min_train} and {min_test})"
        )
        return ModelChoice(None, evaluation, reason)
    candidate = fit(train, version)
    trained = auc(test, [candidate.probability(e.features) for e in test])
    evaluation = Evaluation(test_from, len(train), len(test), trained, scored)
    if trained is None or (scored is not None and trained < scored):
        return ModelChoice(None, evaluation, "the trained model ranked the later period worse")
    return ModelChoice(fit(examples, version), evaluation, "trained on the tenant's history")


@dataclass(frozen=True)
class ModelInForce:
    """What scores a tenant's debtors, chosen on ``chosen_on``'s scoring run."""

    tenant_id: str
    chosen_on: date
    choice: ModelChoice
    base_rate: Decimal  # the share of examples paid within 30 days (0.5 with none)
    examples: int
