"""What works: how often, and how fast, debtors paid after each kind of touch.

A touch *led to payment within N days* when money (a payment or account credit) reached one
of its invoices on the touch's day or in the N days after it; *days to pay* counts from the
touch to the first such payment. Touches are grouped by one dimension (step, channel,
template, tone or variant). Two variants are compared by the difference of their payment
rates with Newcombe's hybrid score interval (his method 10: Wilson intervals of each rate
combined), which keeps its coverage for small samples and rates near 0 or 1, where the
Wald interval does not. Computed in :class:`~decimal.Decimal`; rates are reported as
fractions rounded half-up to 4 places, days to 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

Z_95 = Decimal("1.959963984540054")
"""The standard normal quantile of a two-sided 95 % interval."""
FOUR_PLACES = Decimal("0.0001")


class Dimension(StrEnum):
    STEP = "step"
    CHANNEL = "channel"
    TEMPLATE = "template"
    TONE = "tone"
    VARIANT = "variant"


@dataclass(frozen=True)
class TouchOutcome:
    touched_on: date
    first_payment_on: date | None
    step: str | None
    channel: str | None
    template_key: str | None
    tone: str | None
    variant: str | None

    def value(self, dimension: Dimension) -> str | None:
        attribute = "template_key" if dimension is Dimension.TEMPLATE else dimension.value
        value: str | None = getattr(self, attribute)
        return value

    def days_to_pay(self, within_days: int) -> int | None:
        if self.first_payment_on is None:
            return None
        days = (self.first_payment_on - self.touched_on).days
        return days if 0 <= days <= within_days else None


@dataclass(frozen=True)
class GroupResult:
    value: str | None
    touches: int
    paid: int
    median_days_to_pay: Decimal | None

    @property
    def rate(self) -> Decimal | None:
        return None if self.touches == 0 else Decimal(self.paid) / self.touches


def _median(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return Decimal(ordered[middle - 1] + ordered[middle]) / 2


def group(
    outcomes: Iterable[TouchOutcome], dimension: Dimension, within_days: int
) -> list[GroupResult]:
    """One result per value of ``dimension`` (None: touches that do not say), by value."""
    days: dict[str | None, list[int | None]] = {}
    for outcome in outcomes:
        days.setdefault(outcome.value(dimension), []).append(outcome.days_to_pay(within_days))
    results = []
    for value in sorted(days, key=lambda v: (v is None, v or "")):
        paid = [d for d in days[value] if d is not None]
        results.append(GroupResult(value, len(days[value]), len(paid), _median(paid)))
    return results


@dataclass(frozen=True)
class Interval:
    low: Decimal
    high: Decimal


def wilson(successes: int, trials: int, z: Decimal = Z_95) -> Interval:
    """Wilson's score interval of a proportion."""
    if trials == 0:
        return Interval(Decimal(0), Decimal(1))
    with localcontext() as context:
        context.prec = 40
        n = Decimal(trials)
        p = Decimal(successes) / n
        z2 = z * z
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt()
        return Interval(max(Decimal(0), centre - half), min(Decimal(1), centre + half))


@dataclass(frozen=True)
class Difference:
    """Rate of a minus rate of b, with its 95 % Newcombe hybrid score interval."""

    difference: Decimal
    interval: Interval

    @property
    def significant(self) -> bool:
        return self.interval.low > 0 or self.interval.high < 0


def newcombe_difference(paid_a: int, touches_a: int, paid_b: int, touches_b: int) -> Difference:
    """Newcombe (1998), method 10; None-free: an empty group has the interval [0, 1]."""
    with localcontext() as context:
        context.prec = 40
        p1 = Decimal(paid_a) / touches_a if touches_a else Decimal(0)
        p2 = Decimal(paid_b) / touches_b if touches_b else Decimal(0)
        a, b = wilson(paid_a, touches_a), wilson(paid_b, touches_b)
        d = p1 - p2
        low = d - ((p1 - a.low) ** 2 + (b.high - p2) ** 2).sqrt()
        high = d + ((a.high - p1) ** 2 + (p2 - b.low) ** 2).sqrt()
        return Difference(d, Interval(low, high))


def to_four_places(value: Decimal) -> Decimal:
    """Half-up to 4 places: how rates and their differences are reported."""
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def four_places(value: Decimal | None) -> Decimal | None:
    return None if value is None else to_four_places(value)
