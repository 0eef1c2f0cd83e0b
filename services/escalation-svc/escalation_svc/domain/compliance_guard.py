"""The compliance guard: when a contact with the debtor may lawfully happen.

Every outgoing contact asks :func:`earliest_lawful` first. A contact that may not happen now
is deferred to the earliest instant every rule allows, never dropped, and the verdict says
which rules moved it. The rules (PRODUCT.md's contact rules, a tenant may tighten them):

- local hours: from ``local_from`` up to, not including, ``local_until`` in the debtor's
  zone (wall-clock time, so a DST change moves the UTC instant, not the local hour);
- weekends and the debtor country's public holidays (the ``holidays`` package), if refused;
- a frequency cap: at most ``max_attempts`` attempts in any rolling ``window_days`` (an
  attempt is a ``notification.sent``, or a call: connected ones always, others if
  ``count_unconnected_calls``);
- a minimum gap after the previous attempt;
- no call within ``call_block_days`` after a telephone conversation about the debt, the
  conversation's local day counting as day 1 (Regulation F's model).

Pure: no clock, no database. Opt-outs, do-not-contact and cease-contact decide *whether* a
channel may be used at all; they are :mod:`contact_channels`' business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from debtflow_shared.catalog.notification import ContactRules

MAX_MOVES = 1000  # each move passes at least one rule's boundary; a year of holidays is < 400


@dataclass(frozen=True)
class GuardRules:
    local_from: time = time(8, 0)
    local_until: time = time(21, 0)
    weekends: bool = False
    public_holidays: bool = False
    max_attempts: int = 7
    window_days: int = 7
    min_gap_minutes: int = 60
    call_block_days: int = 7
    count_unconnected_calls: bool = False

    def in_force(self, country: str) -> ContactRules:
        """The rules as ``notification.requested`` carries them to notify's send-time check."""
        return _contact_rules(self, country)


@lru_cache(maxsize=1024)
def _contact_rules(rules: GuardRules, country: str) -> ContactRules:
    # Built (and validated) once per rules and country, not once per notification: both
    # are immutable, so every notification of a batch can carry the same one.
    return ContactRules(
        local_from=rules.local_from,
        local_until=rules.local_until,
        weekends=rules.weekends,
        holidays_country=None if rules.public_holidays else country,
        min_gap_minutes=rules.min_gap_minutes,
    )


@dataclass(frozen=True)
class ContactHistory:
    """What counts toward the cap and the gap: attempt instants (UTC), and the last
    telephone conversation about the debt."""

    attempts: tuple[datetime, ...] = ()
    last_conversation_at: datetime | None = None


@dataclass(frozen=True)
class Verdict:
    at: datetime
    """``now`` when allowed; else the earliest lawful instant."""
    reasons: tuple[str, ...]
    """Each rule that moved the contact, in words (empty: allowed now)."""

    @property
    def allowed_now(self) -> bool:
        return not self.reasons


def earliest_lawful(
    now: datetime,
    *,
    rules: GuardRules,
    time_zone: str,
    country: str,
    history: ContactHistory,
    messages: int = 1,
    call: bool = False,
) -> Verdict:
    """The earliest instant from ``now`` at which ``messages`` contacts may go at once."""
    zone = ZoneInfo(time_zone)
    at = now
    reasons: list[str] = []
    for _ in range(MAX_MOVES):
        moved = (
            _after_cap(at, rules, history, messages)
            or _after_gap(at, rules, history)
            or (_after_call_block(at, rules, history, zone) if call else None)
            or _within_local_hours(at, rules, zone, country)
        )
        if moved is None:
            return Verdict(at, tuple(dict.fromkeys(reasons)))
        at, reason = moved
        reasons.append(reason)
    raise RuntimeError("no lawful instant found: the rules leave no time to contact")


def _after_cap(
    at: datetime, rules: GuardRules, history: ContactHistory, messages: int
) -> tuple[datetime, str] | None:
    window = timedelta(days=rules.window_days)
    inside = sorted(a for a in history.attempts if at - window < a <= at)
    excess = len(inside) + messages - rules.max_attempts
    if excess <= 0:
        return None
    if excess > len(inside):
        raise ValueError(f"{messages} contacts at once exceed the cap of {rules.max_attempts}")
    # The cap allows it once the oldest ``excess`` attempts have left the window.
    return (
        inside[excess - 1] + window,
        f"frequency cap: {len(inside)} attempts in {rules.window_days} days",
    )


def _after_gap(
    at: datetime, rules: GuardRules, history: ContactHistory
) -> tuple[datetime, str] | None:
    earlier = [a for a in history.attempts if a <= at]
    if not earlier:
        return None
    free_from = max(earlier) + timedelta(minutes=rules.min_gap_minutes)
    if at >= free_from:
        return None
    return free_from, f"minimum gap of {rules.min_gap_minutes} minutes after the last contact"


def _after_call_block(
    at: datetime, rules: GuardRules, history: ContactHistory, zone: ZoneInfo
) -> tuple[datetime, str] | None:
    spoken = history.last_conversation_at
    if spoken is None or spoken > at:
        return None
    free_day = spoken.astimezone(zone).date() + timedelta(days=rules.call_block_days)
    free_from = _local_instant(free_day, time(0), zone)
    if at >= free_from:
        return None
    return free_from, f"no call within {rules.call_block_days} days of a conversation"


def _within_local_hours(
    at: datetime, rules: GuardRules, zone: ZoneInfo, country: str
) -> tuple[datetime, str] | None:
    local = at.astimezone(zone)
    day = local.date()
    closed = _closed_day(day, rules, country)
    if closed:
        return _local_instant(day + timedelta(days=1), rules.local_from, zone), closed
    opens = _local_instant(day, rules.local_from, zone)
    if at < opens:
        return opens, f"before {rules.local_from:%H:%M} in {zone.key}"
    if local.time() >= rules.local_until:
        next_day = _local_instant(day + timedelta(days=1), rules.local_from, zone)
        return next_day, f"after {rules.local_until:%H:%M} in {zone.key}"
    return None


def _closed_day(day: date, rules: GuardRules, country: str) -> str | None:
    if not rules.weekends and day.weekday() >= 5:
        return "weekend"
    if not rules.public_holidays:
        name = public_holiday(country, day)
        if name:
            return f"public holiday in {country}: {name}"
    return None


def public_holiday(country: str, day: date) -> str | None:
    """The name of ``country``'s public holiday on ``day`` (None if none, or not known)."""
    return _holidays(country, day.year).get(day)


@lru_cache(maxsize=512)
def _holidays(country: str, year: int) -> dict[date, str]:
    try:
        return dict(holidays.country_holidays(country, years=year).items())
    except NotImplementedError:
        return {}  # a country the package does not know: no holidays refused


def _local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """``wall`` on ``day`` in ``zone`` as UTC; a wall time a DST gap skips is read as the
    instant just after the gap (the same offset as before it, then normalised)."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def local_day(at: datetime, time_zone: str) -> date:
    return at.astimezone(ZoneInfo(time_zone)).date()


def local_start(day: date, rules: GuardRules, time_zone: str) -> datetime:
    """When ``day``'s contacts may begin in the debtor's zone (the step's nominal time)."""
    return _local_instant(day, rules.local_from, ZoneInfo(time_zone))
