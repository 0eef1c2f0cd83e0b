"""Dead-lettering parked messages that waited too long (or that their handler refused).

A parked message whose prerequisite never arrives within ``parking.PARKING_LIMIT``
(business time, from the clock) goes to ``<topic>.dlq`` with the reason
``prerequisite_missing``; one refused after its prerequisite arrived, with
``handler_failed`` and the refusal. Its inbox claim is released in the same transaction:
its effect was never applied, so a replay of the dead letter is applied, not dropped.

Rows are claimed ``FOR UPDATE SKIP LOCKED`` (replicas never publish the same row twice),
published, then deleted in the same transaction. A crash between the publish and the
commit publishes that dead letter again on the next scan: harmless, a DLQ is read by
people and tools that tolerate a repeat, and a replay is deduplicated by the inbox.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Table

from debtflow_shared import inbox
from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.dead_letters import DeadLetterReason, dead_letter
from debtflow_shared.logging import get_logger
from debtflow_shared.parking import PARKING_LIMIT, ParkedMessage, ParkingLot
from debtflow_shared.periodic import run_periodically

if TYPE_CHECKING:
    from debtflow_shared.service import ServiceRuntime

log = get_logger(__name__)

BATCH_SIZE = 100


async def dead_letter_expired(runtime: ServiceRuntime, *, batch_size: int = BATCH_SIZE) -> int:
    """Dead-letter every parked message expired by now (the clock); how many were sent."""
    table = _parking_table(runtime)
    group = runtime.definition.name
    sent = 0
    while True:
        async with runtime.uow() as uow:
            lot = ParkingLot(uow.session, table)
            expired = await lot.expired(uow.clock.now(), limit=batch_size)
            if not expired:
                return sent
            await runtime.bus.publish([_dead_letter(message, group) for message in expired])
            for message in expired:
                await lot.remove(message.id)
                await inbox.release(
                    uow.session, runtime.definition.tables, group, str(message.envelope.id)
                )
            await uow.commit()
        metrics = runtime.metrics
        for message in expired:
            log.warning(
                "dead-lettered a parked message",
                topic=message.envelope.type,
                waiting_for=message.waiting_for,
                event_id=str(message.envelope.id),
            )
            metrics.dead_letters.labels(metrics.service, group, message.envelope.type).inc()
        sent += len(expired)
        if len(expired) < batch_size:
            return sent


async def run_parked_expiry(runtime: ServiceRuntime) -> None:
    """Scan every ``parked_expiry_seconds``, and at once whenever a controlled clock moves."""
    await run_periodically(
        lambda: dead_letter_expired(runtime),
        name="parked-message expiry",
        interval=runtime.settings.parked_expiry_seconds,
        clock=runtime.clock,
    )


def _parking_table(runtime: ServiceRuntime) -> Table:
    table = runtime.definition.parking_table
    if table is None:
        raise RuntimeError(f"{runtime.definition.name} declares no parking_table")
    return table


def _dead_letter(message: ParkedMessage, group: str) -> OutboundMessage:
    refusal = message.refusal
    if refusal is not None:
        reason, error = DeadLetterReason.HANDLER_FAILED, refusal
    else:
        reason = DeadLetterReason.PREREQUISITE_MISSING
        error = f"PrerequisiteMissing: waited {PARKING_LIMIT} for {message.waiting_for}"
    return dead_letter(
        topic=message.envelope.type,
        key=message.envelope.key,
        value=message.envelope.to_bytes(),
        reason=reason,
        error=error,
        group=group,
        waiting_for=message.waiting_for,
    )
