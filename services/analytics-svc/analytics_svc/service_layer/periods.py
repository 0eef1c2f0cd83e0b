"""The bounds a report period is held to (a refusal names the field at fault)."""

from __future__ import annotations

from datetime import date

MAX_PERIOD_DAYS = 3660
"""A period of at most ten years: one report reads its days' sales and two balances."""
MAX_MONTHS = 120
"""A monthly trend of at most ten years: each month reads two balances."""


class PeriodRefused(ValueError):
    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def check_period(start: date, end: date, *, start_field: str, end_field: str) -> None:
    if end < start:
        raise PeriodRefused(f"{end_field} is before {start_field}", field=end_field)
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise PeriodRefused(f"a period is at most {MAX_PERIOD_DAYS} days", field=end_field)


def check_months(first: date, last: date, *, first_field: str, last_field: str) -> None:
    if last < first:
        raise PeriodRefused(f"{last_field} is before {first_field}", field=last_field)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months > MAX_MONTHS:
        raise PeriodRefused(f"a trend is at most {MAX_MONTHS} months", field=last_field)
