"""Expected collections for the next 13 weeks (30/60/90 days) from what is open, and a
back-test of the same forecast made as of past days.

Each open invoice is expected to be paid on its due date plus a delay drawn from its
debtor's record: the delays (payment day - due date, early counts negative) of the
invoices the debtor had paid by then, blended with the tenant's as if the tenant's were
:data:`PRIOR_WEIGHT` more of the debtor's own. Invoices open more than
:data:`NEVER_AFTER_DAYS` past due count as delays that never end (money that may not
come). The delay is taken given that the invoice is still unpaid on the forecast day, and
the open amount is spread over the days it would then be paid on; what falls beyond 91
days, or never, is not in the forecast.

The back-test compares, for each past forecast day, each week's expected amount with what
came in that week on the invoices open on that day, as the weighted absolute percentage
error: WAPE = sum |actual - forecast| / sum actual, over every week of every forecast
(MAPE is undefined for a week when nothing came in).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from analytics_svc.domain.payment_history import InvoiceHistory

WEEKS = 13
HORIZON_DAYS = WEEKS * 7  # 91: the 90 days and the rest of the last week
TOTAL_DAYS = (30, 60, 90)
PRIOR_WEIGHT = 3.0
NEVER_AFTER_DAYS = 180
NEVER = None  # the delay of an invoice never paid


@dataclass(frozen=True)
class Week:
    start: date
    end: date
    expected_minor: int


@dataclass(frozen=True)
class Forecast:
    as_of: date
    open_minor: int
    weeks: tuple[Week, ...]
    totals: dict[int, int]  # 30/60/90 days -> expected minor units


@dataclass(frozen=True)
class BacktestPoint:
    as_of: date
    forecast: tuple[int, ...]  # per week
    actual: tuple[int, ...]

    @property
    def absolute_error(self) -> int:
        return sum(abs(a - f) for a, f in zip(self.actual, self.forecast, strict=True))


@dataclass(frozen=True)
class Backtest:
    points: tuple[BacktestPoint, ...]

    @property
    def actual_minor(self) -> int:
        return sum(sum(p.actual) for p in self.points)

    @property
    def absolute_error_minor(self) -> int:
        return sum(p.absolute_error for p in self.points)

    @property
    def wape(self) -> Decimal | None:
        """None when nothing came in over the whole back-test."""
        if self.actual_minor <= 0:
            return None
        return (Decimal(self.absolute_error_minor) / Decimal(self.actual_minor)).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )


Delays = Counter[int | None]


def _delays(invoices: Iterable[InvoiceHistory], as_of: date) -> Delays:
    found: Delays = Counter()
    for invoice in invoices:
        if invoice.issue_date > as_of:
            continue
        paid_on = invoice.paid_on(as_of)
        if paid_on is not None:
            found[(paid_on - invoice.due_date).days] += 1
        elif invoice.open_on(as_of) > 0 and (as_of - invoice.due_date).days > NEVER_AFTER_DAYS:
            found[NEVER] += 1
    return found


def _blend(own: Delays, tenant: Delays) -> dict[int | None, float]:
    weights: dict[int | None, float] = {k: float(v) for k, v in own.items()}
    pool = sum(tenant.values())
    if pool:
        for delay, count in tenant.items():
            weights[delay] = weights.get(delay, 0.0) + PRIOR_WEIGHT * count / pool
    return weights


def _spread(
    invoice: InvoiceHistory, owed: int, delays: dict[int | None, float], as_of: date
) -> dict[int, float]:
    """The open amount spread over the days ahead (1 = the day after ``as_of``)."""
    still_open = (as_of - invoice.due_date).days  # only delays longer than this remain
    possible = {d: w for d, w in delays.items() if d is NEVER or d > still_open}
    total = sum(possible.values())
    if total <= 0:
        return {}
    days: dict[int, float] = {}
    for delay, weight in possible.items():
        if delay is NEVER:
            continue
        ahead = (invoice.due_date + timedelta(days=delay) - as_of).days
        if 1 <= ahead <= HORIZON_DAYS:
            days[ahead] = days.get(ahead, 0.0) + owed * weight / total
    return days


def _minor(value: float) -> int:
    return int(Decimal(repr(value)).to_integral_value(rounding=ROUND_HALF_UP))


def forecast(invoices: Sequence[InvoiceHistory], as_of: date) -> Forecast:
    """Expected collections after ``as_of`` on what is open at its end (one currency)."""
    by_debtor: dict[str, list[InvoiceHistory]] = {}
    for invoice in invoices:
        by_debtor.setdefault(invoice.debtor_id, []).append(invoice)
    tenant = _delays(invoices, as_of)
    daily = [0.0] * (HORIZON_DAYS + 1)
    open_minor = 0
    for own in by_debtor.values():
        delays = _blend(_delays(own, as_of), tenant)
        for invoice in own:
            owed = invoice.open_on(as_of) if invoice.issue_date <= as_of else 0
            if owed <= 0:
                continue
            open_minor += owed
            for ahead, amount in _spread(invoice, owed, delays, as_of).items():
                daily[ahead] += amount
    weeks = tuple(
        Week(
            as_of + timedelta(days=7 * w + 1),
            as_of + timedelta(days=7 * w + 7),
            _minor(sum(daily[7 * w + 1 : 7 * w + 8])),
        )
        for w in range(WEEKS)
    )
    totals = {n: _minor(sum(daily[1 : n + 1])) for n in TOTAL_DAYS}
    return Forecast(as_of, open_minor, weeks, totals)


def actual_by_week(invoices: Sequence[InvoiceHistory], as_of: date) -> tuple[int, ...]:
    """What came in each of the 13 weeks after ``as_of`` on the invoices open then."""
    open_then = [i for i in invoices if i.issue_date <= as_of and i.open_on(as_of) > 0]
    return tuple(
        sum(
            i.collected(as_of + timedelta(days=7 * w + 1), as_of + timedelta(days=7 * w + 7))
            for i in open_then
        )
        for w in range(WEEKS)
    )


def backtest(invoices: Sequence[InvoiceHistory], days: Sequence[date]) -> Backtest:
    """The forecast as of each of ``days`` (from what was known then) against what came in."""
    points = []
    for day in days:
        made = forecast(invoices, day)
        points.append(
            BacktestPoint(
                day, tuple(w.expected_minor for w in made.weeks), actual_by_week(invoices, day)
            )
        )
    return Backtest(tuple(points))


def backtest_days(start: date, end: date, every_days: int) -> list[date]:
    """Forecast days from ``start`` every ``every_days`` to ``end`` at most."""
    found, day = [], start
    while day <= end:
        found.append(day)
        day += timedelta(days=every_days)
    return found
