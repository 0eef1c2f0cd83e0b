"""What one consumed event tells the ledger read model: invoice states, payments, debtors.

Every invoice- and payment-scoped event carries the invoice's state after the change and
its version, so the read model never depends on arrival order: it keeps every state it was
told (an :class:`InvoiceObservation`) and derives the ledger from the set
(``domain/ledger.py``). Each observation is dated by the business date the event carries
(issue date, date received, date paid), else by the UTC day of the event's ``time``, which
is the day invoice-svc books credit notes, charges, write-offs, cancellations and
reversals on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from analytics_svc.domain.lifecycles import Lifecycle, lifecycles_of
from analytics_svc.domain.touches import TouchFact, TouchKind
from debtflow_shared.catalog import EventPayload
from debtflow_shared.catalog.debtor import DebtorUpserted, DebtorUpsertedV2
from debtflow_shared.catalog.escalation import EscalationStepExecuted
from debtflow_shared.catalog.invoice import (
    InvoiceIssued,
    InvoicePaid,
    InvoiceState,
    InvoiceUpdated,
    PaymentReceived,
    PaymentReversed,
)
from debtflow_shared.catalog.notification import NotificationRequested, NotificationSent


@dataclass(frozen=True)
class InvoiceObservation:
    tenant_id: str
    invoice_id: str
    version: int
    event_id: str
    topic: str
    debtor_id: str
    currency: str
    number: str
    issue_date: date
    due_date: date
    amount_minor: int
    principal_open_minor: int
    charges_open_minor: int
    status: str
    on_date: date
    # The payment whose money (or account credit) moved the balance, if one did.
    payment_id: str | None = None


@dataclass(frozen=True)
class PaymentFact:
    tenant_id: str
    payment_id: str
    version: int
    debtor_id: str
    currency: str
    amount_minor: int
    unapplied_minor: int | None  # None: only the reversal is known so far
    received_on: date | None
    reversed_on: date | None


@dataclass(frozen=True)
class DebtorFact:
    tenant_id: str
    debtor_id: str
    version: int
    name: str
    currency: str
    time_zone: str
    credit_limit_minor: int | None = None
    credit_limit_currency: str | None = None


@dataclass(frozen=True)
class Facts:
    """Everything the read models take from a set of events."""

    invoices: list[InvoiceObservation]
    payments: list[PaymentFact]
    debtors: list[DebtorFact]
    touches: list[TouchFact]
    lifecycles: list[Lifecycle]


@dataclass(frozen=True)
class Consumed:
    """An event as the read models see it: who, what, when, and its typed payload."""

    event_id: str
    tenant_id: str
    topic: str
    occurred_at: datetime
    payload: EventPayload


def _observation(
    event: Consumed,
    state: InvoiceState,
    on: date,
    payment_id: str | None = None,
) -> InvoiceObservation:
    return InvoiceObservation(
        tenant_id=event.tenant_id,
        invoice_id=state.invoice_id,
        version=state.version,
        event_id=event.event_id,
        topic=event.topic,
        debtor_id=state.debtor_id,
        currency=state.amount.currency,
        number=state.number,
        issue_date=state.issue_date,
        due_date=state.due_date,
        amount_minor=state.amount.amount_minor,
        principal_open_minor=state.principal_open.amount_minor,
        charges_open_minor=state.charges_open.amount_minor,
        status=state.status.value,
        on_date=on,
        payment_id=payment_id,
    )


def facts_of(events: list[Consumed]) -> Facts:
    """The observations, payments and debtors ``events`` report (others report none)."""
    facts = Facts([], [], [], [], [])
    for event in events:
        _add(facts, event)
    return facts


def _add(facts: Facts, event: Consumed) -> None:
    payload: Any = event.payload
    day = event.occurred_at.date()
    facts.lifecycles.extend(lifecycles_of(event.tenant_id, payload, day))
    if isinstance(payload, PaymentReceived):
        for allocation in payload.allocations:
            facts.invoices.append(
                _observation(event, allocation.invoice, payload.received_on, payload.payment_id)
            )
        facts.payments.append(
            PaymentFact(
                tenant_id=event.tenant_id,
                payment_id=payload.payment_id,
                version=payload.version,
                debtor_id=payload.debtor_id,
                currency=payload.amount.currency,
                amount_minor=payload.amount.amount_minor,
                unapplied_minor=payload.unapplied.amount_minor,
                received_on=payload.received_on,
                reversed_on=None,
            )
        )
    elif isinstance(payload, PaymentReversed):
        for allocation in payload.reopened:
            facts.invoices.append(_observation(event, allocation.invoice, day, payload.payment_id))
        facts.payments.append(
            PaymentFact(
                tenant_id=event.tenant_id,
                payment_id=payload.payment_id,
                version=payload.version,
                debtor_id=payload.debtor_id,
                currency=payload.amount.currency,
                amount_minor=payload.amount.amount_minor,
                unapplied_minor=None,
                received_on=None,
                reversed_on=day,
            )
        )
    elif isinstance(payload, DebtorUpserted | DebtorUpsertedV2):
        limit = payload.credit_policy.credit_limit
        facts.debtors.append(
            DebtorFact(
                tenant_id=event.tenant_id,
                debtor_id=payload.debtor_id,
                version=payload.version,
                name=payload.name,
                currency=payload.currency,
                time_zone=payload.time_zone,
                credit_limit_minor=limit.amount_minor if limit else None,
                credit_limit_currency=limit.currency if limit else None,
            )
        )
    elif isinstance(payload, EscalationStepExecuted | NotificationRequested | NotificationSent):
        facts.touches.append(touch_of(event.tenant_id, payload))
    elif isinstance(state := getattr(payload, "invoice", None), InvoiceState):
        on = day
        payment_id = None
        if isinstance(payload, InvoiceIssued):
            on = state.issue_date
        elif isinstance(payload, InvoicePaid):
            on = payload.paid_on
        elif isinstance(payload, InvoiceUpdated) and payload.credit_spent is not None:
            payment_id = payload.credit_spent.payment_id
        facts.invoices.append(_observation(event, state, on, payment_id))


def touch_of(
    tenant_id: str, payload: EscalationStepExecuted | NotificationRequested | NotificationSent
) -> TouchFact:
    if isinstance(payload, EscalationStepExecuted):
        return TouchFact(
            tenant_id=tenant_id,
            touch_key=f"step:{payload.case_id}:{payload.version}",
            kind=TouchKind.STEP,
            debtor_id=payload.debtor_id,
            case_id=payload.case_id,
            invoice_ids=tuple(sorted(set(payload.inputs.invoice_ids))),
            touched_on=payload.inputs.business_date,
            step=payload.step,
            action=payload.action.value,
            variant=payload.variant,
        )
    invoice_ids = (
        {shown.invoice_id for shown in payload.invoices}
        if isinstance(payload, NotificationSent)
        else set(payload.invoice_ids)
    )
    return TouchFact(
        tenant_id=tenant_id,
        touch_key=f"notification:{payload.dedup_key}",
        kind=TouchKind.NOTIFICATION,
        debtor_id=payload.debtor_id,
        case_id=payload.case_id,
        invoice_ids=tuple(sorted(invoice_ids)),
        touched_on=payload.sent_at.date() if isinstance(payload, NotificationSent) else None,
        step=payload.step if isinstance(payload, NotificationRequested) else None,
        channel=payload.channel.value,
        template_key=payload.template_key,
        tone=payload.tone.value if isinstance(payload, NotificationRequested) else None,
        variant=payload.variant,
    )


def merge_payment(stored: PaymentFact | None, new: PaymentFact) -> PaymentFact:
    """One payment from its received and reversed events, whichever came first."""
    if stored is None:
        return new
    newest = new if new.version >= stored.version else stored
    return PaymentFact(
        tenant_id=new.tenant_id,
        payment_id=new.payment_id,
        version=max(new.version, stored.version),
        debtor_id=newest.debtor_id,
        currency=newest.currency,
        amount_minor=newest.amount_minor,
        unapplied_minor=(
            new.unapplied_minor if new.unapplied_minor is not None else stored.unapplied_minor
        ),
        received_on=new.received_on or stored.received_on,
        reversed_on=new.reversed_on or stored.reversed_on,
    )
