"""Due-date arithmetic at the edges of the business date range, in the most distant zones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from debtflow_shared.catalog.common import EARLIEST_DATE, LATEST_DATE
from invoice_svc.domain.due_dates import default_due_date, due_soon_at, overdue_at

EDGE_ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "UTC"]  # UTC+14, UTC-12


@pytest.mark.parametrize("zone", EDGE_ZONES)
def test_the_latest_issue_date_with_a_years_terms_has_a_due_date_and_an_overdue_instant(
    zone: str,
) -> None:
    due = default_due_date(LATEST_DATE, 365)
    assert due == date(2200, 12, 31)
    assert overdue_at(due, zone) > due_soon_at(due, zone) > datetime(2200, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize("zone", EDGE_ZONES)
def test_the_earliest_due_date_has_a_due_soon_and_an_overdue_instant(zone: str) -> None:
    assert due_soon_at(EARLIEST_DATE, zone) < overdue_at(EARLIEST_DATE, zone)
