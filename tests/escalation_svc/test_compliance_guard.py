"""The compliance guard as pure rules: local hours across zones and DST, closed days, the
frequency cap's window edges, the minimum gap and the call block after a conversation."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from escalation_svc.domain.compliance_guard import ContactHistory, GuardRules, earliest_lawful

RULES = GuardRules()
OPEN_DAYS = GuardRules(weekends=True, public_holidays=True)
NONE = ContactHistory()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[arg-type,misc]


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[arg-type,misc]


def lawful(
    now: datetime,
    zone: str = "Europe/London",
    *,
    rules: GuardRules = RULES,
    history: ContactHistory = NONE,
    country: str = "GB",
    messages: int = 1,
    call: bool = False,
) -> datetime:
    return earliest_lawful(
        now,
        rules=rules,
        time_zone=zone,
        country=country,
        history=history,
        messages=messages,
        call=call,
    ).at


def test_a_contact_within_local_hours_on_a_weekday_is_allowed_now() -> None:
    now = utc(2026, 3, 3, 10)
    verdict = earliest_lawful(
        now, rules=RULES, time_zone="Europe/London", country="GB", history=NONE
    )
    assert verdict.allowed_now
    assert verdict.at == now


def test_before_eight_in_tokyo_waits_for_eight_tokyo_time() -> None:
    # 22:00 UTC on Monday is 07:00 on Tuesday in Tokyo (UTC+9, no DST).
    assert lawful(utc(2026, 3, 2, 22), "Asia/Tokyo") == local("Asia/Tokyo", 2026, 3, 3, 8)


def test_after_nine_pm_in_los_angeles_waits_for_eight_the_next_morning_there() -> None:
    # 05:00 UTC on Wednesday is 21:00 on Tuesday in Los Angeles (PST, UTC-8).
    at = lawful(utc(2026, 3, 4, 5), "America/Los_Angeles")
    assert at == local("America/Los_Angeles", 2026, 3, 4, 8)
    assert at == utc(2026, 3, 4, 16)


def test_the_last_minute_before_nine_pm_is_allowed_and_nine_pm_is_not() -> None:
    zone = "America/Los_Angeles"
    assert lawful(local(zone, 2026, 3, 3, 20, 59), zone) == local(zone, 2026, 3, 3, 20, 59)
    assert lawful(local(zone, 2026, 3, 3, 21, 0), zone) == local(zone, 2026, 3, 4, 8)


def test_eight_am_follows_the_wall_clock_across_the_spring_dst_change_in_london() -> None:
    # Clocks go forward on Sunday 29 March 2026: 08:00 is 08:00 UTC before, 07:00 UTC after.
    assert lawful(utc(2026, 3, 27, 6), rules=OPEN_DAYS) == utc(2026, 3, 27, 8)
    assert lawful(utc(2026, 3, 30, 6), rules=OPEN_DAYS) == utc(2026, 3, 30, 7)


def test_eight_am_follows_the_wall_clock_across_the_autumn_dst_change_in_los_angeles() -> None:
    # Clocks go back on Sunday 1 November 2026: 08:00 PDT is 15:00 UTC, 08:00 PST 16:00 UTC.
    zone = "America/Los_Angeles"
    assert lawful(utc(2026, 10, 31, 12), zone, rules=OPEN_DAYS) == utc(2026, 10, 31, 15)
    assert lawful(utc(2026, 11, 1, 12), zone, rules=OPEN_DAYS) == utc(2026, 11, 1, 16)


def test_a_local_hour_skipped_by_dst_is_read_as_the_instant_after_the_gap() -> None:
    rules = GuardRules(local_from=time(1, 30), weekends=True, public_holidays=True)
    # 01:30 does not exist in London on 29 March 2026 (01:00 GMT jumps to 02:00 BST).
    assert lawful(utc(2026, 3, 29, 0, 10), rules=rules) == utc(2026, 3, 29, 1, 30)


def test_a_saturday_waits_for_monday_when_weekends_are_refused() -> None:
    assert lawful(utc(2026, 3, 7, 10)) == utc(2026, 3, 9, 8)


def test_weekends_are_allowed_when_the_policy_says_so() -> None:
    assert lawful(utc(2026, 3, 7, 10), rules=OPEN_DAYS) == utc(2026, 3, 7, 10)


def test_a_public_holiday_of_the_debtors_country_waits_for_the_next_open_day() -> None:
    # Good Friday 3 April 2026, then the weekend: Monday 6 April, 08:00 BST. (Easter Monday
    # is not a holiday in all of the UK: the guard takes the country's nationwide holidays.)
    assert lawful(utc(2026, 4, 3, 10)) == utc(2026, 4, 6, 7)
    assert lawful(utc(2026, 12, 25, 10)) == utc(2026, 12, 29, 8)  # Christmas, Boxing Day (obs.)


def test_a_holiday_of_another_country_does_not_count() -> None:
    # 3 October is German Unity Day; 2 October 2026 is a Friday, 3 October a Saturday:
    # use 1 May (Labour Day in Germany, an ordinary Friday in the UK).
    assert lawful(utc(2026, 5, 1, 10)) == utc(2026, 5, 1, 10)
    berlin = lawful(utc(2026, 5, 1, 10), "Europe/Berlin", country="DE")
    assert berlin == local("Europe/Berlin", 2026, 5, 4, 8)


def test_the_seventh_attempt_in_seven_days_is_allowed_and_the_eighth_waits() -> None:
    now = utc(2026, 3, 10, 12)
    six = ContactHistory(attempts=tuple(now - timedelta(days=6, minutes=10 * i) for i in range(6)))
    assert lawful(now, rules=OPEN_DAYS, history=six) == now
    seven = ContactHistory(attempts=(*six.attempts, now - timedelta(hours=3)))
    oldest = min(seven.attempts)
    assert lawful(now, rules=OPEN_DAYS, history=seven) == oldest + timedelta(days=7)


def test_an_attempt_exactly_seven_days_old_has_left_the_window() -> None:
    now = utc(2026, 3, 10, 12)
    history = ContactHistory(
        attempts=(now - timedelta(days=7), *(now - timedelta(days=1, hours=i) for i in range(6)))
    )
    assert lawful(now, rules=OPEN_DAYS, history=history) == now


def test_two_messages_at_once_need_two_places_under_the_cap() -> None:
    now = utc(2026, 3, 10, 12)
    six = ContactHistory(attempts=tuple(now - timedelta(days=2, minutes=10 * i) for i in range(6)))
    at = lawful(now, rules=OPEN_DAYS, history=six, messages=2)
    assert at == min(six.attempts) + timedelta(days=7)


def test_a_deferral_past_the_cap_still_lands_within_local_hours() -> None:
    now = utc(2026, 3, 10, 12)
    # The window frees at 23:00 UTC: too late in London, so 08:00 the next day.
    history = ContactHistory(
        attempts=tuple(utc(2026, 3, 3, 23) + timedelta(hours=i) for i in range(7))
    )
    assert lawful(now, rules=OPEN_DAYS, history=history) == utc(2026, 3, 11, 8)


def test_the_minimum_gap_after_the_last_contact_defers_to_its_end() -> None:
    now = utc(2026, 3, 10, 12)
    history = ContactHistory(attempts=(now - timedelta(minutes=20),))
    assert lawful(now, rules=OPEN_DAYS, history=history) == now + timedelta(minutes=40)


def test_no_call_within_seven_days_of_a_conversation_counting_its_day_as_day_one() -> None:
    spoken = utc(2026, 3, 10, 15)  # Tuesday 10 March: day 1; day 7 is Monday 16 March
    history = ContactHistory(last_conversation_at=spoken)
    at = lawful(utc(2026, 3, 12, 10), rules=OPEN_DAYS, history=history, call=True)
    assert at == utc(2026, 3, 17, 8)
    # A message is not a call: the block does not apply to it.
    assert lawful(utc(2026, 3, 12, 10), rules=OPEN_DAYS, history=history) == utc(2026, 3, 12, 10)


def test_more_messages_at_once_than_the_cap_allows_are_refused() -> None:
    with pytest.raises(ValueError, match="exceed the cap"):
        lawful(utc(2026, 3, 10, 12), rules=GuardRules(max_attempts=1), messages=2)


def test_the_verdict_names_each_rule_that_moved_the_contact() -> None:
    now = utc(2026, 3, 6, 20, 50)  # Friday 20:50 in London, a contact 20 minutes ago
    history = ContactHistory(attempts=(now - timedelta(minutes=20),))
    verdict = earliest_lawful(
        now, rules=RULES, time_zone="Europe/London", country="GB", history=history
    )
    assert verdict.at == utc(2026, 3, 9, 8)
    assert any("minimum gap" in r for r in verdict.reasons)
    assert any("after 21:00" in r for r in verdict.reasons)
    assert "weekend" in verdict.reasons


def test_the_rules_in_force_name_the_debtors_country_for_holidays_only_when_refused() -> None:
    assert RULES.in_force("GB").holidays_country == "GB"
    assert OPEN_DAYS.in_force("GB").holidays_country is None
    assert RULES.in_force("GB").local_until == time(21, 0)
