"""Invoice and payment facts from invoice-svc: escalation's copy of each invoice, and the
collection decisions they cause (a case opens, a step is re-timed, chasing stops).

Every state carries the invoice's version: a state older than the one kept is ignored, so
``payment.received`` overtaking ``invoice.overdue`` (another topic) changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from debtflow_shared.catalog.escalation_commands import ChargeDeclined
from debtflow_shared.catalog.invoice import (
    InvoiceCancelled,
    InvoiceChargeApplied,
    InvoiceCredited,
    InvoiceDisputed,
    InvoiceDisputeResolved,
    InvoiceDueSoon,
    InvoiceIssued,
    InvoiceOverdue,
    InvoicePaid,
    InvoiceState,
    InvoiceUpdated,
    InvoiceWrittenOff,
    PaymentReceived,
    PaymentReversed,
)
from debtflow_shared.catalog.money import Money
from debtflow_shared.event_consumer import ReceivedEvent
from escalation_svc.domain.tracked_invoice import tracked_from
from escalation_svc.service_layer.arrangements import credit_payment_received
from escalation_svc.service_layer.collection import Note, UnitOfWork, advance_in

InvoiceFact = (
    InvoiceIssued
    | InvoiceUpdated
    | InvoiceCredited
    | InvoiceDueSoon
    | InvoiceOverdue
    | InvoicePaid
    | InvoiceDisputed
    | InvoiceDisputeResolved
    | InvoiceWrittenOff
    | InvoiceCancelled
    | InvoiceChargeApplied
)


def _amount(money: Money) -> str:
    return f"{money.amount_minor / 100:.2f} {money.currency}"  # minor units of 2 decimals


def _note(fact: InvoiceFact) -> Note | None:
    invoice = fact.invoice
    details = {"invoice_id": invoice.invoice_id, "version": invoice.version}
    if isinstance(fact, InvoiceDisputed):
        return Note(
            "invoice_disputed",
            f"invoice {invoice.number} disputed: {fact.reason}",
            details | {"dispute_id": fact.dispute_id},
        )
    if isinstance(fact, InvoiceDisputeResolved):
        return Note(
            "dispute_resolved",
            f"dispute on invoice {invoice.number} {fact.outcome.value}",
            details | {"dispute_id": fact.dispute_id},
        )
    if isinstance(fact, InvoiceChargeApplied):
        return Note(
            "charge_applied",
            f"{fact.kind.value} of {_amount(fact.amount)} charged on {invoice.number}",
            details | {"request_id": fact.request_id, "amount": fact.amount.model_dump()},
        )
    if isinstance(fact, InvoicePaid):
        return Note("invoice_paid", f"invoice {invoice.number} paid", details)
    if isinstance(fact, InvoiceCredited):
        return Note(
            "invoice_credited",
            f"credit note of {_amount(fact.amount)} on invoice {invoice.number}",
            details,
        )
    if isinstance(fact, InvoiceWrittenOff):
        return Note("invoice_written_off", f"invoice {invoice.number} written off", details)
    if isinstance(fact, InvoiceCancelled):
        return Note("invoice_cancelled", f"invoice {invoice.number} cancelled", details)
    if isinstance(fact, InvoiceUpdated) and "due_date" in fact.changed:
        return Note(
            "invoice_retimed", f"invoice {invoice.number} now due {invoice.due_date}", details
        )
    return None


async def _keep(uow: UnitOfWork, tenant_id: str, states: Sequence[InvoiceState]) -> None:
    for state in states:
        known = await uow.repos.invoices.get(tenant_id, state.invoice_id)
        if known is not None and known.version >= state.version:
            continue  # stale or repeated: a newer state arrived first on another topic
        if known is None:
            await uow.repos.invoices.put(tracked_from(tenant_id, state))
        else:
            await uow.repos.invoices.put(known.with_state(state))


async def on_invoice_fact(event: ReceivedEvent[InvoiceFact], uow: UnitOfWork) -> None:
    fact = event.payload
    tenant_id, debtor_id = event.tenant_id, fact.invoice.debtor_id
    await uow.repos.timers.lock(tenant_id, debtor_id)
    await _keep(uow, tenant_id, [fact.invoice])
    if isinstance(fact, InvoiceOverdue):
        await uow.repos.timers.flag(tenant_id, debtor_id, overdue=True)
    note = _note(fact)
    answered = (
        [fact.request_id] if isinstance(fact, InvoiceChargeApplied) and fact.request_id else []
    )
    await advance_in(uow, tenant_id, debtor_id, notes=[note] if note else [], answered=answered)


async def on_payment_received(event: ReceivedEvent[PaymentReceived], uow: UnitOfWork) -> None:
    payment = event.payload
    tenant_id = event.tenant_id
    await uow.repos.timers.lock(tenant_id, payment.debtor_id)
    await _keep(uow, tenant_id, [a.invoice for a in payment.allocations])
    await credit_payment_received(uow, tenant_id, payment)
    note = Note(
        "payment_received",
        f"payment of {_amount(payment.amount)} received on {payment.received_on}",
        {
            "payment_id": payment.payment_id,
            "invoice_ids": [a.invoice_id for a in payment.allocations],
        },
    )
    await advance_in(uow, tenant_id, payment.debtor_id, notes=[note])


async def on_payment_reversed(event: ReceivedEvent[PaymentReversed], uow: UnitOfWork) -> None:
    reversal = event.payload
    tenant_id = event.tenant_id
    await uow.repos.timers.lock(tenant_id, reversal.debtor_id)
    await _keep(uow, tenant_id, [a.invoice for a in reversal.reopened])
    if await uow.repos.cases.active_for(tenant_id, reversal.debtor_id) is None:
        await uow.repos.timers.flag(tenant_id, reversal.debtor_id, reversal=True)
    note = Note(
        "payment_reversed",
        f"payment {reversal.payment_id} reversed ({reversal.reason}): its invoices are owed again",
        {
            "payment_id": reversal.payment_id,
            "invoice_ids": [a.invoice_id for a in reversal.reopened],
        },
    )
    await advance_in(uow, tenant_id, reversal.debtor_id, notes=[note])


async def on_charge_declined(event: ReceivedEvent[ChargeDeclined], uow: UnitOfWork) -> None:
    declined = event.payload
    invoice = await uow.repos.invoices.get(event.tenant_id, declined.invoice_id)
    if invoice is None:
        return  # a charge escalation never asked for on an invoice it does not know
    note = Note(
        "charge_declined",
        f"{declined.kind.value} on invoice {invoice.number} declined: {declined.message}",
        {"request_id": declined.request_id, "reason": declined.reason.value},
    )
    await advance_in(
        uow, event.tenant_id, invoice.debtor_id, notes=[note], answered=[declined.request_id]
    )
