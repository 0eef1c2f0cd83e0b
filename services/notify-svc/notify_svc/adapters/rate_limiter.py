"""At most ``per_second`` calls a second to one provider, with no burst.

Callers queue (first come, first served) and each leaves ``1 / per_second`` after the one
before it actually left, so no window of one second ever holds more than ``per_second``
calls, even when the event loop wakes a sleeper late (slots booked in advance would let a
late one bunch up with the next). A token bucket would allow a burst of its capacity on
top of the rate, which a provider's limit counts against us. Machine time (monotonic), not
the business clock: a provider's limit is about real seconds. Shared by every task of the
process that calls the provider.
"""

from __future__ import annotations

import asyncio
import time


class RateLimiter:
    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            delay = self._next - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next = time.monotonic() + self.interval
