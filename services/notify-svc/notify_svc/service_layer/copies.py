"""Keeping notify's copies from invoice-svc's facts and escalation-svc's restrictions.

Every handler stores what is newer than the copy (events cross topics in any order, and a
replay repeats them) and wakes the notifications that were waiting for that copy.
"""

from __future__ import annotations

from debtflow_shared.catalog.debtor import (
    DebtorUpserted,
    DebtorUpsertedV2,
    EmailContact,
    PhoneContact,
    PostalContact,
)
from debtflow_shared.catalog.escalation import PromiseBroken
from debtflow_shared.catalog.invoice import (
    CreditorProfileUpdated,
    InvoiceChargeApplied,
    InvoicePaid,
    InvoiceState,
    PaymentReceived,
    PaymentReversed,
)
from debtflow_shared.catalog.notification import ContactRestricted
from debtflow_shared.event_consumer import ReceivedEvent
from notify_svc.domain.copies import (
    BankDetails,
    ChargeCopy,
    CreditorCopy,
    DebtorCopy,
    EmailAddress,
    InvoiceCopy,
    PhoneNumber,
    PostalAddress,
)
from notify_svc.domain.restrictions import ContactRestriction
from notify_svc.service_layer.work import Work


async def on_debtor_upserted(
    event: ReceivedEvent[DebtorUpserted | DebtorUpsertedV2], uow: Work
) -> None:
    data = event.payload
    debtor = data if isinstance(data, DebtorUpsertedV2) else DebtorUpsertedV2.from_v1(data)
    postal = debtor.postal_address
    copy = DebtorCopy(
        tenant_id=event.tenant_id,
        debtor_id=debtor.debtor_id,
        version=debtor.version,
        name=debtor.name,
        language=debtor.language,
        time_zone=debtor.time_zone,
        country=debtor.country,
        currency=debtor.currency,
        emails=tuple(
            EmailAddress(c.value, c.usable, c.label)
            for c in debtor.contacts
            if isinstance(c, EmailContact)
        ),
        postal_lines=_postal_lines(debtor),
        phones=tuple(
            PhoneNumber(c.value, c.sms_capable, c.usable, c.label)
            for c in debtor.contacts
            if isinstance(c, PhoneContact)
        ),
        postal_address=PostalAddress(
            postal.lines, postal.city, postal.country, postal.postcode, postal.region
        )
        if postal
        else None,
    )
    if await uow.repos.copies.put_debtor(copy):
        await uow.repos.notifications.wake_unresolved(
            event.tenant_id, debtor.debtor_id, uow.clock.now()
        )


def _postal_lines(debtor: DebtorUpsertedV2) -> tuple[str, ...]:
    """The address as lines: the structured one, else the first usable free-text postal
    contact (escalation sends letters to either, so notify prints either)."""
    postal = debtor.postal_address
    if postal is not None:
        return (*postal.lines, " ".join(p for p in (postal.postcode, postal.city) if p))
    for contact in debtor.contacts:
        if isinstance(contact, PostalContact) and contact.usable:
            return tuple(line.strip() for line in contact.value.splitlines() if line.strip())
    return ()


async def on_creditor_profile_updated(
    event: ReceivedEvent[CreditorProfileUpdated], uow: Work
) -> None:
    data = event.payload
    copy = CreditorCopy(
        tenant_id=event.tenant_id,
        version=data.version,
        legal_name=data.legal_name,
        address_lines=data.address.lines,
        postcode=data.address.postcode,
        city=data.address.city,
        country=data.address.country,
        registration_numbers=dict(data.registration_numbers),
        bank_accounts=tuple(BankDetails(**b.model_dump()) for b in data.bank_accounts),
        pay_link=data.pay_link,
        dispute_email=data.dispute_email,
        dispute_phone=data.dispute_phone,
    )
    if await uow.repos.copies.put_creditor(copy):
        await uow.repos.notifications.wake_unresolved(event.tenant_id, None, uow.clock.now())


def invoice_copy(tenant_id: str, state: InvoiceState) -> InvoiceCopy:
    return InvoiceCopy(
        tenant_id=tenant_id,
        invoice_id=state.invoice_id,
        debtor_id=state.debtor_id,
        number=state.number,
        issue_date=state.issue_date,
        due_date=state.due_date,
        currency=state.amount.currency,
        amount_minor=state.amount.amount_minor,
        principal_open_minor=state.principal_open.amount_minor,
        charges_open_minor=state.charges_open.amount_minor,
        status=state.status,
        version=state.version,
    )


async def _keep_invoices(uow: Work, tenant_id: str, *states: InvoiceState) -> None:
    await uow.repos.copies.put_invoices([invoice_copy(tenant_id, s) for s in states])
    for debtor_id in sorted({s.debtor_id for s in states}):
        await uow.repos.notifications.wake_unresolved(tenant_id, debtor_id, uow.clock.now())


async def on_invoice_fact(event: ReceivedEvent[InvoiceChargeApplied], uow: Work) -> None:
    """Every ``invoice.*`` fact carries the invoice as it now stands (``invoice``); a paid
    one also tells how late it was paid (the debtor's history)."""
    data = event.payload
    await _keep_invoices(uow, event.tenant_id, data.invoice)
    if isinstance(data, InvoicePaid):
        state = data.invoice
        await uow.repos.history.invoice_paid(
            event.tenant_id, state.invoice_id, state.debtor_id, state.due_date, data.paid_on
        )


async def on_charge_applied(event: ReceivedEvent[InvoiceChargeApplied], uow: Work) -> None:
    data = event.payload
    await uow.repos.copies.put_charge(
        ChargeCopy(
            tenant_id=event.tenant_id,
            charge_id=data.charge_id,
            invoice_id=data.invoice.invoice_id,
            kind=data.kind,
            amount_minor=data.amount.amount_minor,
            currency=data.amount.currency,
            description=data.description,
            period_from=data.period_from,
            period_to=data.period_to,
        )
    )
    await _keep_invoices(uow, event.tenant_id, data.invoice)


async def on_payment_received(event: ReceivedEvent[PaymentReceived], uow: Work) -> None:
    data = event.payload
    await _keep_invoices(uow, event.tenant_id, *(a.invoice for a in data.allocations))
    await uow.repos.history.payment_received(
        event.tenant_id,
        data.payment_id,
        data.debtor_id,
        data.received_on,
        data.amount.amount_minor,
        data.amount.currency,
    )


async def on_payment_reversed(event: ReceivedEvent[PaymentReversed], uow: Work) -> None:
    await _keep_invoices(uow, event.tenant_id, *(a.invoice for a in event.payload.reopened))
    await uow.repos.history.payment_reversed(event.tenant_id, event.payload.payment_id)


async def on_promise_broken(event: ReceivedEvent[PromiseBroken], uow: Work) -> None:
    data = event.payload
    await uow.repos.history.promise_broken(
        event.tenant_id, data.promise_id, data.debtor_id, data.broken_on
    )


async def on_contact_restricted(event: ReceivedEvent[ContactRestricted], uow: Work) -> None:
    data = event.payload
    await uow.repos.restrictions.put_if_newer(
        ContactRestriction(
            tenant_id=event.tenant_id,
            debtor_id=data.debtor_id,
            version=data.version,
            restriction=data.restriction,
            channel=data.channel.value if data.channel else None,
            reason=data.reason,
            effective_at=data.effective_at,
            until=data.until,
        )
    )
    # A waiting notification meets the restriction at its next check; look now.
    await uow.repos.notifications.wake_unresolved(event.tenant_id, data.debtor_id, uow.clock.now())
