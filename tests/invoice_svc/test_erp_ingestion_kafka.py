"""ERP topics: upsert by ERP id, bad rows to the DLQ, the stream keeps flowing."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from debtflow_shared.bus.base import InboundMessage, OutboundMessage
from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.catalog.invoice import InvoiceIssued, PaymentReceived
from debtflow_shared.envelope import Envelope
from debtflow_shared.parking import ParkingLot
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.tables import parked_messages
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.domain.invoice import Invoice
from invoice_svc.domain.invoice_filter import InvoiceFilter
from invoice_svc.settings import InvoiceSettings
from tests.support.harness import T0, Backend, Recorder, eventually

ERP_DEBTOR: dict[str, Any] = {
    "erp_id": "CUST-7",
    "name": "Acme Widgets Ltd",
    "country": "GB",
    "currency": "GBP",
    "time_zone": "Europe/London",
}


def erp_message(topic: str, data: dict[str, Any], customer: str = "CUST-7") -> OutboundMessage:
    envelope = Envelope(
        type=topic,
        source="erp",
        subject=customer,
        time=T0,
        tenantid="tenant-a",
        correlationid="erp-batch-1",
        causationid="erp-batch-1",
        data=data,
    )
    return OutboundMessage(topic, envelope.key, envelope.to_bytes())


async def test_erp_debtor_resent_updates_instead_of_duplicating(backend: Backend) -> None:
    async with (
        backend.probe(DebtorUpserted.event_type) as upserted,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        await backend.raw_publish(
            [
                erp_message("erp.debtor", ERP_DEBTOR),
                erp_message("erp.debtor", ERP_DEBTOR),  # the ERP sends it again
                erp_message("erp.debtor", ERP_DEBTOR | {"name": "Acme Group Ltd"}),
            ]
        )
        await eventually(lambda: len(upserted.messages) == 2)

        async with invoice.uow() as uow:
            debtor = await DebtorRepository(uow.session).get_by_erp_id("tenant-a", "CUST-7")
            listed = await DebtorRepository(uow.session).list("tenant-a", after=None, limit=10)
    assert debtor is not None
    assert debtor.profile.name == "Acme Group Ltd"
    assert debtor.version == 2
    assert len(listed) == 1
    assert [e.data["version"] for e in upserted.envelopes()] == [1, 2]


async def test_bad_erp_debtor_goes_to_the_dlq_and_the_next_one_is_applied(
    backend: Backend,
) -> None:
    letter, upserted = await debtor_refused(backend, {"currency": "XXQ"})
    assert letter.header("dlq.reason") == b"invalid"
    assert b"currency" in (letter.header("dlq.error") or b"")
    assert upserted.envelopes()[0].data["erp_id"] == "CUST-8"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "ZZ"}, b"country"),
        (
            {"credit_policy": {"interest": {"kind": "statutory", "jurisdiction": "XX"}}},
            b"jurisdiction",
        ),
        ({"credit_policy": {"interest": {"kind": "contractual"}}}, b"annual_rate_percent"),
    ],
    ids=["country", "jurisdiction", "contractual-rate"],
)
async def test_erp_debtor_whose_ledger_rules_would_fail_later_goes_to_the_dlq_naming_the_field(
    backend: Backend, change: dict[str, Any], field: bytes
) -> None:
    letter, _upserted = await debtor_refused(backend, change)
    assert letter.header("dlq.reason") == b"invalid"
    assert field in (letter.header("dlq.error") or b"")


ERP_INVOICE: dict[str, Any] = {
    "erp_id": "INV-7-1",
    "debtor_erp_id": "CUST-7",
    "number": "2026-0001",
    "issue_date": "2026-03-01",
    "due_date": "2026-03-31",
    "currency": "GBP",
    "amount_minor": 10_000,
}


async def _invoices(invoice: ServiceRuntime) -> list[Invoice]:
    async with invoice.uow() as uow:
        return await InvoiceRepository(uow.session).search(
            "tenant-a", InvoiceFilter(), now=T0, after=None, limit=100
        )


async def _parked(invoice: ServiceRuntime) -> int:
    async with invoice.uow() as uow:
        return await ParkingLot(uow.session, parked_messages).count()


async def test_erp_invoice_before_its_debtor_is_parked_then_issued_when_the_debtor_arrives(
    backend: Backend,
) -> None:
    async with (
        backend.probe(InvoiceIssued.event_type) as issued,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        await backend.raw_publish([erp_message("erp.invoice", ERP_INVOICE)])
        await eventually(lambda: _parked(invoice))
        assert await _invoices(invoice) == []

        await backend.raw_publish([erp_message("erp.debtor", ERP_DEBTOR)])
        await eventually(lambda: len(issued.messages) == 1)
        assert await _parked(invoice) == 0
        [stored] = await _invoices(invoice)
    assert stored.erp_id == "INV-7-1"
    assert issued.envelopes()[0].data["invoice"]["amount"] == {
        "amount_minor": 10_000,
        "currency": "GBP",
    }


async def test_erp_invoice_resent_is_one_invoice_issued_once(backend: Backend) -> None:
    async with (
        backend.probe(InvoiceIssued.event_type, "invoice.updated") as seen,
        backend.probe(DebtorUpserted.event_type) as upserted,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        await backend.raw_publish([erp_message("erp.debtor", ERP_DEBTOR)])
        await eventually(lambda: len(upserted.messages) == 1)
        await backend.raw_publish(
            [erp_message("erp.invoice", ERP_INVOICE), erp_message("erp.invoice", ERP_INVOICE)]
        )
        await eventually(lambda: len(seen.messages) == 1)
        # A later message on the same key proves both copies were handled.
        await backend.raw_publish(
            [erp_message("erp.invoice", ERP_INVOICE | {"amount_minor": 12_000})]
        )
        await eventually(lambda: len(seen.messages) == 2)
        stored = await _invoices(invoice)
    # Two topics, no order between them: compare as a set.
    assert sorted(e.type for e in seen.envelopes()) == ["invoice.issued", "invoice.updated"]
    assert [i.amount_minor for i in stored] == [12_000]


async def test_erp_payment_is_allocated_to_the_invoices_it_names_by_erp_id(
    backend: Backend,
) -> None:
    async with (
        backend.probe(PaymentReceived.event_type) as received,
        backend.probe(InvoiceIssued.event_type) as issued,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        await backend.raw_publish(
            [
                erp_message("erp.debtor", ERP_DEBTOR),
                erp_message("erp.invoice", ERP_INVOICE | {"due_date": "2026-03-10"}),
                erp_message("erp.invoice", ERP_INVOICE | {"erp_id": "INV-7-2", "number": "2"}),
            ]
        )
        await eventually(lambda: len(issued.messages) == 2)
        payment = {
            "erp_id": "PAY-1",
            "debtor_erp_id": "CUST-7",
            "amount": {"amount_minor": 10_000, "currency": "GBP"},
            "received_on": "2026-03-02",
            "invoice_erp_ids": ["INV-7-2"],  # not the oldest due: the payer said which
        }
        await backend.raw_publish([erp_message("erp.payment", payment)])
        await eventually(lambda: len(received.messages) == 1)
        stored = {i.erp_id: i for i in await _invoices(invoice)}
    assert stored["INV-7-2"].open_balance_minor == 0
    assert stored["INV-7-1"].open_balance_minor == 10_000
    [allocation] = received.envelopes()[0].data["allocations"]
    assert allocation["invoice_id"] == stored["INV-7-2"].id


@pytest.mark.parametrize(
    "bad",
    [
        {"amount_minor": -1},
        {"currency": "XXQ"},
        {"issue_date": "2026-02-30"},
        {"currency": "XXX"},
        {"lines": [{"description": "Widgets", "amount_minor": 9_000}]},
    ],
    ids=["negative", "unknown-currency", "malformed-date", "no-currency", "lines-not-adding-up"],
)
async def test_invalid_erp_invoice_goes_to_the_dlq_and_the_next_one_is_applied(
    backend: Backend, bad: dict[str, Any]
) -> None:
    letter, issued = await invoice_refused(backend, bad)
    assert letter.header("dlq.reason") == b"invalid"
    field = next(iter(bad)).encode()
    assert field in (letter.header("dlq.error") or b"")
    assert issued.envelopes()[0].data["invoice"]["erp_id"] == "INV-7-2"


async def test_erp_invoice_the_ledger_refuses_is_dead_lettered_at_once_with_the_reason(
    backend: Backend,
) -> None:
    async with (
        backend.probe("erp.invoice.dlq") as dead,
        backend.probe(InvoiceIssued.event_type) as issued,
        backend.probe(DebtorUpserted.event_type) as upserted,
        backend.service(INVOICE, InvoiceSettings),
    ):
        await backend.raw_publish([erp_message("erp.debtor", ERP_DEBTOR)])
        await eventually(lambda: len(upserted.messages) == 1)
        await backend.raw_publish(
            [
                erp_message("erp.invoice", ERP_INVOICE | {"amount_minor": 0}),
                erp_message("erp.invoice", ERP_INVOICE | {"erp_id": "INV-7-2"}),
            ]
        )
        await eventually(lambda: len(dead.messages) == 1 and len(issued.messages) == 1)
    assert dead.messages[0].header("dlq.reason") == b"handler_failed"
    assert b"amount" in (dead.messages[0].header("dlq.error") or b"")


async def test_erp_invoice_resent_in_another_currency_is_dead_lettered_naming_the_currency(
    backend: Backend,
) -> None:
    async with (
        backend.probe("erp.invoice.dlq") as dead,
        backend.probe(InvoiceIssued.event_type) as issued,
        backend.probe(DebtorUpserted.event_type) as upserted,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        await backend.raw_publish([erp_message("erp.debtor", ERP_DEBTOR)])
        await eventually(lambda: len(upserted.messages) == 1)
        await backend.raw_publish([erp_message("erp.invoice", ERP_INVOICE)])
        await eventually(lambda: len(issued.messages) == 1)
        await backend.raw_publish([erp_message("erp.invoice", ERP_INVOICE | {"currency": "EUR"})])
        await eventually(lambda: len(dead.messages) == 1)
        [stored] = await _invoices(invoice)
    assert dead.messages[0].header("dlq.reason") == b"handler_failed"
    assert b"CurrencyIsFixed: amount.currency" in (dead.messages[0].header("dlq.error") or b"")
    assert stored.currency == "GBP"


async def test_parked_erp_invoice_whose_debtor_never_arrives_goes_to_the_dlq(
    backend: Backend,
) -> None:
    async with (
        backend.probe("erp.invoice.dlq") as dead,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        await backend.raw_publish([erp_message("erp.invoice", ERP_INVOICE)])
        await eventually(lambda: _parked(invoice))
        backend.clock.advance(timedelta(hours=23))
        await asyncio.sleep(0.2)
        assert dead.messages == []

        backend.clock.advance(timedelta(hours=2))
        await eventually(lambda: len(dead.messages) == 1)
        assert await _parked(invoice) == 0
    message = dead.messages[0]
    assert message.header("dlq.reason") == b"prerequisite_missing"
    assert b"debtor:CUST-7" in (message.header("dlq.error") or b"")
    assert message.header("dlq.topic") == b"erp.invoice"
    assert message.header("dlq.group") == b"invoice-svc"
    assert Envelope.from_bytes(message.value).data["erp_id"] == "INV-7-1"


async def test_an_expired_parked_invoice_replayed_after_its_debtor_arrives_is_issued_once(
    backend: Backend,
) -> None:
    async with (
        backend.probe("erp.invoice.dlq") as dead,
        backend.probe(InvoiceIssued.event_type) as issued,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        await backend.raw_publish([erp_message("erp.invoice", ERP_INVOICE)])
        await eventually(lambda: _parked(invoice))
        backend.clock.advance(timedelta(hours=25))
        await eventually(lambda: len(dead.messages) == 1)
        await backend.raw_publish([erp_message("erp.debtor", ERP_DEBTOR)])
        await eventually(lambda: _debtor_known(invoice))

        # What `debtflow dlq replay` sends: the dead letter's value on its own topic, twice.
        letter = dead.messages[0]
        replay = OutboundMessage("erp.invoice", letter.key or "", letter.value)
        await backend.raw_publish([replay, replay])
        await eventually(lambda: len(issued.messages) == 1)
        await asyncio.sleep(0.3)
        assert len(issued.messages) == 1
        [stored] = await _invoices(invoice)
    assert stored.erp_id == "INV-7-1"


async def _debtor_known(invoice: ServiceRuntime) -> bool:
    async with invoice.uow() as uow:
        found = await DebtorRepository(uow.session).get_by_erp_id("tenant-a", "CUST-7")
    return found is not None


async def debtor_refused(backend: Backend, bad: dict[str, Any]) -> tuple[InboundMessage, Recorder]:
    """Publish ``ERP_DEBTOR | bad``, then a good debtor (CUST-8); the bad one's dead letter
    and what was upserted, once both are through (the partition kept flowing)."""
    async with (
        backend.probe("erp.debtor.dlq") as dead,
        backend.probe(DebtorUpserted.event_type) as upserted,
        backend.service(INVOICE, InvoiceSettings),
    ):
        await backend.raw_publish(
            [
                erp_message("erp.debtor", ERP_DEBTOR | bad),
                erp_message("erp.debtor", ERP_DEBTOR | {"erp_id": "CUST-8"}),
            ]
        )
        await eventually(lambda: len(dead.messages) == 1 and len(upserted.messages) == 1)
    return dead.messages[0], upserted


async def invoice_refused(backend: Backend, bad: dict[str, Any]) -> tuple[InboundMessage, Recorder]:
    """Register CUST-7, publish ``ERP_INVOICE | bad``, then a good invoice (INV-7-2); the bad
    one's dead letter and what was issued, once both are through."""
    async with (
        backend.probe("erp.invoice.dlq") as dead,
        backend.probe(InvoiceIssued.event_type) as issued,
        backend.probe(DebtorUpserted.event_type) as upserted,
        backend.service(INVOICE, InvoiceSettings),
    ):
        await backend.raw_publish([erp_message("erp.debtor", ERP_DEBTOR)])
        await eventually(lambda: len(upserted.messages) == 1)
        await backend.raw_publish(
            [
                erp_message("erp.invoice", ERP_INVOICE | bad),
                erp_message("erp.invoice", ERP_INVOICE | {"erp_id": "INV-7-2"}),
            ]
        )
        await eventually(lambda: len(dead.messages) == 1 and len(issued.messages) == 1)
    return dead.messages[0], issued


