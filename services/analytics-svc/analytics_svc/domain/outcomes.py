"""Collection outcome rates over a period, from lifecycles (``domain/lifecycles.py``).

- **Promise-kept rate** = promises kept / promises due (due in the period: ``promised_on``
  in it); a promise due but neither kept nor broken yet counts as due, not kept.
- **Plan completion rate** = plans completed / plans ended (completed or defaulted), of the
  plans created in the period.
- **Settlement acceptance** = settlements accepted / offered, of those offered in the period.
- **Dispute rate** = invoices issued in the period that were disputed / invoices issued in
  it; **resolution time**: the median days from opening to closing of the disputes closed in
  the period.
- **Cure rate** = cases resolved by payment / cases opened, of the cases opened in the period.
- **Amounts handed off**: per currency, what the cases handed off in the period still owed.

Rates are fractions, exact, ``None`` when nothing was counted (the kind's events have not
appeared yet).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from analytics_svc.domain.lifecycles import Lifecycle, LifecycleKind


def _rate(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else Decimal(part) / whole


def _median(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return Decimal(ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class Outcomes:
    promises_due: int
    promises_kept: int
    promises_broken: int
    plans_created: int
    plans_completed: int
    plans_defaulted: int
    settlements_offered: int
    settlements_accepted: int
    settlements_lapsed: int
    invoices_issued: int
    invoices_disputed: int
    disputes_closed: int
    median_dispute_days: Decimal | None
    cases_opened: int
    cases_paid: int
    hand_offs: int
    handed_off_minor: dict[str, int] = field(default_factory=dict)

    @property
    def promise_kept_rate(self) -> Decimal | None:
        return _rate(self.promises_kept, self.promises_due)

    @property
    def plan_completion_rate(self) -> Decimal | None:
        return _rate(self.plans_completed, self.plans_completed + self.plans_defaulted)

    @property
    def settlement_acceptance_rate(self) -> Decimal | None:
        return _rate(self.settlements_accepted, self.settlements_offered)

    @property
    def dispute_rate(self) -> Decimal | None:
        return _rate(self.invoices_disputed, self.invoices_issued)

    @property
    def cure_rate(self) -> Decimal | None:
        return _rate(self.cases_paid, self.cases_opened)


def _within(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def outcomes(
    lifecycles: Iterable[Lifecycle], issued_invoices: set[str], start: date, end: date
) -> Outcomes:
    """The period's outcomes; ``issued_invoices``: the invoices issued in the period."""
    by_kind: dict[LifecycleKind, list[Lifecycle]] = {kind: [] for kind in LifecycleKind}
    for item in lifecycles:
        by_kind[item.kind].append(item)
    promises = [p for p in by_kind[LifecycleKind.PROMISE] if _within(p.due_on, start, end)]
    plans = [p for p in by_kind[LifecycleKind.PLAN] if _within(p.opened_on, start, end)]
    offers = [s for s in by_kind[LifecycleKind.SETTLEMENT] if _within(s.opened_on, start, end)]
    disputes = by_kind[LifecycleKind.DISPUTE]
    closed = [
        (d.closed_on - d.opened_on).days
        for d in disputes
        if d.opened_on is not None and d.closed_on is not None and _within(d.closed_on, start, end)
    ]
    cases = [c for c in by_kind[LifecycleKind.CASE] if _within(c.opened_on, start, end)]
    hand_offs = [h for h in by_kind[LifecycleKind.HAND_OFF] if _within(h.opened_on, start, end)]
    handed: dict[str, int] = {}
    for h in hand_offs:
        if h.currency is not None and h.amount_minor is not None:
            handed[h.currency] = handed.get(h.currency, 0) + h.amount_minor
    disputed_invoices = {d.subject_id for d in disputes if d.subject_id in issued_invoices}
    return Outcomes(
        promises_due=len(promises),
        promises_kept=sum(p.outcome == "kept" for p in promises),
        promises_broken=sum(p.outcome == "broken" for p in promises),
        plans_created=len(plans),
        plans_completed=sum(p.outcome == "completed" for p in plans),
        plans_defaulted=sum(p.outcome == "defaulted" for p in plans),
        settlements_offered=len(offers),
        settlements_accepted=sum(s.outcome == "accepted" for s in offers),
        settlements_lapsed=sum(s.outcome == "lapsed" for s in offers),
        invoices_issued=len(issued_invoices),
        invoices_disputed=len(disputed_invoices),
        disputes_closed=len(closed),
        median_dispute_days=_median(closed),
        cases_opened=len(cases),
        cases_paid=sum(c.outcome == "paid" for c in cases),
        hand_offs=len({h.subject_id for h in hand_offs}),
        handed_off_minor=dict(sorted(handed.items())),
    )
