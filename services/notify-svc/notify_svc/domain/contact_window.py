"""When a message may go out: the contact rules a request carries, in the debtor's own time.

A message goes between ``local_from`` and ``local_until`` on the debtor's wall clock (their
time zone from notify's copy of the debtor), not on a weekend unless allowed, not on a
public holiday of ``holidays_country`` if one is named, and not sooner than
``min_gap_minutes`` after the debtor's previous message. :func:`next_lawful_instant` answers
the earliest instant at or after ``now`` that satisfies all of them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from debtflow_shared.catalog.notification import ContactRules

# Far enough for any rule set to find an allowed day (the longest run of holidays and
# weekends is far shorter); a bound so a bad rule never loops.
_SEARCH_DAYS = 60


def debtor_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@cache
def _holiday_calendar(country: str, year: int) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return None  # a country the library has no calendar for: no holidays known


def is_public_holiday(country: str, day: date) -> bool:
    calendar = _holiday_calendar(country, day.year)
    return calendar is not None and day in calendar


def _day_allowed(rules: ContactRules, day: date) -> bool:
    if not rules.weekends and day.weekday() >= 5:
        return False
    return not (rules.holidays_country and is_public_holiday(rules.holidays_country, day))


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    # fold=0: in the repeated hour of a DST change the earlier instant; a wall time skipped
    # by a spring-forward change is read as the instant after the gap.
    local = datetime.combine(day, moment, tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone).astimezone(UTC)


def next_lawful_instant(
    now: datetime, rules: ContactRules, zone: ZoneInfo, *, last_sent_at: datetime | None = None
) -> datetime:
    """The earliest instant at or after ``now`` (and the minimum gap) the rules allow."""
    earliest = now
    if last_sent_at is not None:
        earliest = max(earliest, last_sent_at + timedelta(minutes=rules.min_gap_minutes))
    local = earliest.astimezone(zone)
    for offset in range(_SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        if not _day_allowed(rules, day):
            continue
        opens, closes = _at(day, rules.local_from, zone), _at(day, rules.local_until, zone)
        candidate = max(opens, earliest)
        if candidate < closes:
            return candidate.astimezone(UTC)
    raise ValueError("the contact rules allow no moment in the next 60 days")
