"""A unit of work's savepoint undoes what it collected, not only what it wrote."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import select

from debtflow_shared.envelope import Envelope
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.tables import platform
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.domain.invoice import Invoice, InvoiceTerms
from invoice_svc.settings import InvoiceSettings
from tests.support.events import debtor_event
from tests.support.harness import T0, Backend

TENANT = "tenant-a"


@pytest.fixture
async def runtime(backend: Backend) -> AsyncIterator[ServiceRuntime]:
    async with backend.service(INVOICE, InvoiceSettings) as running:
        yield running


def issued(invoice_id: str) -> Invoice:
    terms = InvoiceTerms(
        number=invoice_id,
        currency="GBP",
        issue_date=date(2026, 3, 1),
        due_date=date(2026, 3, 31),
        amount_minor=10_000,
    )
    return Invoice.issue(
        invoice_id=invoice_id,
        tenant_id=TENANT,
        debtor_id="d-1",
        erp_id=invoice_id,
        terms=terms,
        time_zone="Europe/London",
        now=T0,
    )


async def outbox(runtime: ServiceRuntime) -> list[tuple[str, str | None]]:
    """(type, invoice id) of every event written to the outbox, in order."""
    async with runtime.engine.connect() as connection:
        values = await connection.scalars(
            select(platform.outbox.c.value).order_by(platform.outbox.c.id)
        )
        envelopes = [Envelope.from_bytes(v) for v in values]
    return [(e.type, (e.data.get("invoice") or {}).get("invoice_id")) for e in envelopes]


async def test_a_failed_savepoint_drops_the_events_collected_inside_it(
    runtime: ServiceRuntime,
) -> None:
    async with runtime.uow() as uow:
        repository = InvoiceRepository(uow.session)
        before = issued("INV-BEFORE")
        await repository.add(before)
        uow.track(before)

        async def fails_after_tracking() -> None:
            async with uow.savepoint():
                inside = issued("INV-INSIDE")
                await repository.add(inside)
                uow.track(inside)
                before.write_off(reason="in the failed savepoint", now=T0)
                await repository.save(before)
                uow.emit(debtor_event("d-1", 1, "staged inside"), tenant_id=TENANT, debtor_id="d-1")
                raise RuntimeError("fails deep inside, after its aggregates were tracked")

        with pytest.raises(RuntimeError, match="deep inside"):
            await fails_after_tracking()
        await uow.commit()
    assert await outbox(runtime) == [("invoice.issued", "INV-BEFORE")]
    async with runtime.uow() as uow:
        repository = InvoiceRepository(uow.session)
        assert await repository.get(TENANT, "INV-INSIDE") is None
        kept = await repository.get(TENANT, "INV-BEFORE")
    assert kept is not None
    assert kept.status.value == "open"


async def test_a_savepoint_that_succeeds_keeps_every_aggregates_events_in_order(
    runtime: ServiceRuntime,
) -> None:
    async with runtime.uow() as uow:
        repository = InvoiceRepository(uow.session)
        first = issued("INV-1")
        await repository.add(first)
        uow.track(first)
        async with uow.savepoint():
            second = issued("INV-2")
            await repository.add(second)
            uow.track(second)
            first.write_off(reason="kept", now=T0)
            await repository.save(first)
        await uow.commit()
    written = await outbox(runtime)
    assert [kind for kind, invoice in written if invoice == "INV-1"] == [
        "invoice.issued",
        "invoice.written_off",
    ]
    assert [kind for kind, invoice in written if invoice == "INV-2"] == ["invoice.issued"]
