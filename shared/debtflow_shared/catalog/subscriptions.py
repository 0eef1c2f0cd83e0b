"""Who subscribes to each topic: the other half of each payload's ``producer``.

The AsyncAPI document and the README's topic table are written from :data:`SUBSCRIBERS`, and
a test keeps it complete: every topic in the catalog names its consumers here (a new topic
without them fails the test), and nothing here names a topic the catalog lacks.

``ERP`` is the tenant's ERP system (or its webhook bridge), outside debtflow.
"""

from __future__ import annotations

from collections.abc import Mapping

INVOICE = "invoice-svc"
ESCALATION = "escalation-svc"
NOTIFY = "notify-svc"
ANALYTICS = "analytics-svc"
ERP = "ERP"
PARTIES = frozenset({INVOICE, ESCALATION, NOTIFY, ANALYTICS, ERP})
"""Every producer and consumer the contract names."""

# notify-svc keeps its own copy of every invoice (amounts shown at send time, nothing sent
# after payment), so it reads every fact that changes one.
_INVOICE_FACT = (ESCALATION, NOTIFY, ANALYTICS)

SUBSCRIBERS: Mapping[str, tuple[str, ...]] = {
    # ERP → invoice-svc
    "erp.debtor": (INVOICE,),
    "erp.invoice": (INVOICE,),
    "erp.payment": (INVOICE,),
    # invoice-svc's facts
    "debtor.upserted": (ESCALATION, NOTIFY, ANALYTICS),
    "creditor.profile_updated": (NOTIFY,),
    "invoice.issued": _INVOICE_FACT,
    "invoice.due_soon": _INVOICE_FACT,
    "invoice.overdue": _INVOICE_FACT,
    "invoice.paid": _INVOICE_FACT,
    "invoice.updated": _INVOICE_FACT,
    "invoice.credited": _INVOICE_FACT,
    "invoice.charge_applied": _INVOICE_FACT,
    "invoice.disputed": _INVOICE_FACT,
    "invoice.dispute_resolved": _INVOICE_FACT,
    "invoice.written_off": _INVOICE_FACT,
    "invoice.cancelled": _INVOICE_FACT,
    "payment.received": _INVOICE_FACT,
    "payment.reversed": _INVOICE_FACT,
    "debtor.credit_hold": (ERP, ESCALATION, ANALYTICS),
    "debtor.credit_released": (ERP, ESCALATION, ANALYTICS),
    # escalation-svc's commands to invoice-svc, and invoice-svc's declined outcomes
    "charge.requested": (INVOICE,),
    "credit_hold.requested": (INVOICE,),
    "credit_release.requested": (INVOICE,),
    "dispute.requested": (INVOICE,),
    "write_off.requested": (INVOICE,),
    "charge.declined": (ESCALATION,),
    "credit_hold.declined": (ESCALATION,),
    "credit_release.declined": (ESCALATION,),
    "write_off.declined": (ESCALATION,),
    # escalation-svc's commands to notify-svc
    # analytics-svc reads the step, template and tone behind each message it learns was sent.
    "notification.requested": (NOTIFY, ANALYTICS),
    "notification.cancelled": (NOTIFY,),
    # notify-svc's outcomes
    "notification.sent": (ESCALATION, ANALYTICS),
    "notification.delivered": (ESCALATION, ANALYTICS),
    "notification.failed": (ESCALATION, ANALYTICS),
    "notification.bounced": (ESCALATION, ANALYTICS),
    "contact.opted_out": (ESCALATION, ANALYTICS),
    # escalation-svc's facts
    "contact.restricted": (NOTIFY, ANALYTICS),
    "case.opened": (ANALYTICS,),
    "escalation.step_executed": (ANALYTICS,),
    "case.paused": (ANALYTICS,),
    "case.resumed": (ANALYTICS,),
    "case.resolved": (ANALYTICS,),
    "case.handed_off": (ANALYTICS,),
    "promise.made": (ANALYTICS,),
    "promise.kept": (ANALYTICS,),
    # notify-svc counts them for templates (a debtor's history).
    "promise.broken": (NOTIFY, ANALYTICS),
    "plan.created": (ANALYTICS,),
    "plan.installment_due": (ANALYTICS,),
    "plan.installment_missed": (ANALYTICS,),
    "plan.completed": (ANALYTICS,),
    "plan.defaulted": (ANALYTICS,),
    "settlement.offered": (ANALYTICS,),
    "settlement.accepted": (ANALYTICS,),
    "settlement.lapsed": (ANALYTICS,),
    "task.created": (ANALYTICS,),
    "task.completed": (ANALYTICS,),
    # analytics-svc's scores
    "debtor.risk_scored": (ESCALATION,),
}


def subscribers(topic: str) -> tuple[str, ...]:
    """The parties that consume ``topic`` (empty if the topic names none yet)."""
    return SUBSCRIBERS.get(topic, ())
