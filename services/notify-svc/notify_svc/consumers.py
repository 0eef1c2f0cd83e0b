"""The topics notify-svc consumes and the use case each goes to (behind the inbox)."""

from __future__ import annotations

from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.catalog.escalation import PromiseBroken
from debtflow_shared.catalog.invoice import (
    CreditorProfileUpdated,
    InvoiceCancelled,
    InvoiceChargeApplied,
    InvoiceCredited,
    InvoiceDisputed,
    InvoiceDisputeResolved,
    InvoiceDueSoon,
    InvoiceIssued,
    InvoiceOverdue,
    InvoicePaid,
    InvoiceUpdated,
    InvoiceWrittenOff,
    PaymentReceived,
    PaymentReversed,
)
from debtflow_shared.catalog.notification import (
    ContactRestricted,
    NotificationCancelled,
    NotificationRequested,
)
from debtflow_shared.event_consumer import EventHandler
from debtflow_shared.service import HandlerMap, ServiceRuntime
from notify_svc.service_layer.copies import (
    on_charge_applied,
    on_contact_restricted,
    on_creditor_profile_updated,
    on_debtor_upserted,
    on_invoice_fact,
    on_payment_received,
    on_payment_reversed,
    on_promise_broken,
)
from notify_svc.service_layer.requests import on_notification_cancelled, on_notification_requested

# Every invoice fact carries the invoice as it now stands: one handler keeps the copy.
_INVOICE_FACTS = (
    InvoiceIssued,
    InvoiceUpdated,
    InvoiceCredited,
    InvoiceDueSoon,
    InvoiceOverdue,
    InvoicePaid,
    InvoiceDisputed,
    InvoiceDisputeResolved,
    InvoiceWrittenOff,
    InvoiceCancelled,
)

HANDLERS: dict[str, EventHandler] = {
    DebtorUpserted.event_type: on_debtor_upserted,
    CreditorProfileUpdated.event_type: on_creditor_profile_updated,
    **{fact.event_type: on_invoice_fact for fact in _INVOICE_FACTS},
    InvoiceChargeApplied.event_type: on_charge_applied,
    PaymentReceived.event_type: on_payment_received,
    PaymentReversed.event_type: on_payment_reversed,
    ContactRestricted.event_type: on_contact_restricted,
    PromiseBroken.event_type: on_promise_broken,
    NotificationRequested.event_type: on_notification_requested,
    NotificationCancelled.event_type: on_notification_cancelled,
}


def handlers(_runtime: ServiceRuntime) -> HandlerMap:
    return HANDLERS
