"""Late-payment interest and fixed compensation, worked from the statutes' own wording.

Every expected figure is computed by hand in the test: minor units x annual % x days / 36500,
rounded once, half up, to a whole minor unit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from debtflow_shared.catalog.debtor import STATUTORY_JURISDICTIONS
from invoice_svc.domain.late_payment import (
    JURISDICTIONS,
    CompensationNotApplicable,
    FixedCompensation,
    InterestNotRunning,
    InvalidInterestPeriod,
    MissingDueDate,
    NegativePrincipal,
    UnknownCurrency,
    UnknownJurisdiction,
    contractual_interest,
    fixed_compensation,
    interest_start,
    jurisdiction_for,
    last_accrued_day,
    statutory_interest,
)
from invoice_svc.domain.reference_rates import NoReferenceRate, ReferenceRateTable

RATES = ReferenceRateTable.shipped()
TEN_THOUSAND_POUNDS = 1_000_000


def _statutory(
    principal_minor: int,
    jurisdiction: str,
    starts: date,
    to_day: date,
    *,
    from_day: date | None = None,
    currency: str = "GBP",
):
    return statutory_interest(
        principal_minor,
        currency,
        jurisdiction,
        interest_starts=starts,
        from_day=from_day or starts,
        to_day=to_day,
        rates=RATES,
    )


# --- UK: Late Payment of Commercial Debts (Interest) Act 1998 --------------------------------


def test_gb_10000_pounds_30_days_late_from_31_january_2024_is_108_pounds_90() -> None:
    # Due 31 Jan 2024, interest runs from 1 Feb; 30 days = 1 Feb..1 Mar (29 Feb included).
    # Rate: base rate on 31 Dec 2023 (5.25) + 8 = 13.25 %.
    # 1,000,000 p x 13.25 x 30 / 36500 = 10,890.41 p -> 10,890 p.
    quote = _statutory(TEN_THOUSAND_POUNDS, "GB", date(2024, 2, 1), date(2024, 3, 1))

    assert quote.amount_minor == 10_890
    assert quote.amount == Decimal("108.90")
    assert quote.days == 30


def test_gb_quote_explains_its_rate_with_the_reference_date_and_source() -> None:
    quote = _statutory(TEN_THOUSAND_POUNDS, "GB", date(2024, 2, 1), date(2024, 3, 1))

    (period,) = quote.periods
    assert period.reference_date == date(2023, 12, 31)
    assert period.reference_rate is not None
    assert period.reference_rate.rate_percent == Decimal("5.25")
    assert "Bank of England" in period.reference_rate.source
    assert period.margin_points == Decimal("8")
    assert period.annual_rate_percent == Decimal("13.25")
    assert period.amount_minor_unrounded.quantize(Decimal("0.0001")) == Decimal("10890.4110")


def test_gb_interest_starting_in_july_keeps_the_30_june_rate_after_the_base_rate_falls() -> None:
    # Starts 2 Jul 2024: base rate on 30 Jun 2024 = 5.25, fixed for the debt although Bank
    # Rate fell to 5.00 on 1 Aug. 2 Jul..30 Sep = 91 days.
    # 500,000 p x 13.25 x 91 / 36500 = 16,517.12 p -> 16,517 p.
    quote = _statutory(500_000, "GB", date(2024, 7, 2), date(2024, 9, 30))

    assert [p.annual_rate_percent for p in quote.periods] == [Decimal("13.25")]
    assert quote.amount_minor == 16_517


def test_gb_rate_stays_fixed_across_later_half_years() -> None:
    quote = _statutory(500_000, "GB", date(2024, 7, 2), date(2025, 12, 31))

    assert len(quote.periods) == 1
    assert quote.periods[0].reference_date == date(2024, 6, 30)


def test_gb_interest_starting_on_30_june_uses_the_31_december_rate() -> None:
    # 30 Jun 2022 is in the first half-year: base rate on 31 Dec 2021 = 0.25, not the
    # 1.25 in force on 30 Jun 2022.
    quote = _statutory(TEN_THOUSAND_POUNDS, "GB", date(2022, 6, 30), date(2022, 6, 30))

    assert quote.periods[0].annual_rate_percent == Decimal("8.25")


def test_gb_interest_starting_on_1_july_uses_the_30_june_rate() -> None:
    quote = _statutory(TEN_THOUSAND_POUNDS, "GB", date(2022, 7, 1), date(2022, 7, 1))

    assert quote.periods[0].annual_rate_percent == Decimal("9.25")


def test_29_february_accrues_one_365th_like_any_other_day() -> None:
    # 1,000,000 p x 13.25 / 36500 = 363.01 p for the single day.
    quote = _statutory(
        TEN_THOUSAND_POUNDS, "GB", date(2024, 2, 1), date(2024, 2, 29), from_day=date(2024, 2, 29)
    )

    assert quote.amount_minor == 363


@pytest.mark.parametrize(
    ("debt_minor", "compensation_minor"),
    [
        pytest.param(99_999, 4_000, id="999.99 -> 40"),
        pytest.param(100_000, 7_000, id="1000.00 -> 70"),
        pytest.param(999_999, 7_000, id="9999.99 -> 70"),
        pytest.param(1_000_000, 10_000, id="10000.00 -> 100"),
    ],
)
def test_gb_compensation_bands_at_their_edges(debt_minor: int, compensation_minor: int) -> None:
    assert fixed_compensation(debt_minor, "GBP", "GB") == FixedCompensation(
        "GB", jurisdiction_for("GB").law, compensation_minor, "GBP"
    )


def test_gb_compensation_on_a_euro_debt_is_not_applicable_rather_than_converted() -> None:
    result = fixed_compensation(1_000_000, "EUR", "GB")

    assert isinstance(result, CompensationNotApplicable)
    assert "GBP" in result.reason


def test_gb_no_agreed_date_runs_interest_after_30_days_counting_the_receipt_day() -> None:
    # s. 4: 30 days starting with 1 Mar 2024 end on 30 Mar; interest runs from 31 Mar.
    assert interest_start(jurisdiction="GB", invoice_received=date(2024, 3, 1)) == date(2024, 3, 31)


# --- EU: Directive 2011/7/EU and member states -----------------------------------------------


def test_german_rate_is_nine_points_over_the_basiszinssatz_not_the_ecb_rate() -> None:
    # Basiszinssatz from 1 Jan 2024 = 3.62 (ECB MRO was 4.50) -> 12.62 %.
    # 1,000,000 ct x 12.62 x 30 / 36500 = 10,372.60 ct -> 10,373 ct.
    quote = _statutory(
        TEN_THOUSAND_POUNDS, "DE", date(2024, 2, 1), date(2024, 3, 1), currency="EUR"
    )

    (period,) = quote.periods
    assert period.margin_points == Decimal("9")
    assert period.annual_rate_percent == Decimal("12.62")
    assert quote.amount_minor == 10_373


def test_french_default_rate_is_ten_points_over_the_ecb_rate() -> None:
    quote = _statutory(
        TEN_THOUSAND_POUNDS, "FR", date(2024, 2, 1), date(2024, 2, 1), currency="EUR"
    )

    assert quote.periods[0].annual_rate_percent == Decimal("14.50")


@pytest.mark.parametrize("code", ["EU", "NL", "IE", "ES", "IT"])
def test_directive_margin_is_eight_points(code: str) -> None:
    assert jurisdiction_for(code).margin_points == Decimal("8")


def test_eu_rate_resets_at_the_half_year_when_the_ecb_rate_changed() -> None:
    # ECB MRO on 1 Jan 2024 = 4.50 -> 12.50 % for 20..30 Jun (11 days); on 1 Jul 2024 = 4.25
    # (cut on 12 Jun, which waits for the next half-year) -> 12.25 % for 1..10 Jul (10 days).
    # 1,000,000 ct x (12.50 x 11 + 12.25 x 10) / 36500 = 7,123.29 ct -> 7,123 ct.
    quote = _statutory(
        TEN_THOUSAND_POUNDS, "EU", date(2024, 6, 20), date(2024, 7, 10), currency="EUR"
    )

    assert [(p.first_day, p.last_day, p.days, p.annual_rate_percent) for p in quote.periods] == [
        (date(2024, 6, 20), date(2024, 6, 30), 11, Decimal("12.50")),
        (date(2024, 7, 1), date(2024, 7, 10), 10, Decimal("12.25")),
    ]
    assert quote.amount_minor == 7_123


def test_eu_periods_are_rounded_only_in_the_total() -> None:
    quote = _statutory(
        TEN_THOUSAND_POUNDS, "EU", date(2024, 6, 20), date(2024, 7, 10), currency="EUR"
    )

    unrounded = sum(p.amount_minor_unrounded for p in quote.periods)
    assert unrounded.quantize(Decimal("0.01")) == Decimal("7123.29")


def test_ireland_fixes_the_rate_of_the_half_year_the_payment_became_overdue() -> None:
    quote = _statutory(
        TEN_THOUSAND_POUNDS, "IE", date(2024, 6, 20), date(2024, 7, 10), currency="EUR"
    )

    assert [p.annual_rate_percent for p in quote.periods] == [Decimal("12.50")]


@pytest.mark.parametrize("code", ["EU", "DE", "FR", "NL", "ES", "IT"])
def test_directive_compensation_is_40_euros_whatever_the_size(code: str) -> None:
    small, large = fixed_compensation(1, "EUR", code), fixed_compensation(10**9, "EUR", code)

    assert isinstance(small, FixedCompensation)
    assert isinstance(large, FixedCompensation)
    assert small.amount_minor == large.amount_minor == 4_000


@pytest.mark.parametrize(
    ("debt_minor", "compensation_minor"),
    [
        pytest.param(100_000, 4_000, id="1000.00 -> 40 (not exceeding)"),
        pytest.param(100_001, 7_000, id="1000.01 -> 70"),
        pytest.param(1_000_000, 7_000, id="10000.00 -> 70 (not exceeding)"),
        pytest.param(1_000_001, 10_000, id="10000.01 -> 100"),
    ],
)
def test_ireland_compensation_bands_include_their_upper_edge(
    debt_minor: int, compensation_minor: int
) -> None:
    result = fixed_compensation(debt_minor, "EUR", "IE")

    assert isinstance(result, FixedCompensation)
    assert result.amount_minor == compensation_minor


def test_directive_compensation_on_a_non_euro_debt_is_not_applicable() -> None:
    assert isinstance(fixed_compensation(1_000_000, "PLN", "EU"), CompensationNotApplicable)


def test_eu_no_agreed_date_runs_interest_after_30_days_following_receipt() -> None:
    # Art. 3(3)(b)(i): 30 calendar days following receipt on 1 Mar 2024 end on 31 Mar.
    assert interest_start(jurisdiction="EU", invoice_received=date(2024, 3, 1)) == date(2024, 4, 1)


def test_no_agreed_date_counts_from_the_goods_when_they_arrive_after_the_invoice() -> None:
    started = interest_start(
        jurisdiction="EU",
        invoice_received=date(2024, 3, 1),
        goods_or_services_received=date(2024, 3, 11),
    )

    assert started == date(2024, 4, 11)


# --- Day convention and charges over time ----------------------------------------------------


def test_interest_starts_the_day_after_the_due_date() -> None:
    assert interest_start(date(2024, 1, 31)) == date(2024, 2, 1)


def test_a_charge_made_now_covers_the_days_fully_past_in_the_local_time_zone() -> None:
    # 23:30 UTC on 1 Jul 2024 is 00:30 on 2 Jul in London: 1 Jul is fully past.
    now = datetime(2024, 7, 1, 23, 30, tzinfo=UTC)

    assert last_accrued_day(now, ZoneInfo("Europe/London")) == date(2024, 7, 1)
    assert last_accrued_day(now, ZoneInfo("UTC")) == date(2024, 6, 30)


def test_a_second_charge_starts_the_day_after_the_first_so_no_day_is_charged_twice() -> None:
    starts = date(2024, 2, 1)
    first = _statutory(TEN_THOUSAND_POUNDS, "GB", starts, date(2024, 3, 1))
    second = _statutory(
        TEN_THOUSAND_POUNDS, "GB", starts, date(2024, 4, 6), from_day=first.next_from_day
    )
    whole = _statutory(TEN_THOUSAND_POUNDS, "GB", starts, date(2024, 4, 6))

    assert second.first_day == date(2024, 3, 2)
    assert first.days + second.days == whole.days == 66


def test_two_charges_differ_from_one_by_at_most_one_minor_unit_per_charge() -> None:
    # Each charge rounds once, erring by at most half a penny, so two charges can miss the
    # one-shot total by one penny: 10,890.41 -> 10,890 plus 13,068.49 -> 13,068 is 23,958,
    # whereas 23,958.90 -> 23,959.
    starts = date(2024, 2, 1)
    first = _statutory(TEN_THOUSAND_POUNDS, "GB", starts, date(2024, 3, 1))
    second = _statutory(
        TEN_THOUSAND_POUNDS, "GB", starts, date(2024, 4, 6), from_day=first.next_from_day
    )
    whole = _statutory(TEN_THOUSAND_POUNDS, "GB", starts, date(2024, 4, 6))

    assert (first.amount_minor, second.amount_minor, whole.amount_minor) == (
        10_890,
        13_068,
        23_959,
    )
    assert abs(whole.amount_minor - (first.amount_minor + second.amount_minor)) <= 1


def test_charging_the_cumulative_quote_less_what_was_charged_matches_the_one_shot_total() -> None:
    starts = date(2024, 2, 1)
    charged = _statutory(TEN_THOUSAND_POUNDS, "GB", starts, date(2024, 3, 1)).amount_minor
    cumulative = _statutory(TEN_THOUSAND_POUNDS, "GB", starts, date(2024, 4, 6)).amount_minor

    assert charged + (cumulative - charged) == 23_959
    assert cumulative - charged == 13_069


# --- Contractual interest and rounding -------------------------------------------------------


def test_contractual_interest_is_principal_times_rate_times_days_over_365() -> None:
    # EUR 25,000 at 12 % for 45 days: 2,500,000 ct x 12 x 45 / 36500 = 36,986.30 -> 36,986 ct.
    quote = contractual_interest(
        2_500_000, "EUR", Decimal("12"), from_day=date(2024, 3, 1), to_day=date(2024, 4, 14)
    )

    assert quote.days == 45
    assert quote.amount_minor == 36_986
    assert quote.periods[0].reference_rate is None


def test_yen_interest_rounds_to_whole_yen() -> None:
    # JPY has no minor digits: 1,234,567 x 14.6 x 7 / 36500 = 3,456.79 -> 3,457 yen.
    quote = contractual_interest(
        1_234_567, "JPY", Decimal("14.6"), from_day=date(2024, 3, 1), to_day=date(2024, 3, 7)
    )

    assert quote.amount_minor == 3_457
    assert quote.amount == Decimal("3457")


def test_exactly_half_a_minor_unit_rounds_up() -> None:
    # 91,250 x 1 x 1 / 36500 = 2.5 exactly -> 3 (half-even would give 2).
    quote = contractual_interest(
        91_250, "EUR", Decimal("1"), from_day=date(2024, 3, 1), to_day=date(2024, 3, 1)
    )

    assert quote.amount_minor == 3


def test_just_under_half_a_minor_unit_rounds_down() -> None:
    # 91,249 x 1 x 1 / 36500 = 2.49997... -> 2.
    quote = contractual_interest(
        91_249, "EUR", Decimal("1"), from_day=date(2024, 3, 1), to_day=date(2024, 3, 1)
    )

    assert quote.amount_minor == 2


def test_a_zero_debt_earns_no_interest_and_no_compensation() -> None:
    quote = _statutory(0, "GB", date(2024, 2, 1), date(2024, 3, 1))

    assert quote.amount_minor == 0
    assert isinstance(fixed_compensation(0, "GBP", "GB"), CompensationNotApplicable)


# --- Bad input ---------------------------------------------------------------------------------


def test_a_negative_principal_is_refused() -> None:
    with pytest.raises(NegativePrincipal):
        _statutory(-1, "GB", date(2024, 2, 1), date(2024, 3, 1))


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInterestPeriod):
        contractual_interest(
            100, "EUR", Decimal("5"), from_day=date(2024, 3, 2), to_day=date(2024, 3, 1)
        )


def test_a_period_starting_before_interest_runs_is_refused() -> None:
    with pytest.raises(InterestNotRunning):
        _statutory(100, "GB", date(2024, 2, 1), date(2024, 3, 1), from_day=date(2024, 1, 31))


def test_an_unknown_jurisdiction_is_refused() -> None:
    with pytest.raises(UnknownJurisdiction, match="XX"):
        _statutory(100, "XX", date(2024, 2, 1), date(2024, 3, 1))


def test_an_unknown_currency_is_refused() -> None:
    with pytest.raises(UnknownCurrency):
        _statutory(100, "GB", date(2024, 2, 1), date(2024, 3, 1), currency="XYZ")


def test_a_float_contractual_rate_is_refused() -> None:
    with pytest.raises(TypeError):
        contractual_interest(
            100,
            "EUR",
            5.0,  # type: ignore[arg-type]
            from_day=date(2024, 3, 1),
            to_day=date(2024, 3, 1),
        )


def test_interest_without_due_date_or_receipt_date_is_refused() -> None:
    with pytest.raises(MissingDueDate):
        interest_start(jurisdiction="GB")


def test_a_day_outside_the_rate_table_names_the_missing_rate() -> None:
    with pytest.raises(NoReferenceRate, match="GB"):
        _statutory(100, "GB", date(2008, 2, 1), date(2008, 3, 1))


def test_the_catalog_accepts_exactly_the_jurisdictions_the_rules_table_prices() -> None:
    assert set(JURISDICTIONS) == STATUTORY_JURISDICTIONS
