"""erp.invoice in consumer batches: the set-based path ends where message by message would,
and each message's events carry that message's ids."""

from __future__ import annotations

from typing import Any

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.catalog.invoice import InvoiceCancelled, InvoiceIssued
from debtflow_shared.envelope import Envelope
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.invoice_svc.test_erp_ingestion_kafka import ERP_DEBTOR, ERP_INVOICE, _invoices
from tests.support.harness import T0, Backend, eventually


def traced_message(topic: str, data: dict[str, Any], correlation: str) -> OutboundMessage:
    envelope = Envelope(
        type=topic,
        source="erp",
        subject=data.get("debtor_erp_id", data.get("erp_id", "x")),
        time=T0,
        tenantid="tenant-a",
        correlationid=correlation,
        causationid=correlation,
        data=data,
    )
    return OutboundMessage(topic, envelope.key, envelope.to_bytes())


def new_invoice(erp_id: str, **change: Any) -> dict[str, Any]:
    return ERP_INVOICE | {"erp_id": erp_id, "number": erp_id} | change


async def test_each_invoice_of_a_batch_carries_its_own_messages_correlation_and_causation(
    backend: Backend,
) -> None:
    limited = ERP_DEBTOR | {
        "credit_policy": {"credit_limit": {"amount_minor": 25_000, "currency": "GBP"}}
    }
    messages = [
        traced_message("erp.invoice", new_invoice(f"INV-{n}"), f"corr-{n}") for n in range(3)
    ]
    async with (
        backend.probe(DebtorUpserted.event_type) as upserted,
        backend.probe(InvoiceIssued.event_type, "debtor.credit_hold") as seen,
        backend.service(INVOICE, InvoiceSettings),
    ):
        await backend.raw_publish([traced_message("erp.debtor", limited, "corr-debtor")])
        await eventually(lambda: len(upserted.messages) == 1)
        await backend.raw_publish(messages)  # one batch
        await eventually(lambda: len(seen.messages) == 4)
    sent = {
        Envelope.from_bytes(m.value).correlationid: Envelope.from_bytes(m.value) for m in messages
    }
    issued = {
        e.data["invoice"]["erp_id"]: e for e in seen.envelopes() if e.type == "invoice.issued"
    }
    for n in range(3):
        assert issued[f"INV-{n}"].correlationid == f"corr-{n}"
        assert issued[f"INV-{n}"].causationid == str(sent[f"corr-{n}"].id)
    [hold] = [e for e in seen.envelopes() if e.type == "debtor.credit_hold"]
    # The third invoice took the balance over the limit: the hold is its effect.
    assert (hold.correlationid, hold.causationid) == ("corr-2", str(sent["corr-2"].id))


async def test_a_mixed_batch_ends_as_applying_its_messages_one_by_one_would(
    backend: Backend,
) -> None:
    """New, re-sent, amended, cancelled and parked invoices in one batch."""
    batch = [
        new_invoice("INV-1"),
        new_invoice("INV-2", debtor_erp_id="CUST-LATER"),  # its debtor comes later: parked
        new_invoice("INV-1"),  # re-sent unchanged
        new_invoice("INV-1", amount_minor=12_500),  # amended
        new_invoice("INV-3"),
        new_invoice("INV-3", cancelled=True),
        new_invoice("INV-4"),
        new_invoice("INV-0", cancelled=True),  # cancelled before we ever saw it
    ]
    async with (
        backend.probe(DebtorUpserted.event_type) as upserted,
        backend.probe(InvoiceIssued.event_type, InvoiceCancelled.event_type) as seen,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        await backend.raw_publish([traced_message("erp.debtor", ERP_DEBTOR, "d")])
        await eventually(lambda: len(upserted.messages) == 1)
        await backend.raw_publish(
            [traced_message("erp.invoice", data, f"c-{n}") for n, data in enumerate(batch)]
        )
        await eventually(lambda: len(seen.messages) == 4)  # INV-1, 3, 4 issued; 3 cancelled
        later = ERP_DEBTOR | {"erp_id": "CUST-LATER", "name": "Later Ltd"}
        await backend.raw_publish([traced_message("erp.debtor", later, "d2")])
        await eventually(lambda: len(seen.messages) == 5)
        stored = {str(i.erp_id): i for i in await _invoices(invoice)}
    assert sorted(stored) == ["INV-1", "INV-2", "INV-3", "INV-4"]
    assert stored["INV-1"].amount_minor == 12_500
    assert stored["INV-3"].status.value == "cancelled"
    assert stored["INV-4"].open_balance_minor == 10_000
    issued = sorted(
        e.data["invoice"]["erp_id"] for e in seen.envelopes() if e.type == "invoice.issued"
    )
    assert issued == ["INV-1", "INV-2", "INV-3", "INV-4"]  # each once
