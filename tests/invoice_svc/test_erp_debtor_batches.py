"""erp.debtor in consumer batches: the set-based path ends where message by message would,
each message's events carry that message's ids, and what waited for the debtors is applied."""

from __future__ import annotations

from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.catalog.invoice import InvoiceIssued
from debtflow_shared.envelope import Envelope
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.invoice_svc.test_erp_ingestion_kafka import ERP_DEBTOR
from tests.invoice_svc.test_erp_invoice_batches import new_invoice, traced_message
from tests.support.harness import Backend, eventually


async def test_a_batch_of_debtors_registers_updates_and_releases_what_waited_for_them(
    backend: Backend,
) -> None:
    batch = [
        traced_message("erp.debtor", ERP_DEBTOR | {"erp_id": "C-1"}, "c-1"),
        traced_message("erp.debtor", ERP_DEBTOR | {"erp_id": "C-2"}, "c-2"),
        traced_message("erp.debtor", ERP_DEBTOR | {"erp_id": "C-1", "name": "Renamed"}, "c-3"),
        traced_message("erp.debtor", ERP_DEBTOR | {"erp_id": "C-2"}, "c-4"),  # re-sent as is
    ]
    async with (
        backend.probe(DebtorUpserted.event_type) as upserted,
        backend.probe(InvoiceIssued.event_type) as issued,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        parked = [
            traced_message("erp.invoice", new_invoice(f"INV-{c}", debtor_erp_id=c), f"i-{c}")
            for c in ("C-1", "C-2")
        ]
        await backend.raw_publish(parked)  # before their debtors: parked
        await backend.raw_publish(batch)
        await eventually(lambda: len(upserted.messages) == 3 and len(issued.messages) == 2)
        async with invoice.uow() as uow:
            listed = await DebtorRepository(uow.session).list("tenant-a", after=None, limit=10)
    assert sorted((d.profile.erp_id, d.profile.name, d.version) for d in listed) == [
        ("C-1", "Renamed", 2),
        ("C-2", "Acme Widgets Ltd", 1),
    ]
    sent = {Envelope.from_bytes(m.value).correlationid: Envelope.from_bytes(m.value) for m in batch}
    announced = [
        (e.data["erp_id"], e.data["version"], e.correlationid) for e in upserted.envelopes()
    ]
    assert sorted(announced) == [("C-1", 1, "c-1"), ("C-1", 2, "c-3"), ("C-2", 1, "c-2")]
    for envelope in upserted.envelopes():
        assert envelope.causationid == str(sent[envelope.correlationid].id)
    # The released invoices are their own messages' effects, not the debtors'.
    assert sorted(e.correlationid for e in issued.envelopes()) == ["i-C-1", "i-C-2"]
