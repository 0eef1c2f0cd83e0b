"""A relay killed between the commit and the publish loses nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from debtflow_shared.bus.base import InboundMessage, MessageHandler, OutboundMessage
from debtflow_shared.catalog.debtor import DebtorUpserted
from invoice_svc.adapters.tables import platform
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.events import debtor_event, emit_committed
from tests.support.harness import Backend, eventually


class HangingBus:
    """A broker that never acknowledges: the relay is stuck inside publish when killed."""

    def __init__(self) -> None:
        self.attempted = asyncio.Event()

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def is_ready(self) -> bool:
        return True

    def subscribe(self, group: str, topics: Sequence[str], handler: MessageHandler) -> None: ...

    def unsubscribe(self, handler: MessageHandler) -> None: ...

    async def publish(self, messages: Sequence[OutboundMessage]) -> None:
        self.attempted.set()
        await asyncio.Event().wait()

    async def deliver(self, message: InboundMessage) -> None: ...


async def test_event_committed_before_a_relay_crash_is_published_after_restart(
    backend: Backend,
) -> None:
    hanging = HangingBus()
    async with backend.service(
        INVOICE, InvoiceSettings, bus=hanging, relay_id="crashed-relay"
    ) as doomed:
        await emit_committed(doomed, "t", debtor_event("d-1"))
        await asyncio.wait_for(hanging.attempted.wait(), timeout=20)
        # Crash: the task dies mid-publish; pretend its process vanished without cleanup
        # by leaving its leases held (they must expire before anyone else takes over).
        relay_task = next(t for t in doomed._tasks if t.get_name().endswith("-relay"))
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
        async with doomed.engine.begin() as connection:
            await connection.execute(
                update(platform.outbox_lease).values(
                    owner="crashed-relay", lease_until=datetime.now(UTC) + timedelta(seconds=2)
                )
            )
            unpublished = await connection.scalar(
                select(func.count())
                .select_from(platform.outbox)
                .where(platform.outbox.c.published_at.is_(None))
            )
        assert unpublished == 1

    async with (
        backend.probe(DebtorUpserted.event_type) as seen,
        backend.service(INVOICE, InvoiceSettings) as restarted,
    ):
        await eventually(
            lambda: len(seen.messages) == 1,
            within=30,
            message="the committed event was lost with the relay",
        )
        assert seen.envelopes()[0].subject == "d-1"
        assert restarted.relay.owned
