"""Work that runs every so often, on business time: sweeps, expiries, timers, retries.

:func:`run_periodically` runs ``work`` now, then again after ``interval`` seconds, forever.
A :class:`ControlledClock` that is moved wakes it at once (a demo or a test that moves time
forward sees the sweep happen then, not a minute later). A failing run is logged and
retried sooner, backing off from one second up to the interval; the loop itself never dies
of it. Cancelling the task stops it at once, whether it sleeps or works.

Its timed waits go through :func:`debtflow_shared.timeouts.wait_at_most`, which never
loses a cancellation (``asyncio.wait_for`` on Python 3.11 can).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from debtflow_shared.clock import Clock, ControlledClock
from debtflow_shared.logging import get_logger
from debtflow_shared.timeouts import wait_at_most

log = get_logger(__name__)

RETRY_FIRST_SECONDS = 1.0


async def run_periodically(
    work: Callable[[], Awaitable[object]],
    *,
    name: str,
    interval: float,
    clock: Clock,
    retry_first: float = RETRY_FIRST_SECONDS,
) -> None:
    """Run ``work`` every ``interval`` seconds and whenever ``clock`` is moved; forever."""
    moved: asyncio.Event | None = None
    failures = 0
    while True:
        # Listen before working, so a move during the run wakes the next one at once.
        if isinstance(clock, ControlledClock) and (moved is None or moved.is_set()):
            moved = clock.changed()
        try:
            await work()
            failures = 0
            pause = interval
        except Exception:
            failures += 1
            pause = min(interval, retry_first * 2 ** min(failures - 1, 10))
            log.exception(f"{name} failed; will retry", retry_in_seconds=pause)
        await _sleep(pause, moved)


async def _sleep(seconds: float, moved: asyncio.Event | None) -> None:
    if moved is None:
        await asyncio.sleep(seconds)
        return
    await wait_at_most(moved, seconds)