async def test_a_parked_invoice_refused_once_its_debtor_arrives_is_dead_lettered_and_replayable(
    backend: Backend,
) -> None:
    async with (
        every_message(backend, "erp.invoice.dlq") as dead,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        parked = erp_message("erp.invoice", ERP_INVOICE | {"amount_minor": 0})
        await backend.raw_publish([parked])
        await eventually(lambda: _parked(invoice))
        await backend.raw_publish([erp_message("erp.debtor", ERP_DEBTOR)])
        await eventually(lambda: _debtor_known(invoice))
        backend.clock.advance(timedelta(seconds=1))  # wakes the expiry: refused ones go now
        await eventually(lambda: len(dead) == 1)
        event_id = str(Envelope.from_bytes(parked.value).id)
        assert not await _claimed(invoice, event_id)  # its effect was never applied

        # A replay is handled (refused again, at once: the debtor is there), not dropped.
        await backend.raw_publish([OutboundMessage("erp.invoice", parked.key, dead[0].value)])
        await eventually(lambda: len(dead) == 2)
    assert [m.header("dlq.reason") for m in dead] == [b"handler_failed", b"handler_failed"]
    assert b"amount" in (dead[0].header("dlq.error") or b"")
    assert dead[0].header("dlq.waiting_for") is not None


async def _claimed(invoice: ServiceRuntime, event_id: str) -> bool:
    inbox = INVOICE.tables.inbox
    async with invoice.engine.connect() as connection:
        found = await connection.scalar(
            select(inbox.c.event_id).where(
                inbox.c.consumer == INVOICE.name, inbox.c.event_id == event_id
            )
        )
    return found is not None


@contextlib.asynccontextmanager
async def every_message(backend: Backend, topic: str) -> AsyncIterator[list[InboundMessage]]:
    """Every message on ``topic``, copies included (a probe keeps one of identical values)."""
    seen: list[InboundMessage] = []

    async def record(message: InboundMessage) -> None:
        seen.append(message)

    bus = backend.bus()
    bus.subscribe(f"every-{uuid.uuid4().hex[:6]}", [topic], record)
    await backend.start_bus(bus)
    try:
        yield seen
    finally:
        if backend.is_infra:
            await bus.stop()
