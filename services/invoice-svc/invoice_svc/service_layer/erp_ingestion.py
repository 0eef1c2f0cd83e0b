"""Applying what an ERP sends on ``erp.debtor``, ``erp.invoice`` and ``erp.payment``.

ERP topics arrive in no particular order across topics: an invoice or payment whose debtor
(or a payment whose named invoice) has not arrived yet is parked (``debtflow_shared.parking``)
and applied, in the same transaction, when it arrives; the shared parked-message expiry
dead-letters what waited too long. A row the ledger refuses for good raises
:class:`PermanentFailure`, so it goes to ``<topic>.dlq`` with the reason at once instead of
being retried.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeVar

from debtflow_shared.catalog import EventPayload
from debtflow_shared.catalog.erp import ErpDebtor, ErpInvoice, ErpPayment
from debtflow_shared.catalog.invoice import InvoiceStatus
from debtflow_shared.event_consumer import EventHandler, PermanentFailure, ReceivedEvent
from debtflow_shared.logging import get_logger
from debtflow_shared.parking import ParkingLot, apply_parked, apply_parked_all, park_until
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.tables import parked_messages
from invoice_svc.domain.debtor import DebtorProfile
from invoice_svc.domain.invoice import InvoiceLine, LedgerError
from invoice_svc.domain.payment import PaymentDetails
from invoice_svc.service_layer.chunk_debtors import ChunkDebtors
from invoice_svc.service_layer.debtor_batch import DebtorChunk
from invoice_svc.service_layer.debtors import upsert_debtor_in
from invoice_svc.service_layer.invoice_batch import InvoiceChunk
from invoice_svc.service_layer.invoices import IssueInvoice, cancel_invoice_in, issue_invoice_in
from invoice_svc.service_layer.payment_batch import PaymentChunk
from invoice_svc.service_layer.payments import RecordPayment, record_payment_in

log = get_logger(__name__)

E = TypeVar("E", bound=EventPayload)


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
    await upsert_debtor_in(uow, event.tenant_id, _debtor_profile(data))
    await _release(uow, event.tenant_id, waiting_for_debtor(data.erp_id))


async def on_erp_debtors(events: Sequence[ReceivedEvent[ErpDebtor]], uow: UnitOfWork) -> None:
    """A consumer batch of ``erp.debtor``: one chunk of the debtor batch code per tenant (its
    guards, one locked read of its ERP ids, one insert of its new debtors), then what waited
    for any of them is applied."""
    for tenant_id, tenant_events in _by_tenant(events):
        waiting_fors = [waiting_for_debtor(e.payload.erp_id) for e in tenant_events]
        await _lot(uow).guard_all(tenant_id, waiting_fors)
        profiles = [_debtor_profile(e.payload) for e in tenant_events]
        chunk = await DebtorChunk.start(uow, tenant_id, profiles)
        for event, profile in zip(tenant_events, profiles, strict=True):
            with event.tracing():
                await chunk.apply(profile)
                uow.collect()
        await chunk.finish()
        await apply_parked_all(uow, parked_messages, tenant_id, waiting_fors, PARKABLE)


def _debtor_profile(data: ErpDebtor) -> DebtorProfile:
    return DebtorProfile(
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
    )


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
            await issue_invoice_in(uow, tenant_id, _issue_command(debtor.id, data))
    await _release(uow, tenant_id, waiting_for_invoice(data.erp_id))


async def on_erp_invoices(events: Sequence[ReceivedEvent[ErpInvoice]], uow: UnitOfWork) -> None:
    """A consumer batch of ``erp.invoice``: one chunk of the invoice batch code per tenant.

    The same outcome as :func:`on_erp_invoice` message by message, in a few statements: the
    parking guards of all rows at once, one lock of their debtors, one lookup of their ERP
    ids, one insert of the new invoices, one release of what waited for them. A row whose
    debtor has not arrived is parked; a cancellation is applied alone, in its place. If the
    ledger refuses a row, this raises and the consumer applies the batch message by message
    instead, which dead-letters that row with its reason.
    """
    for tenant_id, tenant_events in _by_tenant(events):
        lot = _lot(uow)
        await lot.guard_all(
            tenant_id,
            [waiting_for_debtor(e.payload.debtor_erp_id) for e in tenant_events]
            + [waiting_for_invoice(e.payload.erp_id) for e in tenant_events],
        )
        for run in _runs_between_cancellations(tenant_events):
            if run[0].payload.cancelled:
                await on_erp_invoice(run[0], uow)
            else:
                await _issue_erp_invoices(uow, tenant_id, run)


async def _issue_erp_invoices(
    uow: UnitOfWork, tenant_id: str, events: Sequence[ReceivedEvent[ErpInvoice]]
) -> None:
    debtors = await ChunkDebtors.lock(
        uow, tenant_id, [(None, e.payload.debtor_erp_id) for e in events]
    )
    ready: list[tuple[ReceivedEvent[ErpInvoice], IssueInvoice]] = []
    for event in events:
        debtor = debtors.find(None, event.payload.debtor_erp_id)
        if debtor is None:
            waiting_for = waiting_for_debtor(event.payload.debtor_erp_id)
            await park_until(event, uow, parked_messages, waiting_for)
        else:
            ready.append((event, _issue_command(debtor.id, event.payload)))
    if not ready:
        return
    chunk = await InvoiceChunk.start(uow, tenant_id, [c for _, c in ready], debtors)
    for event, command in ready:
        with event.tracing(), refused_for_good():
            await chunk.apply(command)
            uow.collect()  # what the row changed in place carries its message's ids
    await chunk.finish()
    _refuse_if_any(chunk.refused_late())
    await apply_parked_all(
        uow,
        parked_messages,
        tenant_id,
        [waiting_for_invoice(e.payload.erp_id) for e, _ in ready],
        PARKABLE,
    )


def _issue_command(debtor_id: str, data: ErpInvoice) -> IssueInvoice:
    return IssueInvoice(
        debtor_id=debtor_id,
        erp_id=data.erp_id,
        number=data.number,
        currency=data.currency,
        issue_date=data.issue_date,
        due_date=data.due_date,
        amount_minor=data.amount_minor,
        lines=tuple(InvoiceLine(x.description, x.amount_minor, x.quantity) for x in data.lines),
    )


def _by_tenant(
    events: Sequence[ReceivedEvent[E]],
) -> list[tuple[str, list[ReceivedEvent[E]]]]:
    """The events of each tenant, in their order (a partition may carry several tenants)."""
    grouped: dict[str, list[ReceivedEvent[E]]] = {}
    for event in events:
        grouped.setdefault(event.tenant_id, []).append(event)
    return list(grouped.items())


def _runs_between_cancellations(
    events: Sequence[ReceivedEvent[ErpInvoice]],
) -> list[list[ReceivedEvent[ErpInvoice]]]:
    """Consecutive new or changed invoices together; each cancellation a run of its own."""
    runs: list[list[ReceivedEvent[ErpInvoice]]] = []
    for event in events:
        if event.payload.cancelled or not runs or runs[-1][0].payload.cancelled:
            runs.append([event])
        else:
            runs[-1].append(event)
    return runs


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
            uow, tenant_id, _record_command(debtor.id, tuple(invoice_ids), data)
        )


async def on_erp_payments(events: Sequence[ReceivedEvent[ErpPayment]], uow: UnitOfWork) -> None:
    """A consumer batch of ``erp.payment``: one chunk of the payment batch code per tenant
    (its guards, one lock of its debtors, one lookup of the invoices it names, the rows
    allocated in memory and written together). A payment whose debtor or named invoice has
    not arrived is parked; if the ledger refuses a row, this raises and the consumer applies
    the batch message by message, which dead-letters that row with its reason."""
    for tenant_id, tenant_events in _by_tenant(events):
        named = {erp_id for e in tenant_events for erp_id in e.payload.invoice_erp_ids}
        await _lot(uow).guard_all(
            tenant_id,
            [waiting_for_debtor(e.payload.debtor_erp_id) for e in tenant_events]
            + [waiting_for_invoice(erp_id) for erp_id in named],
        )
        debtors = await ChunkDebtors.lock(
            uow, tenant_id, [(None, e.payload.debtor_erp_id) for e in tenant_events]
        )
        found = await InvoiceRepository(uow.session).get_many_by_erp_id(tenant_id, named)
        ready: list[tuple[ReceivedEvent[ErpPayment], RecordPayment]] = []
        for event in tenant_events:
            data = event.payload
            debtor = debtors.find(None, data.debtor_erp_id)
            missing = [i for i in data.invoice_erp_ids if i not in found]
            if debtor is None:
                waiting_for = waiting_for_debtor(data.debtor_erp_id)
                await park_until(event, uow, parked_messages, waiting_for)
            elif missing:
                await park_until(event, uow, parked_messages, waiting_for_invoice(missing[0]))
            else:
                invoice_ids = tuple(found[i].id for i in data.invoice_erp_ids)
                ready.append((event, _record_command(debtor.id, invoice_ids, data)))
        if not ready:
            continue
        chunk = await PaymentChunk.start(uow, tenant_id, [c for _, c in ready], debtors)
        for event, command in ready:
            with event.tracing(), refused_for_good():
                await chunk.apply(command)
                uow.collect()
        await chunk.finish()
        _refuse_if_any(chunk.refused_late())


def _record_command(
    debtor_id: str, invoice_ids: tuple[str, ...], data: ErpPayment
) -> RecordPayment:
    return RecordPayment(
        debtor_id=debtor_id,
        invoice_ids=invoice_ids or None,
        details=PaymentDetails(
            amount_minor=data.amount.amount_minor,
            currency=data.amount.currency,
            received_on=data.received_on,
            erp_id=data.erp_id,
            reference=data.reference,
            method=data.method,
        ),
    )


def _refuse_if_any(refused: Mapping[str, str]) -> None:
    """Rows a chunk wrote late and then refused: applied one by one, each is dead-lettered."""
    if refused:
        raise PermanentFailure(f"the ledger refused rows of the batch: {sorted(refused.values())}")


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
