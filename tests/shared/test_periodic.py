"""The one periodic worker: on an interval, woken by a moved controlled clock, never dying."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from debtflow_shared.clock import ControlledClock, SystemClock
from debtflow_shared.periodic import run_periodically
from debtflow_shared.timeouts import wait_at_most

HOUR = 3600.0


class Runs:
    """Counts runs and lets a test wait for the n-th; fails the runs it is told to."""

    def __init__(self, failing: int = 0) -> None:
        self.count = 0
        self.failing = failing
        self._changed = asyncio.Condition()

    async def __call__(self) -> None:
        async with self._changed:
            self.count += 1
            self._changed.notify_all()
        if self.count <= self.failing:
            raise RuntimeError(f"run {self.count} fails")

    async def reach(self, n: int) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.count >= n), timeout=5)


async def _start(runs: Runs, clock: object, **options: float) -> asyncio.Task[None]:
    task = asyncio.create_task(
        run_periodically(runs, name="test work", clock=clock, **options)  # type: ignore[arg-type]
    )
    await runs.reach(1)
    return task


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=5)


async def test_it_runs_at_once_then_each_time_a_controlled_clock_is_moved() -> None:
    clock = ControlledClock(datetime(2026, 3, 2, tzinfo=UTC), frozen=True)
    runs = Runs()
    task = await _start(runs, clock, interval=HOUR)

    clock.advance(timedelta(days=1))
    await runs.reach(2)
    clock.advance(timedelta(days=1))
    await runs.reach(3)
    await _stop(task)


async def test_it_runs_again_when_the_interval_passes() -> None:
    runs = Runs()
    task = await _start(runs, SystemClock(), interval=0.01)
    await runs.reach(3)
    await _stop(task)


async def test_a_failing_run_is_retried_before_the_interval_and_the_loop_goes_on() -> None:
    runs = Runs(failing=2)
    task = await _start(runs, SystemClock(), interval=HOUR, retry_first=0.01)

    await runs.reach(3)  # two failures, retried after 0.01 s and 0.02 s, not after an hour
    assert not task.done()
    await _stop(task)


async def test_cancelling_stops_it_while_it_sleeps() -> None:
    runs = Runs()
    task = await _start(runs, SystemClock(), interval=HOUR)
    await _stop(task)
    assert runs.count == 1


async def test_cancelling_stops_it_while_it_works() -> None:
    started, never = asyncio.Event(), asyncio.Event()

    async def stuck() -> None:
        started.set()
        await never.wait()

    task = asyncio.create_task(
        run_periodically(stuck, name="stuck", interval=HOUR, clock=SystemClock())
    )
    await asyncio.wait_for(started.wait(), timeout=5)
    await _stop(task)


async def test_cancelling_as_a_controlled_clock_moves_stops_it() -> None:
    # asyncio.wait_for lost such a cancellation on Python 3.11: the loop ran on, and a
    # service's stop waited out its bound.
    clock = ControlledClock(datetime(2026, 3, 2, tzinfo=UTC), frozen=True)
    runs = Runs()
    task = await _start(runs, clock, interval=HOUR)
    clock.advance(timedelta(days=1))  # wakes it; the cancellation comes before it resumes
    await _stop(task)


async def test_wait_at_most_says_whether_the_event_came() -> None:
    event = asyncio.Event()
    assert await wait_at_most(event, 0.01) is False
    event.set()
    assert await wait_at_most(event, HOUR) is True
