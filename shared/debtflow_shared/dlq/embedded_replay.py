"""Replaying on the embedded bus, from a process other than ``debtflow run``.

The embedded bus delivers only inside its own process, so a replay runs the services'
consumers here: the caller builds the suite's runtimes on one :class:`EmbeddedBus`
(pointed at the same dead-letter file, so what fails again is dead-lettered again, not
lost), :class:`EmbeddedReplay` runs their outbox relays while the letters are published,
until every outbox is drained, so the replayed effects' own events reach their consumers
too, then stops everything. Background work (sweepers, timers) is not started.

Safe beside a running ``debtflow run`` on the same data folder:

* the service databases and the dead-letter file are SQLite in WAL mode with a busy
  timeout and write transactions that take the lock up front (``debtflow_shared.db``):
  two processes take turns writing, neither sees the other's half-done transaction;
* a replayed message is applied in one transaction with its inbox claim, so whichever
  process gets to an event first applies it and the other drops it as a duplicate;
* the outbox rows the effects write are published by whichever relay holds their
  partition's lease (the relays share the partitions through ``outbox_lease``), never by
  two at once; the rows ``debtflow run`` publishes are delivered to its own consumers.
  Draining therefore waits until the outboxes hold nothing unpublished, whoever publishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from types import TracebackType

from sqlalchemy import func, select

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.logging import get_logger
from debtflow_shared.service import ServiceRuntime

log = get_logger(__name__)


class EmbeddedReplay:
    """An async context: the runtimes' consumers and relays running on ``bus`` until drained.

    The runtimes must be built on ``bus`` (their consumers subscribe at construction) and
    their databases migrated. ``unpublished`` tells, after exit, how many outbox rows were
    still waiting when ``settle_seconds`` ran out (``debtflow run`` delivers them later).
    """

    def __init__(
        self,
        bus: EmbeddedBus,
        runtimes: Sequence[ServiceRuntime],
        *,
        settle_seconds: float = 60.0,
        check_seconds: float = 0.05,
    ) -> None:
        if any(runtime.bus is not bus for runtime in runtimes):
            raise ValueError("every runtime must consume from the replay's bus")
        self._bus = bus
        self._runtimes = list(runtimes)
        self._settle_seconds = settle_seconds
        self._check_seconds = check_seconds
        self._relays: list[asyncio.Task[None]] = []
        self.unpublished = 0

    async def __aenter__(self) -> EmbeddedReplay:
        await self._bus.start()
        self._relays = [
            asyncio.create_task(r.relay.run(), name=f"{r.definition.name}-replay-relay")
            for r in self._runtimes
        ]
        return self

    async def publish(self, messages: Sequence[OutboundMessage]) -> None:
        """Deliver to the consumers here; returns once each handled it (or dead-lettered it)."""
        await self._bus.publish(messages)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc is None:
                self.unpublished = await self.drain()
        finally:
            for task in self._relays:
                task.cancel()
            for task in self._relays:
                with contextlib.suppress(asyncio.CancelledError):
                    await task  # its finally releases the relay's leases
            self._relays = []
            for runtime in self._runtimes:
                await runtime.stop()
            await self._bus.stop()

    async def drain(self) -> int:
        """Wait until no outbox holds an unpublished row (or the time is up); how many do."""
        deadline = time.monotonic() + self._settle_seconds
        while True:
            waiting = sum([await _unpublished(runtime) for runtime in self._runtimes])
            if waiting == 0:
                return 0
            if time.monotonic() > deadline or any(task.done() for task in self._relays):
                log.warning("outbox rows still unpublished after the replay", rows=waiting)
                return waiting
            await asyncio.sleep(self._check_seconds)


async def _unpublished(runtime: ServiceRuntime) -> int:
    outbox = runtime.definition.tables.outbox
    query = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
    async with runtime.engine.connect() as connection:
        return int(await connection.scalar(query) or 0)
