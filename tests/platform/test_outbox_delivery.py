"""An event written with a state change reaches another service; a rollback publishes nothing."""

from __future__ import annotations

import pytest

from debtflow_shared.catalog.debtor import DebtorUpserted
from escalation_svc.adapters.debtor_profile_repository import DebtorProfileRepository
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from escalation_svc.settings import EscalationSettings
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.domain.debtor import DebtorProfile
from invoice_svc.service_layer.debtors import upsert_debtor
from invoice_svc.settings import InvoiceSettings
from tests.support.events import debtor_event, emit_committed
from tests.support.harness import Backend, eventually


async def test_debtor_registered_in_invoice_svc_reaches_escalation_svc(backend: Backend) -> None:
    async with (
        backend.service(INVOICE, InvoiceSettings) as invoice,
        backend.service(ESCALATION, EscalationSettings) as escalation,
    ):
        result = await upsert_debtor(
            invoice.uow(),
            "tenant-a",
            DebtorProfile(
                name="Acme Widgets Ltd",
                country="GB",
                currency="GBP",
                erp_id="C-1",
                time_zone="Europe/London",
            ),
        )

        async def escalation_knows_debtor() -> bool:
            async with escalation.uow() as uow:
                profile = await DebtorProfileRepository(uow.session).get(
                    "tenant-a", result.debtor.id
                )
            return profile is not None and profile.time_zone == "Europe/London"

        await eventually(escalation_knows_debtor, message="escalation never saw the debtor")


async def test_rolled_back_state_change_publishes_nothing(backend: Backend) -> None:
    async with (
        backend.probe(DebtorUpserted.event_type) as seen,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):

        async def change_that_fails() -> None:
            async with invoice.uow() as uow:
                uow.emit(debtor_event("d-1", 1, "rolled back"), tenant_id="t", debtor_id="d-1")
                raise RuntimeError("boom")  # before commit: the unit of work rolls back

        with pytest.raises(RuntimeError, match="boom"):
            await change_that_fails()
        # A later event on the same key: once it arrives, an earlier one would have too.
        await emit_committed(invoice, "t", debtor_event("d-1", 2, "committed"))
        await eventually(lambda: len(seen.messages) >= 1)
        names = [envelope.data["name"] for envelope in seen.envelopes()]
        assert names == ["committed"]


async def test_published_event_carries_the_cloudevents_envelope(backend: Backend) -> None:
    async with (
        backend.probe(DebtorUpserted.event_type) as seen,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        await emit_committed(invoice, "tenant-a", debtor_event("d-9"))
        await eventually(lambda: len(seen.messages) == 1)
        message, envelope = seen.messages[0], seen.envelopes()[0]
        assert message.key == "tenant-a:d-9"
        assert envelope.specversion == "1.0"
        assert envelope.type == "debtor.upserted"
        assert envelope.source == "invoice-svc"
        assert envelope.subject == "d-9"
        assert envelope.tenantid == "tenant-a"
        assert envelope.dataschema == "v1"
        assert envelope.time == backend.clock.now()
        assert envelope.id.version == 7
