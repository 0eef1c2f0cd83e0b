"""Injected business time.

Everything that asks "what time is it?" for a business decision (due dates, sweeps,
timers, the ``time`` of an event) asks a :class:`Clock`. Infrastructure timing (leases,
timeouts, backoff) uses the machine's own time and never this clock.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current business time, timezone-aware UTC."""
        ...


class ClockNotControllable(Exception):
    """Raised when someone tries to move a clock that follows the real time."""


class TimeTravelBackwards(ValueError):
    """Raised when a controlled clock is asked to move back in time."""


class SystemClock:
    """The real time: what production runs on."""

    controllable = False

    def now(self) -> datetime:
        return datetime.now(UTC)


class ControlledClock:
    """Time that tests, the demo and the simulator can move forward.

    It either stands still (``frozen=True``) or flows with the real time plus an offset that
    grows each time it is advanced. It never moves backwards: timers and sweeps that have
    already run for a moment must never see that moment again.
    """

    controllable = True

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        real_now = datetime.now(UTC)
        start = ensure_utc(start) if start is not None else real_now
        self._frozen = frozen
        self._offset = start - real_now
        self._frozen_at = start
        self._lock = threading.Lock()
        self._listeners: list[asyncio.Event] = []

    @property
    def frozen(self) -> bool:
        return self._frozen

    def now(self) -> datetime:
        with self._lock:
            if self._frozen:
                return self._frozen_at
            return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward by ``delta`` and wake whoever waits on a clock change."""
        if delta < timedelta(0):
            raise TimeTravelBackwards("a controlled clock only moves forward")
        with self._lock:
            self._offset += delta
            self._frozen_at += delta
        self._notify()
        return self.now()

    def set(self, instant: datetime) -> datetime:
        """Move time forward to ``instant``."""
        return self.advance(ensure_utc(instant) - self.now())

    def changed(self) -> asyncio.Event:
        """An event set the next time the clock is moved (for sweepers that sleep on time)."""
        event = asyncio.Event()
        with self._lock:
            self._listeners.append(event)
        return event

    def _notify(self) -> None:
        with self._lock:
            listeners, self._listeners = self._listeners, []
        for event in listeners:
            event.set()


def ensure_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime; naive values are refused, not guessed."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; give a timezone")
    return value.astimezone(UTC)
