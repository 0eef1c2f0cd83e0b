"""Recording, reversing and reading payments (allocation rules: ``domain/payment.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from debtflow_shared.envelope import new_event_id
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.payment_repository import PaymentRepository
from invoice_svc.domain.debtor import Debtor
from invoice_svc.domain.invoice import Invoice, LedgerError
from invoice_svc.domain.ledger_settings import LedgerRules
from invoice_svc.domain.payment import Payment, PaymentDetails
from invoice_svc.service_layer.credit_limit import reassess_credit_limit
from invoice_svc.service_layer.invoices import (
    ErpIdConflict,
    lock_debtor_for_writing,
    lock_named_debtor,
)
from invoice_svc.service_layer.ledger_settings import ledger_rules


class PaymentNotFound(LedgerError):
    """The tenant has no payment with that id."""


@dataclass(frozen=True)
class RecordPayment:
    debtor_id: str | None  # None: the debtor is named by ``debtor_erp_id``
    details: PaymentDetails
    invoice_ids: tuple[str, ...] | None = None
    debtor_erp_id: str | None = None


@dataclass(frozen=True)
class RecordResult:
    payment: Payment
    created: bool


async def record_payment(uow: UnitOfWork, tenant_id: str, command: RecordPayment) -> RecordResult:
    """Record and allocate a payment; the same ERP id with the same content changes nothing."""
    async with uow:
        result = await record_payment_in(uow, tenant_id, command)
        if result.created:
            await uow.commit()
    return result


async def record_payment_in(
    uow: UnitOfWork, tenant_id: str, command: RecordPayment
) -> RecordResult:
    """:func:`record_payment` inside a unit of work that is already open."""
    debtor = await lock_named_debtor(uow, tenant_id, command.debtor_id, command.debtor_erp_id)
    erp_id = command.details.erp_id
    payments = PaymentRepository(uow.session)
    existing = await payments.get_by_erp_id(tenant_id, erp_id) if erp_id else None
    result = await receive_payment(uow, debtor, existing, command)
    if result.created:
        await reassess_credit_limit(uow, debtor)
        uow.track(result.payment)
    return result


async def receive_payment(
    uow: UnitOfWork,
    debtor: Debtor,
    existing: Payment | None,
    command: RecordPayment,
    rules: LedgerRules | None = None,
    *,
    payment_id: str | None = None,
) -> RecordResult:
    """Record and allocate ``command`` for ``debtor`` (the caller holds its lock), unless
    ``existing``, the payment with its ERP id, already is this payment.

    Tracks the invoices it pays; the caller reassesses the debtor's credit limit, then tracks
    a new payment (so a hold or release it causes precedes it in the outbox, as it always has).
    ``rules`` are the tenant's ledger rules when the caller has read them already;
    ``payment_id`` the new payment's id when the caller chose it.
    """
    tenant_id, erp_id = debtor.tenant_id, command.details.erp_id
    if existing is not None:
        if existing.debtor_id != debtor.id or existing.details != command.details:
            raise ErpIdConflict(
                f"payment ERP id {erp_id!r} was already recorded with other content",
                field="erp_id",
            )
        return RecordResult(existing, created=False)
    payments = PaymentRepository(uow.session)
    invoices = InvoiceRepository(uow.session)
    named = await _named_invoices(invoices, tenant_id, debtor.id, command.invoice_ids)
    candidates = (
        [] if named is not None else await invoices.collectible_for_debtor(tenant_id, debtor.id)
    )
    payment = Payment.receive(
        payment_id=payment_id or str(new_event_id()),
        tenant_id=tenant_id,
        debtor_id=debtor.id,
        details=command.details,
        named=named,
        open_invoices=candidates,
        account_currency=debtor.profile.currency,
        now=uow.clock.now(),
        charges_first=(rules or await ledger_rules(uow, tenant_id)).charges_first,
    )
    for invoice in named if named is not None else candidates:
        await invoices.save(invoice)
        uow.track(invoice)
    if not await payments.add(payment):
        raise ErpIdConflict(
            f"payment ERP id {erp_id!r} was recorded by a concurrent request", field="erp_id"
        )
    await payments.change_account_credit(
        tenant_id, debtor.id, payment.currency, payment.unapplied_minor
    )
    return RecordResult(payment, created=True)


async def reverse_payment(uow: UnitOfWork, tenant_id: str, payment_id: str, reason: str) -> Payment:
    """A bounce or chargeback: reopen what the payment paid and take back its credit."""
    async with uow:
        payments = PaymentRepository(uow.session)
        peek = await payments.get(tenant_id, payment_id)
        if peek is None:
            raise PaymentNotFound(f"payment {payment_id} not found")
        debtor = await lock_debtor_for_writing(uow, tenant_id, peek.debtor_id)
        payment = await payments.get(tenant_id, payment_id, lock=True)
        assert payment is not None  # payments are never deleted
        invoices = InvoiceRepository(uow.session)
        paid = await invoices.get_many(
            tenant_id, [line.invoice_id for line in payment.allocations], lock=True
        )
        taken_back = payment.reverse(reason=reason, invoices=paid, now=uow.clock.now())
        for invoice in paid.values():
            await invoices.save(invoice)
            uow.track(invoice)
        await payments.save(payment)
        await payments.change_account_credit(tenant_id, debtor.id, payment.currency, -taken_back)
        await reassess_credit_limit(uow, debtor)
        uow.track(payment)
        await uow.commit()
    return payment


async def get_payment(uow: UnitOfWork, tenant_id: str, payment_id: str) -> Payment | None:
    async with uow:
        return await PaymentRepository(uow.session).get(tenant_id, payment_id)


async def list_payments(
    uow: UnitOfWork, tenant_id: str, debtor_id: str, *, after: tuple[date, str] | None, limit: int
) -> list[Payment]:
    async with uow:
        return await PaymentRepository(uow.session).list_for_debtor(
            tenant_id, debtor_id, after=after, limit=limit
        )


async def _named_invoices(
    invoices: InvoiceRepository,
    tenant_id: str,
    debtor_id: str,
    invoice_ids: tuple[str, ...] | None,
) -> list[Invoice] | None:
    if invoice_ids is None:
        return None
    found = await invoices.get_many(tenant_id, invoice_ids, lock=True)
    return named_invoices(found, debtor_id, invoice_ids)


def named_invoices(
    found: Mapping[str, Invoice], debtor_id: str, invoice_ids: tuple[str, ...]
) -> list[Invoice]:
    """The invoices a payment names, in its order, from ``found`` (by id); a refusal naming
    the ``invoice_ids[i]`` that is not the debtor's or is named twice."""
    named: list[Invoice] = []
    for index, invoice_id in enumerate(invoice_ids):
        field = f"invoice_ids[{index}]"
        invoice = found.get(invoice_id)
        if invoice is None or invoice.debtor_id != debtor_id:
            raise LedgerError(f"the debtor has no invoice {invoice_id}", field=field)
        if any(other.id == invoice_id for other in named):
            raise LedgerError(f"invoice {invoice_id} is named twice", field=field)
        named.append(invoice)
    return named
