"""Applying what an ERP sends on ``erp.debtor``, ``erp.invoice`` and ``erp.payment``.

ERP topics arrive in no particular order across topics: an invoice or payment whose debtor
(or a payment whose named invoice) has not arrived yet is parked (``debtflow_shared.parking``)
and applied, in the same transaction, when it arrives; the shared parked-message expiry
dead-letters what waited too long. A row the ledger refuses for good raises
:class:`PermanentFailure`, so it goes to ``<topic>.dlq`` with the reason at once instead of
being retried.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from debtflow_shared.catalog.erp import ErpDebtor, ErpInvoice, ErpPayment
from debtflow_shared.catalog.invoice import InvoiceStatus
from debtflow_shared.event_consumer import EventHandler, PermanentFailure, ReceivedEvent
from debtflow_shared.logging import get_logger
from debtflow_shared.parking import ParkingLot, apply_parked, park_until
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.tables import parked_messages
from invoice_svc.domain.debtor import DebtorProfile
from invoice_svc.domain.invoice import InvoiceLine, LedgerError
from invoice_svc.domain.payment import PaymentDetails
from invoice_svc.service_layer.debtors import upsert_debtor_in
from invoice_svc.service_layer.invoices import IssueInvoice, cancel_invoice_in, issue_invoice_in
from invoice_svc.service_layer.payments import RecordPayment, record_payment_in

log = get_logger(__name__)


def waiting_for_debtor(erp_id: str) -> str:
    return f"debtor:{erp_id}"


def waiting_for_invoice(erp_id: str) -> str:
    return f"invoice:{erp_id}"


def _lot(uow: UnitOfWork) -> ParkingLot:
    return ParkingLot(uow.session, parked_messages)


async def on_erp_debtor(event: ReceivedEvent[ErpDebtor], uow: UnitOfWork) -> None:
    data = event.payload
    # Guard first, then write the debtor: the same lock order as the messages waiting for it.
    await _lot(uow).guard(event.tenant_id, waiting_for_debtor(data.erp_id))
    await upsert_debtor_in(
        uow,
        event.tenant_id,
        DebtorProfile(
            erp_id=data.erp_id,
            name=data.name,
            country=data.country,
            currency=data.currency,
            language=data.language,
            time_zone=data.time_zone,
            postal_address=data.postal_address,
            contacts=data.contacts,
            preferred_channel=data.preferred_channel,
            tags=data.tags,
            credit_policy=data.credit_policy,
        ),
    )
    await _release(uow, event.tenant_id, waiting_for_debtor(data.erp_id))


async def on_erp_invoice(event: ReceivedEvent[ErpInvoice], uow: UnitOfWork) -> None:
    data, tenant_id = event.payload, event.tenant_id
    await _lot(uow).guard(tenant_id, waiting_for_debtor(data.debtor_erp_id))
    await _lot(uow).guard(tenant_id, waiting_for_invoice(data.erp_id))
    debtor = await DebtorRepository(uow.session).get_by_erp_id(tenant_id, data.debtor_erp_id)
    if debtor is None:
        await park_until(event, uow, parked_messages, waiting_for_debtor(data.debtor_erp_id))
        return
    with refused_for_good():
        if data.cancelled:
            await _cancel_erp_invoice(uow, tenant_id, data.erp_id)
        else:
            await issue_invoice_in(
                uow,
                tenant_id,
                IssueInvoice(
                    debtor_id=debtor.id,
                    erp_id=data.erp_id,
                    number=data.number,
                    currency=data.currency,
                    issue_date=data.issue_date,
                    due_date=data.due_date,
                    amount_minor=data.amount_minor,
                    lines=tuple(
                        InvoiceLine(x.description, x.amount_minor, x.quantity) for x in data.lines
                    ),
                ),
            )
    await _release(uow, tenant_id, waiting_for_invoice(data.erp_id))


async def _cancel_erp_invoice(uow: UnitOfWork, tenant_id: str, erp_id: str) -> None:
    invoice = await InvoiceRepository(uow.session).get_by_erp_id(tenant_id, erp_id)
    if invoice is None:
        # Cancelled before we ever saw it: there is nothing to collect, nothing to record.
        log.info("ERP cancelled an invoice never received", erp_id=erp_id)
        return
    if invoice.status is InvoiceStatus.CANCELLED:
        return  # the ERP re-sent the cancellation
    await cancel_invoice_in(uow, tenant_id, invoice.id, reason="cancelled in the ERP")


async def on_erp_payment(event: ReceivedEvent[ErpPayment], uow: UnitOfWork) -> None:
    data, tenant_id = event.payload, event.tenant_id
    lot = _lot(uow)
    await lot.guard(tenant_id, waiting_for_debtor(data.debtor_erp_id))
    debtor = await DebtorRepository(uow.session).get_by_erp_id(tenant_id, data.debtor_erp_id)
    if debtor is None:
        await park_until(event, uow, parked_messages, waiting_for_debtor(data.debtor_erp_id))
        return
    invoice_ids: list[str] = []
    invoices = InvoiceRepository(uow.session)
    for erp_id in data.invoice_erp_ids:
        await lot.guard(tenant_id, waiting_for_invoice(erp_id))
        invoice = await invoices.get_by_erp_id(tenant_id, erp_id)
        if invoice is None:
            # Parked on the first missing one; when it arrives we look again for the rest.
            await park_until(event, uow, parked_messages, waiting_for_invoice(erp_id))
            return
        invoice_ids.append(invoice.id)
    with refused_for_good():
        await record_payment_in(
            uow,
            tenant_id,
            RecordPayment(
                debtor_id=debtor.id,
                invoice_ids=tuple(invoice_ids) if invoice_ids else None,
                details=PaymentDetails(
                    amount_minor=data.amount.amount_minor,
                    currency=data.amount.currency,
                    received_on=data.received_on,
                    erp_id=data.erp_id,
                    reference=data.reference,
                    method=data.method,
                ),
            ),
        )


@contextmanager
def refused_for_good() -> Iterator[None]:
    """A ledger rule the message breaks will break on every retry too: dead-letter it now."""
    try:
        yield
    except LedgerError as error:
        where = f"{error.field}: " if error.field else ""
        raise PermanentFailure(f"{type(error).__name__}: {where}{error}") from error


# The messages that may wait in the parking lot, and what applies them when released.
PARKABLE: dict[str, EventHandler] = {
    ErpInvoice.event_type: on_erp_invoice,
    ErpPayment.event_type: on_erp_payment,
}


async def _release(uow: UnitOfWork, tenant_id: str, waiting_for: str) -> None:
    await apply_parked(uow, parked_messages, tenant_id, waiting_for, PARKABLE)
