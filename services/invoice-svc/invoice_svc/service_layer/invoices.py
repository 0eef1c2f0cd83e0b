"""Issuing, amending, crediting, cancelling and writing off invoices; reading them.

Every writer locks the debtor first, then the invoice: one lock order for all ledger
writers (payments too), so two of them never wait on each other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from debtflow_shared.envelope import new_event_id
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.payment_repository import PaymentRepository
from invoice_svc.domain.debtor import Debtor
from invoice_svc.domain.due_dates import default_due_date
from invoice_svc.domain.invoice import (
    CHASED,
    CurrencyMismatch,
    Invoice,
    InvoiceLine,
    InvoiceTerms,
    LedgerError,
)
from invoice_svc.domain.invoice_filter import InvoiceFilter
from invoice_svc.service_layer.credit_limit import reassess_credit_limit


class UnknownDebtor(LedgerError):
    """The tenant has no debtor with that id."""


class InvoiceNotFound(LedgerError):
    """The tenant has no invoice with that id."""


class ErpIdConflict(LedgerError):
    """An ERP id already names something this request cannot become."""


@dataclass(frozen=True)
class IssueInvoice:
    debtor_id: str | None  # None: the debtor is named by ``debtor_erp_id``
    number: str
    currency: str
    issue_date: date
    amount_minor: int
    due_date: date | None = None
    erp_id: str | None = None
    lines: tuple[InvoiceLine, ...] = ()
    debtor_erp_id: str | None = None


@dataclass(frozen=True)
class UpsertResult:
    invoice: Invoice
    created: bool
    changed: bool
    credit_used_minor: int = 0  # unapplied account credit the invoice took


async def issue_invoice(uow: UnitOfWork, tenant_id: str, command: IssueInvoice) -> UpsertResult:
    """Issue an invoice, or amend the one with the same ERP id; re-sending changes nothing.

    A new invoice immediately takes any unapplied credit the debtor has in its currency.
    """
    async with uow:
        result = await issue_invoice_in(uow, tenant_id, command)
        await uow.commit()
    return result


async def issue_invoice_in(uow: UnitOfWork, tenant_id: str, command: IssueInvoice) -> UpsertResult:
    """:func:`issue_invoice` inside a unit of work that is already open (consumer)."""
    debtor = await lock_named_debtor(uow, tenant_id, command.debtor_id, command.debtor_erp_id)
    invoices = InvoiceRepository(uow.session)
    existing = await invoices.get_by_erp_id(tenant_id, command.erp_id) if command.erp_id else None
    result = await write_invoice(uow, invoices, debtor, existing, command)
    if result.changed:
        await reassess_credit_limit(uow, debtor)
    uow.track(result.invoice)
    return result


async def write_invoice(
    uow: UnitOfWork,
    invoices: InvoiceRepository,
    debtor: Debtor,
    existing: Invoice | None,
    command: IssueInvoice,
    *,
    spend_credit: bool = True,
) -> UpsertResult:
    """Issue ``command`` for ``debtor`` (the caller holds its lock), or amend ``existing``,
    the invoice with the command's ERP id.

    Writes only: the caller tracks the invoice and, when it changed, reassesses the debtor's
    credit limit. ``spend_credit=False`` is for a caller that knows the debtor has no account
    credit in the invoice's currency.
    """
    terms = invoice_terms(debtor, command)
    if existing is not None:
        if existing.debtor_id != debtor.id:
            raise _erp_id_of_another_debtor(command)
        now = uow.clock.now()
        amount_before = existing.terms.amount_minor
        changed = existing.amend(terms, time_zone=debtor.profile.time_zone, now=now)
        used = 0
        # More owed is new debt, as a new invoice is: the account's credit pays it first.
        if spend_credit and existing.terms.amount_minor > amount_before:
            used = await _spend_account_credit(uow, existing)
        if changed:
            await invoices.save(existing)
        return UpsertResult(existing, created=False, changed=bool(changed), credit_used_minor=used)
    invoice = new_invoice(uow, debtor, command, terms)
    if not await invoices.add(invoice):
        # Another debtor's invoice took the ERP id since we looked (this debtor's writers
        # are serialised by its lock, so it cannot be this debtor's).
        raise _erp_id_of_another_debtor(command)
    used = await _spend_account_credit(uow, invoice) if spend_credit else 0
    await invoices.save(invoice)
    return UpsertResult(invoice, created=True, changed=True, credit_used_minor=used)


def _erp_id_of_another_debtor(command: IssueInvoice) -> ErpIdConflict:
    return ErpIdConflict(
        f"ERP id {command.erp_id!r} belongs to an invoice of another debtor",
        field="debtor_id" if command.debtor_id is not None else "debtor_erp_id",
    )


def invoice_terms(debtor: Debtor, command: IssueInvoice) -> InvoiceTerms:
    """The command's terms; without a due date, the debtor's payment terms give one."""
    return InvoiceTerms(
        number=command.number,
        currency=command.currency,
        issue_date=command.issue_date,
        due_date=command.due_date
        or default_due_date(command.issue_date, debtor.profile.credit_policy.payment_terms_days),
        amount_minor=command.amount_minor,
        lines=command.lines,
    )


def new_invoice(
    uow: UnitOfWork, debtor: Debtor, command: IssueInvoice, terms: InvoiceTerms
) -> Invoice:
    """The invoice ``command`` issues (nothing written yet)."""
    return Invoice.issue(
        invoice_id=str(new_event_id()),
        tenant_id=debtor.tenant_id,
        debtor_id=debtor.id,
        erp_id=command.erp_id,
        terms=terms,
        time_zone=debtor.profile.time_zone,
        now=uow.clock.now(),
    )


async def credit_invoice(
    uow: UnitOfWork,
    tenant_id: str,
    invoice_id: str,
    *,
    amount_minor: int,
    currency: str,
    reason: str,
) -> Invoice:
    async with uow:
        invoices = InvoiceRepository(uow.session)
        debtor, invoice = await lock_invoice(uow, invoices, tenant_id, invoice_id)
        if currency != invoice.currency:
            raise CurrencyMismatch(
                f"the invoice is in {invoice.currency}, the credit note in {currency}",
                field="amount.currency",
            )
        credit_note_id = str(new_event_id())
        invoice.credit(
            credit_note_id=credit_note_id,
            amount_minor=amount_minor,
            reason=reason,
            now=uow.clock.now(),
        )
        await invoices.save(invoice)
        await invoices.add_credit_note(
            invoice, credit_note_id=credit_note_id, amount_minor=amount_minor, reason=reason
        )
        await reassess_credit_limit(uow, debtor)
        uow.track(invoice)
        await uow.commit()
    return invoice


async def cancel_invoice(uow: UnitOfWork, tenant_id: str, invoice_id: str, reason: str) -> Invoice:
    async with uow:
        invoice = await cancel_invoice_in(uow, tenant_id, invoice_id, reason)
        await uow.commit()
    return invoice


async def cancel_invoice_in(
    uow: UnitOfWork, tenant_id: str, invoice_id: str, reason: str
) -> Invoice:
    """:func:`cancel_invoice` inside a unit of work that is already open."""
    invoices = InvoiceRepository(uow.session)
    debtor, invoice = await lock_invoice(uow, invoices, tenant_id, invoice_id)
    invoice.cancel(reason=reason, now=uow.clock.now())
    await invoices.save(invoice)
    await reassess_credit_limit(uow, debtor)
    uow.track(invoice)
    return invoice


async def write_off_invoice(
    uow: UnitOfWork, tenant_id: str, invoice_id: str, reason: str
) -> Invoice:
    async with uow:
        invoices = InvoiceRepository(uow.session)
        debtor, invoice = await lock_invoice(uow, invoices, tenant_id, invoice_id)
        invoice.write_off(reason=reason, now=uow.clock.now())
        await invoices.save(invoice)
        await reassess_credit_limit(uow, debtor)
        uow.track(invoice)
        await uow.commit()
    return invoice


async def get_invoice(uow: UnitOfWork, tenant_id: str, invoice_id: str) -> Invoice | None:
    async with uow:
        return await InvoiceRepository(uow.session).get(tenant_id, invoice_id)


async def list_invoices(
    uow: UnitOfWork,
    tenant_id: str,
    filters: InvoiceFilter,
    *,
    after: tuple[date, str] | None,
    limit: int,
) -> list[Invoice]:
    async with uow:
        return await InvoiceRepository(uow.session).search(
            tenant_id, filters, now=uow.clock.now(), after=after, limit=limit
        )


async def _spend_account_credit(uow: UnitOfWork, invoice: Invoice) -> int:
    """Pay ``invoice`` from the debtor's unapplied credit, oldest payment first; the total used."""
    if invoice.status not in CHASED:
        return 0  # a disputed invoice is paid only when a payment names it
    payments = PaymentRepository(uow.session)
    now = uow.clock.now()
    total = 0
    for payment in await payments.with_credit(
        invoice.tenant_id, invoice.debtor_id, invoice.currency
    ):
        used = payment.spend_credit(invoice, now)
        if used:
            total += used
            await payments.save(payment)
            await payments.change_account_credit(
                invoice.tenant_id, invoice.debtor_id, invoice.currency, -used
            )
        if invoice.open_balance_minor == 0:
            break
    return total


