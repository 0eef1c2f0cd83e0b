"""A service stops promptly whatever it is doing, and loses nothing by stopping."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.db import create_engine
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.tables import debtors, platform
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.invoice_svc.test_erp_ingestion_kafka import ERP_DEBTOR, erp_message
from tests.support.events import debtor_event, emit_committed
from tests.support.harness import Backend, eventually

# Far above a prompt stop (milliseconds), far below the 30 s stalls it replaces.
PROMPT = 10


async def _relay_idle(runtime: ServiceRuntime) -> None:
    await eventually(lambda: runtime.relay.owned, message="the relay never took partitions")
    await asyncio.sleep(0.5)  # its first iteration (drain, prune) done: it waits for a wake-up


async def test_stop_as_a_commit_wakes_the_relay_is_prompt_and_the_event_is_published_later(
    backend: Backend,
) -> None:
    async with backend.service(INVOICE, InvoiceSettings, relay_poll_seconds=60) as invoice:
        await _relay_idle(invoice)
        async with invoice.uow() as uow:
            event = debtor_event("d-1")
            uow.emit(event, tenant_id="t", debtor_id=event.debtor_id)
            await uow.commit()  # wakes the relay: stop cancels it in that same moment
            await asyncio.wait_for(invoice.stop(), timeout=PROMPT)

    async with (
        backend.probe(DebtorUpserted.event_type) as seen,
        backend.service(INVOICE, InvoiceSettings, relay_poll_seconds=0.2),
    ):
        await eventually(lambda: len(seen.messages) == 1, message="the event was lost")
    assert seen.envelopes()[0].subject == "d-1"


async def test_stop_while_a_lock_holds_the_leases_leaves_them_to_expire_and_loses_nothing(
    backend: Backend,
) -> None:
    async with backend.service(
        INVOICE, InvoiceSettings, relay_poll_seconds=60, relay_lease_seconds=6
    ) as doomed:
        await _relay_idle(doomed)
        held_by = doomed.relay.relay_id
        # Another writer (a batch, a consumer) holds the leases' rows: SQLite's one write
        # lock, PostgreSQL's row locks.
        other = create_engine(doomed.database_url, schema=doomed.schema, pool_size=1)
        try:
            async with other.begin() as connection:
                await connection.execute(select(platform.outbox_lease).with_for_update())
                await asyncio.wait_for(doomed.stop(), timeout=PROMPT)
            async with other.connect() as connection:
                owners = set(await connection.scalars(select(platform.outbox_lease.c.owner)))
        finally:
            await other.dispose()
    assert owners == {held_by}  # not released: left to expire

    async with backend.service(INVOICE, InvoiceSettings, relay=False) as writer:
        await emit_committed(writer, "t", debtor_event("d-2"))
    async with (
        backend.probe(DebtorUpserted.event_type) as seen,
        backend.service(INVOICE, InvoiceSettings, relay_poll_seconds=0.2),
    ):
        # Taken over once the stopped relay's leases expired (6 s after their last renewal).
        await eventually(lambda: len(seen.messages) == 1, within=60, message="lost")
    assert seen.envelopes()[0].subject == "d-2"


async def test_stop_while_consuming_a_backlog_on_sqlite_is_prompt_and_the_rest_is_handled_later(
    infra: Backend,
) -> None:
    """Kafka with a SQLite database (``python -m invoice_svc`` without a database URL)."""
    sqlite: dict[str, Any] = {"database_url": None}
    backlog = [
        erp_message("erp.debtor", ERP_DEBTOR | {"erp_id": f"C-{n}"}, customer=f"C-{n}")
        for n in range(300)
    ]
    async with infra.service(INVOICE, InvoiceSettings, **sqlite) as invoice:
        await infra.raw_publish(backlog)
        await eventually(lambda: _debtors(invoice), message="nothing consumed")
        await asyncio.wait_for(invoice.stop(), timeout=PROMPT)

    async with infra.service(INVOICE, InvoiceSettings, **sqlite) as restarted:
        await eventually(lambda: _all_debtors(restarted, len(backlog)), within=90)


async def _debtors(runtime: ServiceRuntime) -> int:
    async with runtime.engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(debtors)) or 0)


async def _all_debtors(runtime: ServiceRuntime, expected: int) -> bool:
    return await _debtors(runtime) == expected
