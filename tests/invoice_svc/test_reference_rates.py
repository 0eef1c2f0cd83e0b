"""Reference rates as data: which rate was in force on a day, the shipped history, tenant edits."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from invoice_svc.domain.reference_rates import (
    BANK_OF_ENGLAND,
    ECB_MAIN_REFINANCING,
    GERMAN_BASE_RATE,
    SHIPPED_RATES,
    ConflictingReferenceRates,
    NoReferenceRate,
    ReferenceRate,
    ReferenceRateTable,
    UncheckedReferenceRate,
    vouched_by_posting,
)

SHIPPED = ReferenceRateTable.shipped()


def _rate(series: str, day: date, percent: str) -> ReferenceRate:
    return ReferenceRate(series, day, Decimal(percent), "test fixture")


def test_a_new_rate_is_in_force_on_its_effective_day() -> None:
    assert SHIPPED.rate_on("GB", date(2024, 8, 1)).rate_percent == Decimal("5.00")


def test_the_previous_rate_is_in_force_the_day_before_a_change() -> None:
    assert SHIPPED.rate_on("GB", date(2024, 7, 31)).rate_percent == Decimal("5.25")


def test_between_changes_the_latest_earlier_rate_applies() -> None:
    rate = SHIPPED.rate_on("EA", date(2024, 1, 1))

    assert rate.rate_percent == Decimal("4.50")
    assert rate.effective_from == date(2023, 9, 20)


def test_a_day_before_the_history_starts_raises_no_reference_rate() -> None:
    with pytest.raises(NoReferenceRate) as raised:
        SHIPPED.rate_on("GB", date(2009, 3, 4))

    assert (raised.value.jurisdiction, raised.value.day) == ("GB", date(2009, 3, 4))


def test_an_unknown_series_raises_no_reference_rate() -> None:
    with pytest.raises(NoReferenceRate):
        SHIPPED.rate_on("US", date(2024, 1, 1))


def test_the_shipped_bank_rate_includes_the_2017_to_2020_moves() -> None:
    assert SHIPPED.rate_on("GB", date(2018, 1, 1)).rate_percent == Decimal("0.50")
    assert SHIPPED.rate_on("GB", date(2019, 12, 31)).rate_percent == Decimal("0.75")
    assert SHIPPED.rate_on("GB", date(2020, 3, 15)).rate_percent == Decimal("0.25")
    assert SHIPPED.rate_on("GB", date(2020, 3, 19)).rate_percent == Decimal("0.10")


@pytest.mark.parametrize("series", [BANK_OF_ENGLAND, ECB_MAIN_REFINANCING, GERMAN_BASE_RATE])
def test_every_shipped_series_covers_every_day_since_2016(series: str) -> None:
    assert SHIPPED.history(series)[0].effective_from <= date(2016, 1, 1)


def test_every_shipped_entry_cites_its_source() -> None:
    assert all(rate.source.strip() for rate in SHIPPED_RATES)


def test_the_german_base_rate_moves_with_the_ecb_rate_before_each_fixing() -> None:
    # § 247 BGB: it moves by the points the last ECB MRO rate before 1 Jan / 1 Jul moved,
    # which has kept it 0.88 below that rate.
    for fixing in SHIPPED.history(GERMAN_BASE_RATE):
        ecb = SHIPPED.rate_on(ECB_MAIN_REFINANCING, fixing.effective_from - timedelta(days=1))
        assert fixing.rate_percent == ecb.rate_percent - Decimal("0.88"), fixing


def test_german_base_rate_fixings_fall_on_1_january_or_1_july() -> None:
    assert all(
        (r.effective_from.month, r.effective_from.day) in {(1, 1), (7, 1)}
        for r in SHIPPED.history(GERMAN_BASE_RATE)
    )


def test_a_tenant_adds_a_later_rate_without_changing_the_shipped_table() -> None:
    extended = SHIPPED.with_rates([_rate("GB", date(2030, 1, 2), "9.99")])

    assert extended.rate_on("GB", date(2030, 1, 2)).rate_percent == Decimal("9.99")
    with pytest.raises(UncheckedReferenceRate):
        SHIPPED.rate_on("GB", date(2030, 1, 2))


def test_a_day_after_the_series_was_checked_is_refused_not_guessed() -> None:
    checked = SHIPPED.checked_through("GB")
    assert checked is not None
    assert SHIPPED.rate_on("GB", checked).rate_percent == Decimal("3.75")
    with pytest.raises(UncheckedReferenceRate, match=r"checked only through 2026-02-28"):
        SHIPPED.rate_on("GB", checked + timedelta(days=1))


def test_a_confirmation_extends_the_checked_days_with_the_last_rate() -> None:
    confirmed = SHIPPED.with_rates([], checked_through={"GB": date(2026, 6, 30)})

    assert confirmed.rate_on("GB", date(2026, 6, 30)).rate_percent == Decimal("3.75")
    with pytest.raises(UncheckedReferenceRate):
        confirmed.rate_on("GB", date(2026, 7, 1))


def test_an_earlier_confirmation_never_moves_the_checked_day_back() -> None:
    confirmed = SHIPPED.with_rates([], checked_through={"GB": date(2020, 1, 1)})

    assert confirmed.checked_through("GB") == SHIPPED.checked_through("GB")


def test_an_added_rate_vouches_for_its_series_up_to_its_own_day_only() -> None:
    extended = SHIPPED.with_rates([_rate("EA", date(2026, 3, 18), "2.00")])

    assert extended.checked_through("EA") == date(2026, 3, 18)
    assert extended.rate_on("EA", date(2026, 2, 15)).rate_percent == Decimal("2.15")
    with pytest.raises(UncheckedReferenceRate):
        extended.rate_on("EA", date(2026, 3, 19))


def test_a_rate_posted_ahead_vouches_for_its_series_only_through_the_day_it_was_posted() -> None:
    ahead = _rate("GB", date(2026, 3, 19), "3.50")
    posted_on = date(2026, 3, 2)
    table = SHIPPED.with_rates(
        [ahead], checked_through={"GB": vouched_by_posting(ahead, posted_on)}, entries_vouch=False
    )

    assert table.checked_through("GB") == posted_on
    assert table.rate_on("GB", posted_on).rate_percent == Decimal("3.75")
    with pytest.raises(UncheckedReferenceRate):
        table.rate_on("GB", date(2026, 3, 19))
    confirmed = table.with_rates([], {"GB": date(2026, 3, 19)}, entries_vouch=False)
    assert confirmed.rate_on("GB", date(2026, 3, 19)).rate_percent == Decimal("3.50")


def test_a_rate_posted_after_its_day_vouches_through_that_day() -> None:
    late = _rate("EA", date(2026, 2, 5), "2.00")
    assert vouched_by_posting(late, date(2026, 3, 2)) == date(2026, 2, 5)


def test_a_tenant_entry_on_the_same_day_replaces_the_shipped_one() -> None:
    corrected = SHIPPED.with_rates([_rate("GB", date(2024, 8, 1), "5.10")])

    assert corrected.rate_on("GB", date(2024, 8, 1)).rate_percent == Decimal("5.10")
    assert len(corrected.history("GB")) == len(SHIPPED.history("GB"))


def test_two_entries_for_the_same_series_and_day_are_refused() -> None:
    with pytest.raises(ConflictingReferenceRates):
        ReferenceRateTable(
            [_rate("GB", date(2024, 1, 1), "1.00"), _rate("GB", date(2024, 1, 1), "2.00")]
        )


def test_a_float_rate_is_refused() -> None:
    with pytest.raises(TypeError):
        ReferenceRate("GB", date(2024, 1, 1), 5.25, "float")  # type: ignore[arg-type]


def test_a_rate_without_a_source_is_refused() -> None:
    with pytest.raises(ValueError, match="source"):
        ReferenceRate("GB", date(2024, 1, 1), Decimal("5.25"), " ")
