"""The lawful moment to send, in the debtor's own time (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from debtflow_shared.catalog.notification import ContactRules
from notify_svc.domain.contact_window import next_lawful_instant

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def rules(**changes: object) -> ContactRules:
    fields: dict[str, object] = {
        "local_from": time(8),
        "local_until": time(21),
        "weekends": True,
        "holidays_country": None,
        "min_gap_minutes": 0,
    }
    return ContactRules.model_validate(fields | changes)


def test_inside_the_hours_a_message_goes_now() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert next_lawful_instant(now, rules(), LONDON) == now


def test_at_21_00_local_the_next_moment_is_08_00_the_next_day() -> None:
    now = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)  # 21:00 GMT: local_until is excluded
    assert next_lawful_instant(now, rules(), LONDON) == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def test_the_hours_are_the_debtors_not_utc() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 07:00 in New York
    assert next_lawful_instant(now, rules(), NEW_YORK) == datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def test_after_the_clocks_go_forward_08_00_local_is_07_00_utc() -> None:
    now = datetime(2026, 3, 29, 2, 0, tzinfo=UTC)  # BST starts 29 March 2026
    assert next_lawful_instant(now, rules(), LONDON) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)


def test_without_weekends_a_saturday_waits_for_monday() -> None:
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
    monday_8 = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert next_lawful_instant(saturday, rules(weekends=False), LONDON) == monday_8


def test_a_public_holiday_of_the_named_country_waits_for_the_next_working_day() -> None:
    good_friday = datetime(2026, 4, 3, 10, 0, tzinfo=UTC)  # a holiday in all the UK
    answer = next_lawful_instant(good_friday, rules(weekends=False, holidays_country="GB"), LONDON)
    # Easter Monday is not a UK-wide holiday (not in Scotland): Monday 08:00 BST.
    assert answer == datetime(2026, 4, 6, 7, 0, tzinfo=UTC)


def test_the_minimum_gap_after_the_previous_message_is_kept() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    previous = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    answer = next_lawful_instant(now, rules(min_gap_minutes=1440), LONDON, last_sent_at=previous)
    assert answer == datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
