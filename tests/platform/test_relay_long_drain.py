"""A drain that outlasts the relay's lease (a backlog after downtime) still finishes."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import func, select

from debtflow_shared.bus.base import MessageBus, MessageHandler, OutboundMessage
from debtflow_shared.catalog.debtor import DebtorUpserted
from invoice_svc.adapters.tables import platform
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.events import debtor_event, emit_committed
from tests.support.harness import Backend, eventually


class SlowBus:
    """The test's real bus, acknowledging each publish only after ``delay`` seconds."""

    def __init__(self, inner: MessageBus, delay: float) -> None:
        self._inner, self._delay = inner, delay

    async def start(self) -> None:
        await self._inner.start()

    async def stop(self) -> None:
        await self._inner.stop()

    async def is_ready(self) -> bool:
        return await self._inner.is_ready()

    def subscribe(self, group: str, topics: Sequence[str], handler: MessageHandler) -> None:
        self._inner.subscribe(group, topics, handler)

    def unsubscribe(self, handler: MessageHandler) -> None:
        self._inner.unsubscribe(handler)

    async def publish(self, messages: Sequence[OutboundMessage]) -> None:
        await asyncio.sleep(self._delay)
        await self._inner.publish(messages)


async def test_a_backlog_taking_longer_than_the_lease_is_published_and_marked_once(
    backend: Backend,
) -> None:
    events = [debtor_event(f"d-{n}") for n in range(60)]
    async with (
        backend.probe(DebtorUpserted.event_type) as seen,
        backend.service(
            INVOICE,
            InvoiceSettings,
            bus=SlowBus(backend.bus(), delay=0.1),
            relay_lease_seconds=0.6,
            relay_batch_size=5,
        ) as invoice,
    ):
        # 12 batches at 0.1 s each: twice the lease, drained in one go.
        await emit_committed(invoice, "t", *events)
        await eventually(lambda: len({e.subject for e in seen.envelopes()}) == 60, within=30)
        await emit_committed(invoice, "t", debtor_event("after-the-backlog"))
        await eventually(lambda: any(e.subject == "after-the-backlog" for e in seen.envelopes()))

        async def all_marked() -> bool:
            async with invoice.engine.connect() as connection:
                unpublished = await connection.scalar(
                    select(func.count())
                    .select_from(platform.outbox)
                    .where(platform.outbox.c.published_at.is_(None))
                )
            return unpublished == 0

        # Marked right after its publish returns; the embedded bus delivers during it, so
        # the probe may see the last message just before its row is marked.
        await eventually(all_marked, message="a published row was left unmarked")
