"""Collection KPIs, exactly as PRODUCT.md defines them.

- **DSO (standard)** = ending AR / credit sales of the period x days in the period.
- **DSO (countback)**: from the period end walk back month by month (the end's month up to
  the end, then whole calendar months), taking each month's credit sales off ending AR while
  AR exceeds them and counting the month's days; the rest counts as rest / that month's
  sales x that month's days.
- **BPDSO** = current (not yet due) AR / credit sales x days in the period.
- **ADD** = DSO - BPDSO.
- **CEI** = (beginning AR + credit sales - ending AR) /
  (beginning AR + credit sales - ending current AR) x 100.

Everything is computed exactly with :class:`~decimal.Decimal` from integer minor units and
rounded once, at the end, half-up to two decimal places (ADD from the unrounded DSO and
BPDSO). A figure whose denominator is zero (no sales) is ``None``, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
NO_SALES = "no credit sales in the period"


def rounded(value: Decimal | None) -> Decimal | None:
    """Half-up to two decimal places: how every ratio is reported."""
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MonthSales:
    """A calendar month (or the part of it up to the period end) and its credit sales."""

    start: date
    end: date
    sales_minor: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def months_back(end: date, daily_sales: Mapping[date, int]) -> tuple[MonthSales, ...]:
    """The months from ``end``'s back to the earliest day with sales, newest first, each
    with its credit sales (``daily_sales``: sales by day; days after ``end`` are ignored)."""
    by_month: dict[tuple[int, int], int] = {}
    for day, sales in daily_sales.items():
        if day <= end:
            by_month[(day.year, day.month)] = by_month.get((day.year, day.month), 0) + sales
    earliest = min((d for d in daily_sales if d <= end), default=end)
    segments = []
    segment_end = end
    while segment_end >= earliest.replace(day=1):
        start = segment_end.replace(day=1)
        sales = by_month.get((start.year, start.month), 0)
        segments.append(MonthSales(start, segment_end, sales))
        segment_end = start - timedelta(days=1)
    return tuple(segments)


def period_days(start: date, end: date) -> int:
    return (end - start).days + 1


def standard_dso(ending_ar: int, credit_sales: int, days: int) -> Decimal | None:
    if credit_sales == 0:
        return None
    return Decimal(ending_ar) / Decimal(credit_sales) * days


def countback_dso(ending_ar: int, months: Sequence[MonthSales]) -> Decimal | None:
    """Countback over ``months`` (newest first); None if AR outlasts every month given."""
    remaining = Decimal(ending_ar)
    days = Decimal(0)
    for month in months:
        if remaining <= 0:
            break
        if remaining > month.sales_minor:
            days += month.days
            remaining -= month.sales_minor
        else:
            days += remaining / Decimal(month.sales_minor) * month.days
            remaining = Decimal(0)
    return days if remaining <= 0 else None


def cei(
    beginning_ar: int, credit_sales: int, ending_ar: int, ending_current_ar: int
) -> Decimal | None:
    denominator = beginning_ar + credit_sales - ending_current_ar
    if denominator == 0:
        return None
    return Decimal(beginning_ar + credit_sales - ending_ar) / Decimal(denominator) * HUNDRED


@dataclass(frozen=True)
class PeriodFigures:
    """What the KPIs of one period are computed from (minor units of one currency)."""

    start: date
    end: date
    beginning_ar: int
    ending_ar: int
    ending_current_ar: int
    credit_sales: int
    months: tuple[MonthSales, ...] = ()  # newest first, for the countback


@dataclass(frozen=True)
class Kpis:
    figures: PeriodFigures
    days: int
    dso: Decimal | None
    countback_dso: Decimal | None
    bpdso: Decimal | None
    add: Decimal | None
    cei: Decimal | None
    notes: tuple[str, ...] = field(default=())


def kpis(figures: PeriodFigures) -> Kpis:
    """Every KPI of the period, exact (round with :func:`rounded` to report)."""
    days = period_days(figures.start, figures.end)
    dso = standard_dso(figures.ending_ar, figures.credit_sales, days)
    bpdso = standard_dso(figures.ending_current_ar, figures.credit_sales, days)
    countback = countback_dso(figures.ending_ar, figures.months)
    effectiveness = cei(
        figures.beginning_ar, figures.credit_sales, figures.ending_ar, figures.ending_current_ar
    )
    notes = []
    if figures.credit_sales == 0:
        notes.append(f"dso, bpdso, add: {NO_SALES}")
    if countback is None:
        notes.append("countback_dso: ending AR exceeds every month's credit sales recorded")
    if effectiveness is None:
        notes.append("cei: beginning AR + credit sales - ending current AR is zero")
    return Kpis(
        figures=figures,
        days=days,
        dso=dso,
        countback_dso=countback,
        bpdso=bpdso,
        add=None if dso is None or bpdso is None else dso - bpdso,
        cei=effectiveness,
        notes=tuple(notes),
    )
