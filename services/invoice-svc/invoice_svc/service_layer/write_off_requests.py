"""Write-offs on request (``write_off.requested``): the rest of an invoice, up to a maximum.

Decisions:
- "At most ``max_amount``": the whole open balance (principal and charges) is written off
  when it is no more than ``max_amount``, in the invoice's currency; otherwise nothing is,
  and the request is declined (``above_maximum``, with what is open). A part is never
  written off: more may have been charged, or less paid, than the requester knew, and
  the difference is for a person to look at.
- What may be written off is what REST allows: an open, part-paid or disputed invoice. A
  paid, cancelled or written-off one is declined (``invoice_not_collectible``), as is an
  unknown invoice or a maximum in another currency.
- Answered once per ``request_id`` (``command_requests``, checked under the debtor and then
  the invoice lock, the ledger's lock order): ``invoice.written_off`` carrying the request
  id, or ``write_off.declined``. A copy re-sent later, declined or not, is answered by
  nothing new; a requester that wants another try sends a new request id.
"""

from __future__ import annotations

from debtflow_shared.catalog.escalation_commands import (
    WriteOffDeclined,
    WriteOffDeclineReason,
    WriteOffRequested,
)
from debtflow_shared.event_consumer import ReceivedEvent
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.command_request_repository import CommandRequestRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.domain.invoice import COLLECTIBLE, Invoice
from invoice_svc.service_layer.charges import shown
from invoice_svc.service_layer.credit_limit import reassess_credit_limit
from invoice_svc.service_layer.invoices import InvoiceNotFound, lock_invoice

COMMAND = WriteOffRequested.event_type


def refusal(invoice: Invoice, request: WriteOffRequested) -> WriteOffDeclined | None:
    """Why the request may not write ``invoice`` off, or None if it may."""
    code: WriteOffDeclineReason | None = None
    if invoice.status not in COLLECTIBLE:
        code, message = (
            WriteOffDeclineReason.INVOICE_NOT_COLLECTIBLE,
            f"the invoice is {invoice.status.value}",
        )
    elif request.max_amount.currency != invoice.currency:
        code, message = (
            WriteOffDeclineReason.CURRENCY_MISMATCH,
            f"the maximum is in {request.max_amount.currency}, the invoice in {invoice.currency}",
        )
    elif invoice.open_balance_minor > request.max_amount.amount_minor:
        code, message = (
            WriteOffDeclineReason.ABOVE_MAXIMUM,
            f"{shown(request.max_amount.amount_minor, invoice.currency)} at most may be written "
            f"off; {shown(invoice.open_balance_minor, invoice.currency)} is open",
        )
    if code is None:
        return None
    return WriteOffDeclined(
        request_id=request.request_id,
        invoice_id=invoice.id,
        reason=code,
        message=message,
        invoice_status=invoice.status,
        open_balance=invoice.money(invoice.open_balance_minor),
    )


async def on_write_off_requested(event: ReceivedEvent[WriteOffRequested], uow: UnitOfWork) -> None:
    """``write_off.requested``: write the invoice off or decline, once per ``request_id``."""
    data, tenant_id, now = event.payload, event.tenant_id, uow.clock.now()
    requests = CommandRequestRepository(uow.session)
    invoices = InvoiceRepository(uow.session)
    try:
        debtor, invoice = await lock_invoice(uow, invoices, tenant_id, data.invoice_id)
    except InvoiceNotFound as error:
        declined = WriteOffDeclined(
            request_id=data.request_id,
            invoice_id=data.invoice_id,
            reason=WriteOffDeclineReason.UNKNOWN_INVOICE,
            message=str(error),
        )
        # No invoice to lock: the table's key keeps the answer single.
        if await requests.answer(
            tenant_id,
            COMMAND,
            data.request_id,
            invoice_id=data.invoice_id,
            outcome=f"declined:{declined.reason.value}",
            now=now,
        ):
            uow.emit(declined, tenant_id=tenant_id, debtor_id=event.envelope.subject)
        return
    if await requests.answered(tenant_id, COMMAND, data.request_id):
        return
    declined_or_none = refusal(invoice, data)
    outcome = f"declined:{declined_or_none.reason.value}" if declined_or_none else "written_off"
    if not await requests.answer(
        tenant_id, COMMAND, data.request_id, invoice_id=invoice.id, outcome=outcome, now=now
    ):
        return
    if declined_or_none is not None:
        uow.emit(declined_or_none, tenant_id=tenant_id, debtor_id=invoice.debtor_id)
        return
    invoice.write_off(reason=data.reason, now=now, request_id=data.request_id)
    await invoices.save(invoice)
    await reassess_credit_limit(uow, debtor)
    uow.track(invoice)
