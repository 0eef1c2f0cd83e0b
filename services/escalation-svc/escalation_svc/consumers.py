"""The topics escalation-svc consumes and the use case each goes to (behind the inbox)."""

from __future__ import annotations

from debtflow_shared.catalog.analytics import DebtorRiskScored
from debtflow_shared.catalog.debtor import DebtorUpsertedV2
from debtflow_shared.catalog.escalation_commands import ChargeDeclined, WriteOffDeclined
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
    InvoiceUpdated,
    InvoiceWrittenOff,
    PaymentReceived,
    PaymentReversed,
)
from debtflow_shared.catalog.notification import (
    ContactOptedOut,
    NotificationBounced,
    NotificationFailed,
    NotificationSent,
)
from debtflow_shared.event_consumer import BatchEventHandler
from debtflow_shared.service import HandlerMap, ServiceRuntime
from escalation_svc.service_layer.debtor_profiles import (
    on_debtor_upserted,
    on_debtor_upserted_batch,
)
from escalation_svc.service_layer.invoice_facts import (
    on_charge_declined,
    on_invoice_fact,
    on_payment_received,
    on_payment_reversed,
)
from escalation_svc.service_layer.notification_outcomes import (
    on_contact_opted_out,
    on_notification_bounced,
    on_notification_failed,
    on_notification_sent,
)
from escalation_svc.service_layer.risk_scores import on_debtor_risk_scored
from escalation_svc.service_layer.write_off_answers import on_write_off_declined

INVOICE_FACTS = (
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
    InvoiceChargeApplied,
)


def handlers(_runtime: ServiceRuntime) -> HandlerMap:
    return {
        DebtorUpsertedV2.event_type: on_debtor_upserted,
        **{fact.event_type: on_invoice_fact for fact in INVOICE_FACTS},
        PaymentReceived.event_type: on_payment_received,
        PaymentReversed.event_type: on_payment_reversed,
        ChargeDeclined.event_type: on_charge_declined,
        NotificationSent.event_type: on_notification_sent,
        NotificationFailed.event_type: on_notification_failed,
        NotificationBounced.event_type: on_notification_bounced,
        ContactOptedOut.event_type: on_contact_opted_out,
        WriteOffDeclined.event_type: on_write_off_declined,
        DebtorRiskScored.event_type: on_debtor_risk_scored,
    }


# Topics with a set-based path: a batch's events in one statement.
batch_handlers: dict[str, BatchEventHandler] = {
    DebtorUpsertedV2.event_type: on_debtor_upserted_batch
}
