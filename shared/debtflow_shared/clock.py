"""Injected business time.

Everything that asks "what time is it?" for a business decision (due dates, sweeps,
timers, the ``time`` of an event) asks a :class:`Clock`. Infrastructure timing (leases,
timeouts, backoff) uses the machine's own time and never this clock.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

# A controlled clock stays well inside what datetime and every date computed from "now"
# (due dates, terms, interest periods) can hold: moves beyond these bounds are refused.
LATEST_INSTANT = datetime(2200, 1, 1, tzinfo=UTC)
MAX_ADVANCE = timedelta(days=36_525)  # 100 years


class Clock(Protocol):
    def now(self) -> datetime:
        """The current business time, timezone-aware UTC."""
        ...


class ClockNotControllable(Exception):
    """Raised when someone tries to move a clock that follows the real time."""


class TimeTravelBackwards(ValueError):
    """Raised when a controlled clock is asked to move back in time."""


class ClockOutOfRange(ValueError):
    """Raised when a move would take a controlled clock past :data:`LATEST_INSTANT`."""


@dataclass(frozen=True)
class SavedTime:
    """A controlled clock's business time, and the real time at which it was saved."""

    instant: datetime
    saved_at: datetime

    def resume_at(self, real_now: datetime, *, frozen: bool) -> datetime:
        """Where a clock restarted at ``real_now`` resumes: never before ``instant``.

        A frozen clock resumes exactly at ``instant``; a flowing one also counts the real
        time that passed while it was stopped, as it would have had it kept running.
        """
        if frozen:
            return self.instant
        elapsed = max(real_now - self.saved_at, timedelta(0))
        return min(self.instant + elapsed, max(self.instant, LATEST_INSTANT))


class ClockStore(Protocol):
    """Where a controlled clock keeps its time across restarts."""

    def load(self) -> SavedTime | None:
        """The last saved time, or None if the clock was never moved."""
        ...

    def save(self, saved: SavedTime) -> None:
        """Keep ``saved`` durably (it replaces the previous time as a whole or not at all)."""
        ...


class SystemClock:
    """The real time: what production runs on."""

    controllable = False

    def now(self) -> datetime:
        return datetime.now(UTC)


class ControlledClock:
    """Time that tests, the demo and the simulator can move forward.

    It either stands still (``frozen=True``) or flows with the real time plus an offset that
    grows each time it is advanced. It never moves backwards: timers and sweeps that have
    already run for a moment must never see that moment again. With a ``store``, every
    move is saved before it takes effect, so :meth:`resume` continues after a restart.
    """

    controllable = True

    def __init__(
        self,
        start: datetime | None = None,
        *,
        frozen: bool = False,
        store: ClockStore | None = None,
    ) -> None:
        real_now = datetime.now(UTC)
        start = ensure_utc(start) if start is not None else real_now
        _check_within_range(start)
        self._frozen = frozen
        self._offset = start - real_now
        self._frozen_at = start
        self._store = store
        self._lock = threading.Lock()
        self._listeners: list[asyncio.Event] = []

    @classmethod
    def resume(cls, store: ClockStore, *, frozen: bool = False) -> ControlledClock:
        """A clock that continues from ``store`` (or starts at the real time if it is empty)."""
        saved = store.load()
        start = saved.resume_at(datetime.now(UTC), frozen=frozen) if saved else None
        return cls(start, frozen=frozen, store=store)

    @property
    def frozen(self) -> bool:
        return self._frozen

    def now(self) -> datetime:
        with self._lock:
            return self._now_at(datetime.now(UTC))

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward by ``delta`` and wake whoever waits on a clock change."""
        if delta < timedelta(0):
            raise TimeTravelBackwards("a controlled clock only moves forward")
        if delta > MAX_ADVANCE:
            raise ClockOutOfRange(
                f"a controlled clock moves at most {MAX_ADVANCE.days} days at a time"
            )
        return self._move(lambda current: current + delta)

    def set(self, instant: datetime) -> datetime:
        """Move time forward to ``instant``."""
        instant = ensure_utc(instant)
        return self._move(lambda _current: instant)

    def changed(self) -> asyncio.Event:
        """An event set the next time the clock is moved (for sweepers that sleep on time)."""
        event = asyncio.Event()
        with self._lock:
            self._listeners.append(event)
        return event

    def _now_at(self, real_now: datetime) -> datetime:
        return self._frozen_at if self._frozen else real_now + self._offset

    def _move(self, target_of: Callable[[datetime], datetime]) -> datetime:
        # Validate and save first, change the clock last: a refused or failed move leaves
        # both the clock and its store exactly as they were.
        with self._lock:
            real_now = datetime.now(UTC)
            current = self._now_at(real_now)
            target = target_of(current)
            if target < current:
                raise TimeTravelBackwards("a controlled clock only moves forward")
            _check_within_range(target)
            if self._store is not None:
                self._store.save(SavedTime(instant=target, saved_at=real_now))
            self._frozen_at = target
            self._offset = target - real_now
        self._notify()
        return target

    def _notify(self) -> None:
        with self._lock:
            listeners, self._listeners = self._listeners, []
        for event in listeners:
            event.set()


def _check_within_range(instant: datetime) -> None:
    if instant > LATEST_INSTANT:
        raise ClockOutOfRange(f"a controlled clock stays at or before {LATEST_INSTANT.isoformat()}")


def ensure_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime; naive values are refused, not guessed."""
    if value.tzinfo is UTC:
        return value  # the common case (every clock and driver gives UTC): no new object
    if value.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; give a timezone")
    return value.astimezone(UTC)
