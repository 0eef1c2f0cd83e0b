"""A provider behind its circuit breaker and its rate limit.

The dispatcher asks :meth:`ProtectedSender.available` before it prepares a message for the
channel, so while the breaker is open no attempt is opened and the notifications simply
stay due (nothing lost, no attempt spent); each send first waits for its rate-limit slot.
"""

from __future__ import annotations

import time

from notify_svc.adapters.rate_limiter import RateLimiter
from notify_svc.domain.channels import Outcome, OutgoingMessage, Sender, SendResult
from notify_svc.domain.circuit_breaker import BreakerState, CircuitBreaker


class ProtectedSender:
    def __init__(
        self,
        inner: Sender,
        *,
        per_second: float,
        failure_threshold: int,
        cooldown_seconds: float,
    ) -> None:
        self.inner = inner
        self.provider = inner.provider
        self.limiter = RateLimiter(per_second)
        self.breaker = CircuitBreaker(failure_threshold, cooldown_seconds, time.monotonic)

    def available(self) -> bool:
        return self.breaker.allows()

    @property
    def state(self) -> BreakerState:
        return self.breaker.state

    async def send(self, message: OutgoingMessage) -> SendResult:
        await self.limiter.wait()
        self.breaker.started()
        result = await self.inner.send(message)
        if result.outcome is Outcome.TRANSIENT:
            self.breaker.failed()
        else:
            self.breaker.succeeded()
        return result
