"""Bounded waits that never lose a cancellation.

On Python 3.11 ``asyncio.wait_for(aw, t)`` returns normally when ``aw`` completed just as
the task was cancelled, swallowing the cancellation: a service's stop then waited out its
bound instead of ending at once (a relay woken by a commit, a periodic worker by a clock
move, a Kafka client's start). Every timed wait in debtflow goes through these instead;
both are built on ``asyncio.timeout``, which re-raises a cancellation whatever happened.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def within(seconds: float, operation: Awaitable[T]) -> T:
    """``await operation``, or ``TimeoutError`` after ``seconds`` (it is cancelled then)."""
    async with asyncio.timeout(seconds):
        return await operation


async def wait_at_most(event: asyncio.Event, seconds: float) -> bool:
    """Wait until ``event`` is set or ``seconds`` pass; whether it is set."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(max(seconds, 0.0)):
            await event.wait()
    return event.is_set()
