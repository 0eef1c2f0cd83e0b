"""Aging bucket boundaries: current, 1-30, 31-60, 61-90, 90+ days past due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from analytics_svc.domain.aging import OpenItem, age, bucket_of, current_ar


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, "current"),
        (0, "current"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
        (4000, "90+"),
    ],
)
def test_days_past_due_fall_in_the_product_buckets(days: int, bucket: str) -> None:
    assert bucket_of(days) == bucket


def item(debtor: str, due: date, principal: int, charges: int = 0) -> OpenItem:
    return OpenItem(debtor, f"inv-{debtor}-{due}", due, principal, charges)


def test_aging_totals_by_debtor_and_counts_charges_only_when_asked() -> None:
    as_of = date(2026, 3, 31)
    items = [
        item("d-1", as_of, 1_000, 50),  # due today: current
        item("d-1", as_of - timedelta(days=45), 2_000),
        item("d-2", as_of - timedelta(days=120), 500, 100),
        item("d-3", as_of, 0),  # nothing open: left out
    ]
    with_charges = age(items, as_of, include_charges=True)
    assert with_charges.total.amounts == {
        "current": 1_050,
        "1-30": 0,
        "31-60": 2_000,
        "61-90": 0,
        "90+": 600,
    }
    assert set(with_charges.by_debtor) == {"d-1", "d-2"}
    assert with_charges.by_debtor["d-1"].total == 3_050
    principal_only = age(items, as_of, include_charges=False)
    assert principal_only.total.total == 3_500
    assert current_ar(items, as_of, include_charges=True) == 1_050
