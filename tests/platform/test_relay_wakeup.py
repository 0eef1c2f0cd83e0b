"""The relay is woken by commits, not by its fallback poll."""

from __future__ import annotations

import asyncio

from debtflow_shared.catalog.debtor import DebtorUpserted
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.events import debtor_event, emit_committed
from tests.support.harness import Backend, eventually


async def test_event_arrives_with_fallback_polling_set_to_an_hour(backend: Backend) -> None:
    async with (
        backend.probe(DebtorUpserted.event_type) as seen,
        backend.service(INVOICE, InvoiceSettings, relay_poll_seconds=3600) as invoice,
    ):
        await eventually(lambda: bool(invoice.relay.owned), message="relay owns no partition")
        await asyncio.sleep(0.5)  # let the start-up drain pass: only a wake-up can help now
        await emit_committed(invoice, "t", debtor_event("d-1"))
        await eventually(
            lambda: len(seen.messages) == 1,
            within=30,
            message="no wake-up: the event waited for the hourly poll",
        )
