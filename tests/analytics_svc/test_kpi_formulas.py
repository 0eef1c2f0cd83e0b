"""The KPI formulas against PRODUCT.md's worked example and cases worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from analytics_svc.domain.kpis import (
    MonthSales,
    PeriodFigures,
    countback_dso,
    kpis,
    months_back,
    rounded,
)

POUND = 100  # minor units


def worked_example() -> PeriodFigures:
    # PRODUCT.md: 90 days, sales 900,000.00, beginning AR 250,000.00, ending AR 300,000.00
    # of which 200,000.00 current.
    return PeriodFigures(
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        beginning_ar=250_000 * POUND,
        ending_ar=300_000 * POUND,
        ending_current_ar=200_000 * POUND,
        credit_sales=900_000 * POUND,
    )


def test_the_product_worked_example_gives_dso_30_bpdso_20_add_10_and_cei_89_47() -> None:
    result = kpis(worked_example())
    assert result.days == 90
    assert rounded(result.dso) == Decimal("30.00")
    assert rounded(result.bpdso) == Decimal("20.00")
    assert rounded(result.add) == Decimal("10.00")
    assert rounded(result.cei) == Decimal("89.47")  # 850,000 / 950,000 x 100 = 89.4736...


def test_countback_walks_back_over_a_leap_february_and_two_31_day_months() -> None:
    # AR 250,000 at 31 Mar 2024: March's 100,000 (31 days) and leap February's 120,000
    # (29 days) are used up, leaving 30,000 of January's 90,000: 30/90 x 31 = 10.333...
    daily = {
        date(2024, 3, 10): 100_000 * POUND,
        date(2024, 2, 5): 120_000 * POUND,
        date(2024, 1, 20): 90_000 * POUND,
    }
    months = months_back(date(2024, 3, 31), daily)
    assert [(m.start, m.days) for m in months] == [
        (date(2024, 3, 1), 31),
        (date(2024, 2, 1), 29),
        (date(2024, 1, 1), 31),
    ]
    result = countback_dso(250_000 * POUND, months)
    assert rounded(result) == Decimal("70.33")  # 31 + 29 + 10.33


def test_countback_counts_a_period_ending_mid_month_by_the_days_up_to_its_end() -> None:
    # 15 April: April 1-15 sold 50,000 (15 days), March 310,000 (31 days). AR 100,000:
    # 15 days, then 50,000 / 310,000 x 31 = 5 days.
    daily = {date(2026, 4, 3): 50_000 * POUND, date(2026, 3, 9): 310_000 * POUND}
    result = countback_dso(100_000 * POUND, months_back(date(2026, 4, 15), daily))
    assert rounded(result) == Decimal("20.00")


def test_countback_of_the_worked_example_months() -> None:
    # Ending AR 300,000 at 31 Mar 2026; March sold 200,000, February 200,000 (28 days):
    # 31 + 100/200 x 28 = 45 days.
    months = (
        MonthSales(date(2026, 3, 1), date(2026, 3, 31), 200_000 * POUND),
        MonthSales(date(2026, 2, 1), date(2026, 2, 28), 200_000 * POUND),
        MonthSales(date(2026, 1, 1), date(2026, 1, 31), 500_000 * POUND),
    )
    assert countback_dso(300_000 * POUND, months) == Decimal(45)


def test_a_period_with_no_sales_has_no_dso_bpdso_or_add_but_a_cei_and_a_countback() -> None:
    # March 2026 sold nothing; AR fell from 100,000 to 60,000, all of it overdue.
    # CEI = (100,000 + 0 - 60,000) / (100,000 + 0 - 0) x 100 = 40.
    # Countback: March 0 sales -> 31 days; February sold 80,000: 60/80 x 28 = 21 -> 52.
    figures = PeriodFigures(
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        beginning_ar=100_000 * POUND,
        ending_ar=60_000 * POUND,
        ending_current_ar=0,
        credit_sales=0,
        months=months_back(date(2026, 3, 31), {date(2026, 2, 14): 80_000 * POUND}),
    )
    result = kpis(figures)
    assert (result.dso, result.bpdso, result.add) == (None, None, None)
    assert rounded(result.cei) == Decimal("40.00")
    assert rounded(result.countback_dso) == Decimal("52.00")
    assert any("no credit sales" in note for note in result.notes)


def test_countback_is_none_when_ar_outlasts_every_recorded_month() -> None:
    months = months_back(date(2026, 3, 31), {date(2026, 3, 1): 10 * POUND})
    assert countback_dso(50 * POUND, months) is None


def test_cei_is_none_when_its_denominator_is_zero() -> None:
    figures = PeriodFigures(
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        beginning_ar=0,
        ending_ar=0,
        ending_current_ar=0,
        credit_sales=0,
    )
    assert kpis(figures).cei is None


def test_ratios_round_half_up_to_two_places() -> None:
    assert rounded(Decimal("10.005")) == Decimal("10.01")
    assert rounded(Decimal("10.0049")) == Decimal("10.00")
