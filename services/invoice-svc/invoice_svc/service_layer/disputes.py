"""Opening and resolving disputes: a disputed invoice leaves collection until resolved.

An upheld dispute credits the disputed amount through the invoice's credit-note path
(``invoice.credited`` then ``invoice.dispute_resolved``); a rejected one puts the invoice
back into collection, announced overdue again by the sweeper if it is past due.
"""

from __future__ import annotations

from dataclasses import dataclass

from debtflow_shared.catalog.escalation_commands import DisputeRequested
from debtflow_shared.catalog.invoice import DisputeOutcome
from debtflow_shared.envelope import new_event_id
from debtflow_shared.event_consumer import PermanentFailure, ReceivedEvent
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.dispute_repository import DisputeRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.domain.invoice import (
    CurrencyMismatch,
    Dispute,
    DisputeAlreadyOpen,
    Invoice,
    LedgerError,
)
from invoice_svc.service_layer.credit_limit import reassess_credit_limit
from invoice_svc.service_layer.invoices import InvoiceNotFound, lock_invoice


class DisputeNotFound(LedgerError):
    """The tenant has no dispute with that id."""


@dataclass(frozen=True)
class OpenDispute:
    invoice_id: str
    reason: str
    raised_by: str
    amount_minor: int | None = None  # None: the open balance
    currency: str | None = None
    request_id: str | None = None


async def open_dispute(uow: UnitOfWork, tenant_id: str, command: OpenDispute) -> Dispute:
    async with uow:
        dispute = await open_dispute_in(uow, tenant_id, command)
        await uow.commit()
    return dispute


async def open_dispute_in(uow: UnitOfWork, tenant_id: str, command: OpenDispute) -> Dispute:
    """:func:`open_dispute` inside a unit of work that is already open (a consumer's)."""
    invoices = InvoiceRepository(uow.session)
    disputes = DisputeRepository(uow.session)
    _, invoice = await lock_invoice(uow, invoices, tenant_id, command.invoice_id)
    if command.request_id is not None:
        # Under the invoice lock: a concurrent copy of the request waits, then finds this one.
        earlier = await disputes.by_request(tenant_id, command.request_id)
        if earlier is not None:
            return earlier
    if command.currency is not None and command.currency != invoice.currency:
        raise CurrencyMismatch(
            f"the invoice is in {invoice.currency}, the disputed amount in {command.currency}",
            field="disputed_amount.currency",
        )
    if await disputes.open_for(tenant_id, invoice.id) is not None:
        raise DisputeAlreadyOpen(f"invoice {invoice.id} already has an open dispute")
    dispute = invoice.open_dispute(
        dispute_id=str(new_event_id()),
        reason=command.reason,
        amount_minor=command.amount_minor,
        raised_by=command.raised_by,
        request_id=command.request_id,
        now=uow.clock.now(),
    )
    await invoices.save(invoice)
    await disputes.add(dispute)
    uow.track(invoice)
    return dispute


async def resolve_dispute(
    uow: UnitOfWork,
    tenant_id: str,
    dispute_id: str,
    outcome: DisputeOutcome,
    note: str | None = None,
) -> tuple[Dispute, Invoice]:
    async with uow:
        disputes = DisputeRepository(uow.session)
        invoices = InvoiceRepository(uow.session)
        found = await disputes.get(tenant_id, dispute_id)
        if found is None:
            raise DisputeNotFound(f"dispute {dispute_id} not found")
        debtor, invoice = await lock_invoice(uow, invoices, tenant_id, found.invoice_id)
        dispute = await disputes.get(tenant_id, dispute_id)  # again, now that it is locked
        assert dispute is not None  # disputes are never deleted
        credit_note_id = str(new_event_id())
        credited = invoice.resolve_dispute(
            dispute, outcome, note=note, credit_note_id=credit_note_id, now=uow.clock.now()
        )
        await invoices.save(invoice)
        if credited:
            await invoices.add_credit_note(
                invoice,
                credit_note_id=credit_note_id,
                amount_minor=credited,
                reason=f"dispute upheld: {dispute.reason}",
            )
            await reassess_credit_limit(uow, debtor)
        await disputes.save(dispute)
        uow.track(invoice)
        await uow.commit()
    return dispute, invoice


async def get_dispute(uow: UnitOfWork, tenant_id: str, dispute_id: str) -> Dispute | None:
    async with uow:
        return await DisputeRepository(uow.session).get(tenant_id, dispute_id)


async def disputes_of_invoice(uow: UnitOfWork, tenant_id: str, invoice_id: str) -> list[Dispute]:
    async with uow:
        if await InvoiceRepository(uow.session).get(tenant_id, invoice_id) is None:
            raise InvoiceNotFound(f"invoice {invoice_id} not found")
        return await DisputeRepository(uow.session).for_invoice(tenant_id, invoice_id)


async def on_dispute_requested(event: ReceivedEvent[DisputeRequested], uow: UnitOfWork) -> None:
    """``dispute.requested``: open the dispute once per ``request_id``.

    A request the ledger refuses (unknown or settled invoice, another dispute open) will
    never succeed: it is dead-lettered for a person to look at, not retried.
    """
    data = event.payload
    amount = data.disputed_amount
    command = OpenDispute(
        invoice_id=data.invoice_id,
        reason=data.reason,
        raised_by=data.raised_by,
        amount_minor=amount.amount_minor if amount else None,
        currency=amount.currency if amount else None,
        request_id=data.request_id,
    )
    try:
        await open_dispute_in(uow, event.tenant_id, command)
    except LedgerError as error:
        raise PermanentFailure(f"dispute request {data.request_id}: {error}") from error