async def lock_debtor_for_writing(uow: UnitOfWork, tenant_id: str, debtor_id: str) -> Debtor:
    if not await InvoiceRepository(uow.session).lock_debtor(tenant_id, debtor_id):
        raise unknown_debtor(debtor_id, None)
    debtor = await DebtorRepository(uow.session).get(tenant_id, debtor_id)
    assert debtor is not None  # locked just now
    return debtor


async def lock_named_debtor(
    uow: UnitOfWork, tenant_id: str, debtor_id: str | None, debtor_erp_id: str | None
) -> Debtor:
    """The debtor a command names, by our id or else by the ERP's, locked for writing."""
    if debtor_id is not None:
        return await lock_debtor_for_writing(uow, tenant_id, debtor_id)
    assert debtor_erp_id is not None, "a command names its debtor one way or the other"
    found = await DebtorRepository(uow.session).lock_many(tenant_id, erp_ids=[debtor_erp_id])
    if not found:
        raise unknown_debtor(None, debtor_erp_id)
    return found[0]


def unknown_debtor(debtor_id: str | None, debtor_erp_id: str | None) -> UnknownDebtor:
    """The refusal for a debtor the tenant does not have, naming the field that named it."""
    if debtor_id is not None:
        return UnknownDebtor(f"debtor {debtor_id} not found", field="debtor_id")
    return UnknownDebtor(f"no debtor has ERP id {debtor_erp_id!r}", field="debtor_erp_id")


async def lock_invoice(
    uow: UnitOfWork, invoices: InvoiceRepository, tenant_id: str, invoice_id: str
) -> tuple[Debtor, Invoice]:
    """The invoice and its debtor, debtor locked first (the ledger's one lock order)."""
    peek = await invoices.get(tenant_id, invoice_id)
    if peek is None:
        raise InvoiceNotFound(f"invoice {invoice_id} not found")
    debtor = await lock_debtor_for_writing(uow, tenant_id, peek.debtor_id)
    invoice = await invoices.get(tenant_id, invoice_id, lock=True)
    assert invoice is not None  # invoices are never deleted
    return debtor, invoice
