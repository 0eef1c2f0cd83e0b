"""The transparent scorecard: fixed points per feature, for a tenant with too little history
to train a model on (and the yardstick the trained model must beat).

Each line adds log-odds to a base of :data:`BASE` (a debtor with no marks either way, about
a 73% chance of paying); the score is the logistic of the sum. A collector can check every
line by hand: the points below are the whole model.
"""

from __future__ import annotations

import math

from analytics_svc.domain.risk_features import RiskFeatures

MODEL_VERSION = "ptp-scorecard-1"
BASE = 1.0


def contributions(f: RiskFeatures) -> dict[str, float]:
    """Each feature's points (log-odds; positive raises the score)."""
    relationship = 0.3 if f.relationship_days >= 365 else -0.3 if f.relationship_days < 90 else 0
    return {
        # 0.05 per day late on average beyond five days (up to 90), credit for fewer.
        "avg_days_late": -0.05 * (min(f.avg_days_late, 90.0) - 5.0) if f.invoices_paid else 0.0,
        "days_late_trend": -0.02 * max(min(f.days_late_trend, 60.0), -60.0),
        "share_paid_late": -1.0 * (f.share_paid_late - 0.3) if f.invoices_paid else 0.0,
        "promises_broken": -0.6 * min(f.promises_broken, 5),
        "promises_kept": 0.3 * min(f.promises_kept, 5),
        "disputes": -0.25 * min(f.disputes, 5),
        "overdue_days": -0.01 * min(f.overdue_days, 180),
        "exposure": -0.8 * min(max((f.exposure or 0.0) - 1.0, 0.0), 2.0),
        "relationship_age": relationship,
    }


def log_odds(f: RiskFeatures) -> float:
    return BASE + sum(contributions(f).values())


def probability(f: RiskFeatures) -> float:
    return 1.0 / (1.0 + math.exp(-log_odds(f)))
