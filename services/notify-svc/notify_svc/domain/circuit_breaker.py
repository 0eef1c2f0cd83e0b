"""A circuit breaker per provider: stop calling one that keeps failing, try again later.

``closed``: calls go through; ``failure_threshold`` consecutive transient failures (5xx,
timeouts, refused connections) open it. ``open``: no call is made for ``cooldown``
seconds, and the dispatcher leaves that channel's notifications waiting untouched (no
attempt is spent, nothing is lost). Then ``half-open``: one trial call is let through; its
success closes the breaker, its failure opens it again for another cooldown. A refusal
(4xx) is the provider answering, so it counts as a success here.

Per process: each replica learns for itself that a provider is down. A small class rather
than a library: the Python breakers (pybreaker, aiobreaker) wrap a call and raise, while
the dispatcher needs to ask "may I call?" before it even prepares a message; time is
injected (a monotonic clock) so tests move it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitBreaker:
    def __init__(
        self, failure_threshold: int, cooldown: float, monotonic: Callable[[], float]
    ) -> None:
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._monotonic = monotonic
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._monotonic() - self._opened_at >= self.cooldown:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allows(self) -> bool:
        """May a call be made now? In half-open, only one trial at a time."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        return state is BreakerState.HALF_OPEN and not self._trial_running

    def started(self) -> None:
        """A call is being made (in half-open: the trial)."""
        if self.state is BreakerState.HALF_OPEN:
            self._trial_running = True

    def succeeded(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._trial_running = False

    def failed(self) -> None:
        self._trial_running = False
        if self.state is BreakerState.HALF_OPEN:
            self._opened_at = self._monotonic()
            return
        self._failures += 1
        if self._failures >= self.failure_threshold:
            self._opened_at = self._monotonic()
