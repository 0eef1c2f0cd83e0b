"""Dead-lettering parked messages that waited too long (or that the ledger refused).

A parked message whose prerequisite never arrives within ``consumers.PARKING_LIMIT``
(business time, from the clock) goes to ``<topic>.dlq`` with headers like the consumer
pipeline's, so one DLQ tooling serves both. Rows are claimed ``FOR UPDATE SKIP LOCKED``
(replicas never publish the same row twice), published, then deleted in the same
transaction. A crash between the publish and the commit publishes that dead letter again
on the next scan: harmless, a DLQ is read by people and tools that tolerate a repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

from debtflow_shared.bus.base import OutboundMessage, dead_letter_topic
from debtflow_shared.clock import ControlledClock
from debtflow_shared.logging import get_logger
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.parking_lot import ParkedMessage, ParkingLot
from invoice_svc.consumers import PARKING_LIMIT, REFUSED

log = get_logger(__name__)

DEFAULT_SCAN_SECONDS = 60.0
BATCH_SIZE = 100


async def dead_letter_expired(runtime: ServiceRuntime, *, batch_size: int = BATCH_SIZE) -> int:
    """Dead-letter every parked message expired by now (the clock); how many were sent."""
    sent = 0
    while True:
        async with runtime.uow() as uow:
            lot = ParkingLot(uow.session)
            expired = await lot.expired(uow.clock.now(), limit=batch_size)
            if not expired:
                return sent
            await runtime.bus.publish([_dead_letter(m, runtime.definition.name) for m in expired])
            for message in expired:
                await lot.remove(message.id)
            await uow.commit()
        for message in expired:
            log.warning(
                "dead-lettered a parked message",
                topic=message.envelope.type,
                waiting_for=message.waiting_for,
                event_id=str(message.envelope.id),
            )
            metrics = runtime.metrics
            metrics.dead_letters.labels(
                metrics.service, runtime.definition.name, message.envelope.type
            ).inc()
        sent += len(expired)
        if len(expired) < batch_size:
            return sent


def _dead_letter(message: ParkedMessage, group: str) -> OutboundMessage:
    topic = message.envelope.type
    if message.waiting_for.startswith(REFUSED):
        reason, error = "handler_failed", message.waiting_for.removeprefix(REFUSED)
    else:
        reason = "prerequisite_missing"
        error = f"PrerequisiteMissing: waited {PARKING_LIMIT} for {message.waiting_for}"
    return OutboundMessage(
        topic=dead_letter_topic(topic),
        key=message.envelope.key,
        value=message.envelope.to_bytes(),
        headers=(
            ("dlq.reason", reason.encode()),
            ("dlq.error", error[:4000].encode()),
            ("dlq.topic", topic.encode()),
            ("dlq.group", group.encode()),
            ("dlq.waiting_for", message.waiting_for.encode()),
            ("dlq.time", datetime.now(UTC).isoformat().encode()),
        ),
    )


async def run_parked_expiry(runtime: ServiceRuntime) -> None:
    """Scan, then sleep until the interval passes or a controlled clock is moved; forever."""
    interval = float(getattr(runtime.settings, "parked_expiry_seconds", DEFAULT_SCAN_SECONDS))
    clock = runtime.clock
    moved: asyncio.Event | None = None
    while True:
        # Listen before scanning, so a move during the scan wakes the next one at once.
        if isinstance(clock, ControlledClock) and (moved is None or moved.is_set()):
            moved = clock.changed()
        try:
            await dead_letter_expired(runtime)
        except Exception:
            log.exception("parked-expiry scan failed; will retry", retry_in_seconds=interval)
        if moved is None:
            await asyncio.sleep(interval)
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(moved.wait(), timeout=interval)
