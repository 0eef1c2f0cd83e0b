"""ERP topics: upsert by ERP id, bad rows to the DLQ, the stream keeps flowing."""

from __future__ import annotations

from typing import Any

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.envelope import Envelope
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.harness import T0, Backend, eventually

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
    async with (
        backend.probe("erp.debtor.dlq") as dead,
        backend.probe(DebtorUpserted.event_type) as upserted,
        backend.service(INVOICE, InvoiceSettings),
    ):
        await backend.raw_publish(
            [
                erp_message("erp.debtor", ERP_DEBTOR | {"currency": "XXQ"}),
                erp_message("erp.debtor", ERP_DEBTOR | {"erp_id": "CUST-8"}),
            ]
        )
        await eventually(lambda: len(dead.messages) == 1 and len(upserted.messages) == 1)
    assert dead.messages[0].header("dlq.reason") == b"invalid"
    assert b"currency" in (dead.messages[0].header("dlq.error") or b"")
    assert upserted.envelopes()[0].data["erp_id"] == "CUST-8"
