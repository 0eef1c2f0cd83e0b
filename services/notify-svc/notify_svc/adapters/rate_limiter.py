"""At most ``per_second`` calls a second to one provider, with no burst.

Each call takes the next slot ``1 / per_second`` after the previous one and sleeps until it
comes, so no window of one second ever holds more than ``per_second`` calls (a token
bucket would allow a burst of its capacity on top of the rate, which a provider's limit
counts against us). Machine time (monotonic), not the business clock: a provider's limit
is about real seconds. Shared by every task of the process that calls the provider.
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
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
