"""The statistics behind what works: Newcombe's interval and payment within N days."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from analytics_svc.domain.effectiveness import (
    Dimension,
    TouchOutcome,
    four_places,
    group,
    newcombe_difference,
)


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, table II, method 10.
        ((56, 70), (48, 80), "0.0524", "0.3339"),
        ((9, 10), (3, 10), "0.1705", "0.8090"),
        ((5, 56), (0, 29), "-0.0381", "0.1926"),
    ],
)
def test_the_interval_matches_newcombes_published_method_10_values(
    a: tuple[int, int], b: tuple[int, int], low: str, high: str
) -> None:
    result = newcombe_difference(a[0], a[1], b[0], b[1])
    assert (four_places(result.interval.low), four_places(result.interval.high)) == (
        Decimal(low),
        Decimal(high),
    )


def test_a_planted_difference_is_significant_and_equal_rates_are_not() -> None:
    assert newcombe_difference(18, 30, 6, 30).significant
    assert not newcombe_difference(12, 30, 12, 30).significant
    assert not newcombe_difference(3, 5, 1, 5).significant  # too few touches to tell


def outcome(paid_after: int | None, step: str | None = "s") -> TouchOutcome:
    on = date(2026, 3, 2)
    paid = None if paid_after is None else on + timedelta(days=paid_after)
    return TouchOutcome(on, paid, step, None, None, None, None)


def test_only_money_within_n_days_of_the_touch_counts_and_the_median_is_of_those_paid() -> None:
    (result,) = group(
        [outcome(0), outcome(3), outcome(14), outcome(15), outcome(None)], Dimension.STEP, 14
    )
    assert (result.touches, result.paid) == (5, 3)
    assert result.median_days_to_pay == Decimal(3)
    assert four_places(result.rate) == Decimal("0.6000")


def test_touches_are_grouped_by_value_with_unknown_last() -> None:
    results = group([outcome(1, "b"), outcome(1, "a"), outcome(1, None)], Dimension.STEP, 14)
    assert [r.value for r in results] == ["a", "b", None]
