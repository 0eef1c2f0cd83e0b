"""What a propensity-to-pay score reads of a debtor's history, as known at the end of a day.

The same features feed the scorecard and the trained model, and each has its words
(``domain/risk_factors.py``). Days late are counted from the due date to the day a payment
settled the invoice (never negative: early is on time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from analytics_svc.domain.payment_history import DebtorHistory

RECENT = 3  # the trend compares the last three invoices paid with those paid before them
MIN_HISTORY = 3
"""Fewer settled (or long overdue) invoices than this is too little history to score."""
LONG_OVERDUE_DAYS = 30
LABEL_DAYS = 30
"""The score is the probability that what falls due is paid within this many days."""


@dataclass(frozen=True)
class RiskFeatures:
    invoices_paid: int
    invoices_paid_late: int
    avg_days_late: float
    days_late_trend: float  # recent minus earlier average days late (positive: later now)
    promises_broken: int
    promises_kept: int
    disputes: int
    open_balance_minor: int  # in the scoring currency
    overdue_days: int  # the most days past due of an open invoice
    exposure: float | None  # open balance / credit limit, if the debtor has one
    relationship_days: int  # since the first invoice was issued
    long_overdue: int  # open invoices more than 30 days past due

    @property
    def share_paid_late(self) -> float:
        return self.invoices_paid_late / self.invoices_paid if self.invoices_paid else 0.0

    @property
    def enough_history(self) -> bool:
        return self.invoices_paid + self.long_overdue >= MIN_HISTORY

    def vector(self) -> list[float]:
        """The features as the trained model reads them (order: :data:`FEATURE_NAMES`)."""
        return [
            self.avg_days_late,
            self.days_late_trend,
            self.share_paid_late,
            float(min(self.promises_broken, 5)),
            float(min(self.promises_kept, 5)),
            float(min(self.disputes, 5)),
            math.log10(1 + max(self.open_balance_minor, 0)),
            float(min(self.overdue_days, 365)),
            min(self.exposure, 5.0) if self.exposure is not None else 0.0,
            math.log1p(self.relationship_days),
        ]


FEATURE_NAMES = (
    "avg_days_late",
    "days_late_trend",
    "share_paid_late",
    "promises_broken",
    "promises_kept",
    "disputes",
    "open_balance",
    "overdue_days",
    "exposure",
    "relationship_age",
)


def features_of(history: DebtorHistory, known_through: date) -> RiskFeatures:
    """The debtor's features from what had happened by the end of ``known_through``."""
    currency = history.scoring_currency
    paid: list[tuple[date, int]] = []
    open_balance = overdue_days = long_overdue = 0
    first_issue: date | None = None
    for invoice in history.invoices:
        if invoice.issue_date > known_through:
            continue
        first_issue = min(first_issue or invoice.issue_date, invoice.issue_date)
        paid_on = invoice.paid_on(known_through)
        if paid_on is not None:
            paid.append((paid_on, max((paid_on - invoice.due_date).days, 0)))
            continue
        owed = invoice.open_on(known_through)
        if owed <= 0:
            continue
        if invoice.currency == currency:
            open_balance += owed
        past_due = (known_through - invoice.due_date).days
        overdue_days = max(overdue_days, past_due)
        long_overdue += past_due > LONG_OVERDUE_DAYS
    paid.sort()
    late = [days for _, days in paid]
    trend = 0.0
    if len(late) > RECENT:
        trend = fmean(late[-RECENT:]) - fmean(late[:-RECENT])
    limit = history.credit_limit_minor
    return RiskFeatures(
        invoices_paid=len(late),
        invoices_paid_late=sum(1 for days in late if days > 0),
        avg_days_late=fmean(late) if late else 0.0,
        days_late_trend=trend,
        promises_broken=sum(
            1
            for p in history.promises
            if p.outcome == "broken" and p.closed_on and p.closed_on <= known_through
        ),
        promises_kept=sum(
            1
            for p in history.promises
            if p.outcome == "kept" and p.closed_on and p.closed_on <= known_through
        ),
        disputes=sum(1 for day in history.disputes_opened if day <= known_through),
        open_balance_minor=open_balance,
        overdue_days=max(overdue_days, 0),
        exposure=open_balance / limit if limit else None,
        relationship_days=(known_through - first_issue).days if first_issue else 0,
        long_overdue=long_overdue,
    )


@dataclass(frozen=True)
class Example:
    """One invoice falling due: the debtor's features the day before, and whether a payment
    settled the invoice within :data:`LABEL_DAYS` of its due date."""

    due_date: date
    features: RiskFeatures
    paid: bool


def examples_of(history: DebtorHistory, known_through: date) -> list[Example]:
    """Every invoice whose 30 days after due had passed by ``known_through`` (invoices
    settled without a payment, by credit note or cancellation, teach nothing and are left
    out)."""
    found = []
    for invoice in history.invoices:
        window_end = invoice.due_date + timedelta(days=LABEL_DAYS)
        if window_end > known_through:
            continue
        settled = invoice.settled(window_end)
        if settled is not None and not settled[1]:
            continue
        before = invoice.due_date - timedelta(days=1)
        found.append(Example(invoice.due_date, features_of(history, before), settled is not None))
    return found
