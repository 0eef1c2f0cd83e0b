"""When an invoice falls due and becomes overdue, in the debtor's own time zone.

An invoice is overdue when the debtor's local date is after its due date: from local
midnight at the start of the day after the due date. Storing that instant in UTC lets the
sweeper compare it with the clock in SQL, without loading invoices one by one.

The dates given here are bounded where they come in (the catalog's ``BusinessDate``,
1900-01-01..2199-12-31, and payment terms of at most 365 days), so a due date lies within
1900-01-01..2200-12-31 and every instant below, a day either side in any time zone, is far
inside what ``datetime`` represents (years 1..9999): nothing here can overflow.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_DUE_SOON_DAYS = 3


def local_midnight(day: date, time_zone: str) -> datetime:
    """The UTC instant at which ``day`` begins in ``time_zone``."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def overdue_at(due_date: date, time_zone: str) -> datetime:
    """The instant the invoice becomes overdue: the debtor-local day after the due date."""
    return local_midnight(due_date + timedelta(days=1), time_zone)


def due_soon_at(
    due_date: date, time_zone: str, days_before: int = DEFAULT_DUE_SOON_DAYS
) -> datetime:
    """The instant the pre-due reminder window opens, ``days_before`` local days ahead."""
    return local_midnight(due_date - timedelta(days=days_before), time_zone)


def local_today(now: datetime, time_zone: str) -> date:
    return now.astimezone(ZoneInfo(time_zone)).date()


def default_due_date(issue_date: date, payment_terms_days: int) -> date:
    """The due date the terms give when the ERP sends none."""
    return issue_date + timedelta(days=payment_terms_days)
