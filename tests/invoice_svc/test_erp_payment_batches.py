"""erp.payment in consumer batches: the set-based path ends where message by message would,
each message's events carry that message's ids, and a refused row still goes to the DLQ
alone."""

from __future__ import annotations

from typing import Any

from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.catalog.invoice import InvoiceIssued, PaymentReceived
from debtflow_shared.envelope import Envelope
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.invoice_svc.test_erp_ingestion_kafka import ERP_DEBTOR, _invoices
from tests.invoice_svc.test_erp_invoice_batches import new_invoice, traced_message
from tests.support.harness import Backend, eventually


def payment(erp_id: str, amount_minor: int, *named: str, **change: Any) -> dict[str, Any]:
    return {
        "erp_id": erp_id,
        "debtor_erp_id": "CUST-7",
        "amount": {"amount_minor": amount_minor, "currency": "GBP"},
        "received_on": "2026-03-05",
        "invoice_erp_ids": list(named),
    } | change


async def test_a_batch_of_payments_allocates_as_one_by_one_would_each_with_its_own_ids(
    backend: Backend,
) -> None:
    batch = [
        payment("PAY-1", 4_000, "INV-2"),  # named: not the oldest
        payment("PAY-2", 7_000),  # oldest first: INV-1, then on to INV-2
        payment("PAY-1", 4_000, "INV-2"),  # re-sent: recorded once
        payment("PAY-3", 1_000, "INV-9"),  # names an invoice not yet here: parked
    ]
    messages = [traced_message("erp.payment", p, f"p-{n}") for n, p in enumerate(batch)]
    async with (
        backend.probe(DebtorUpserted.event_type, InvoiceIssued.event_type) as ready,
        backend.probe(PaymentReceived.event_type) as received,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        await backend.raw_publish([traced_message("erp.debtor", ERP_DEBTOR, "d")])
        await eventually(lambda: len(ready.messages) == 1)
        await backend.raw_publish(
            [
                traced_message("erp.invoice", new_invoice("INV-1", due_date="2026-03-10"), "i1"),
                traced_message("erp.invoice", new_invoice("INV-2"), "i2"),
            ]
        )
        await eventually(lambda: len(ready.messages) == 3)
        await backend.raw_publish(messages)  # one batch
        await eventually(lambda: len(received.messages) == 2)
        await backend.raw_publish([traced_message("erp.invoice", new_invoice("INV-9"), "i9")])
        await eventually(lambda: len(received.messages) == 3)
        stored = {i.erp_id: i.open_balance_minor for i in await _invoices(invoice)}
    # INV-2 took 4,000 named; 7,000 paid INV-1 (10,000) first; PAY-3 paid INV-9 once it came.
    assert stored == {"INV-1": 3_000, "INV-2": 6_000, "INV-9": 9_000}
    sent = {
        Envelope.from_bytes(m.value).correlationid: Envelope.from_bytes(m.value) for m in messages
    }
    by_payment = {e.data["erp_id"]: e for e in received.envelopes()}
    for erp_id, correlation in (("PAY-1", "p-0"), ("PAY-2", "p-1"), ("PAY-3", "p-3")):
        assert by_payment[erp_id].correlationid == correlation
        assert by_payment[erp_id].causationid == str(sent[correlation].id)


async def test_a_payment_the_ledger_refuses_goes_to_the_dlq_and_the_rest_of_its_batch_applies(
    backend: Backend,
) -> None:
    async with (
        backend.probe(DebtorUpserted.event_type, InvoiceIssued.event_type) as ready,
        backend.probe(PaymentReceived.event_type) as received,
        backend.probe("erp.payment.dlq") as dead,
        backend.service(INVOICE, InvoiceSettings),
    ):
        await backend.raw_publish([traced_message("erp.debtor", ERP_DEBTOR, "d")])
        await eventually(lambda: len(ready.messages) == 1)
        await backend.raw_publish([traced_message("erp.invoice", new_invoice("INV-1"), "i1")])
        await eventually(lambda: len(ready.messages) == 2)
        batch = [
            payment("PAY-1", 1_000),
            payment("PAY-2", 1_000, amount={"amount_minor": 1_000, "currency": "EUR"}),
            payment("PAY-3", 1_000),
        ]
        await backend.raw_publish(
            [traced_message("erp.payment", p, f"p-{n}") for n, p in enumerate(batch)]
        )
        await eventually(lambda: len(received.messages) == 2 and len(dead.messages) == 1)
    assert sorted(e.data["erp_id"] for e in received.envelopes()) == ["PAY-1", "PAY-3"]
    assert dead.messages[0].header("dlq.reason") == b"handler_failed"
    assert b"PAY-2" in dead.messages[0].value
