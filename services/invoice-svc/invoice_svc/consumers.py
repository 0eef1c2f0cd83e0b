"""The topics invoice-svc consumes and the use case each goes to (behind the inbox).

Like a route, an entry here only names a use case: what each does, and how ERP messages
that arrive before their prerequisite wait, is in ``service_layer/``.
"""

from __future__ import annotations

from debtflow_shared.catalog.erp import ErpDebtor, ErpInvoice, ErpPayment
from debtflow_shared.catalog.escalation_commands import (
    ChargeRequested,
    CreditHoldRequested,
    CreditReleaseRequested,
    DisputeRequested,
    WriteOffRequested,
)
from debtflow_shared.event_consumer import BatchEventHandler, EventHandler
from debtflow_shared.service import HandlerMap, ServiceRuntime
from invoice_svc.service_layer.charges import on_charge_requested
from invoice_svc.service_layer.credit_requests import (
    on_credit_hold_requested,
    on_credit_release_requested,
)
from invoice_svc.service_layer.disputes import on_dispute_requested
from invoice_svc.service_layer.erp_ingestion import (
    on_erp_debtor,
    on_erp_debtors,
    on_erp_invoice,
    on_erp_invoices,
    on_erp_payment,
    on_erp_payments,
)
from invoice_svc.service_layer.write_off_requests import on_write_off_requested

HANDLERS: dict[str, EventHandler] = {
    ErpDebtor.event_type: on_erp_debtor,
    ErpInvoice.event_type: on_erp_invoice,
    ErpPayment.event_type: on_erp_payment,
    # Commands from escalation-svc.
    ChargeRequested.event_type: on_charge_requested,
    DisputeRequested.event_type: on_dispute_requested,
    CreditHoldRequested.event_type: on_credit_hold_requested,
    CreditReleaseRequested.event_type: on_credit_release_requested,
    WriteOffRequested.event_type: on_write_off_requested,
}

# Topics with a set-based path for a consumer batch (the per-event handler stays the
# fallback when a batch handler raises).
BATCH_HANDLERS: dict[str, BatchEventHandler] = {
    ErpDebtor.event_type: on_erp_debtors,
    ErpInvoice.event_type: on_erp_invoices,
    ErpPayment.event_type: on_erp_payments,
}


def handlers(_runtime: ServiceRuntime) -> HandlerMap:
    return HANDLERS
