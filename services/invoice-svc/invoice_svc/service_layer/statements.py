"""A debtor's account statement: every open item, aged, with totals and the creditor's details.

Items are the invoices still collected (open, partially paid, disputed) with today's
balances, each with its lines (as issued, credit notes, payments, charges); ``as_of`` only
moves the date they are aged at (it does not rebuild past balances). The statement is dated
the business clock's day in the debtor's zone. Days past due count in the debtor's own time
zone, like the overdue sweeper.
Aging buckets are the product's: current, 1-30, 31-60, 61-90, 90+ days past due.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.creditor_profile_repository import CreditorProfileRepository
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.payment_repository import PaymentRepository
from invoice_svc.adapters.statement_pdf import render_statement_pdf
from invoice_svc.adapters.statement_repository import StatementRepository
from invoice_svc.domain.due_dates import local_today
from invoice_svc.domain.invoice import COLLECTIBLE, Invoice
from invoice_svc.domain.invoice_filter import InvoiceFilter
from invoice_svc.domain.statement import Statement, statement_item, statement_totals

_PAGE = 500


async def account_statement(
    uow: UnitOfWork, tenant_id: str, debtor_id: str, *, as_of: date | None = None
) -> Statement | None:
    """The debtor's statement, or None when the tenant has no such debtor."""
    async with uow:
        debtor = await DebtorRepository(uow.session).get(tenant_id, debtor_id)
        if debtor is None:
            return None
        now = uow.clock.now()
        today = local_today(now, debtor.profile.time_zone)
        invoices = await _collectible(InvoiceRepository(uow.session), tenant_id, debtor_id, now)
        activity = await StatementRepository(uow.session).activity(
            tenant_id, debtor_id, debtor.profile.time_zone
        )
        credit = await PaymentRepository(uow.session).all_account_credit(tenant_id, debtor_id)
        profile = await CreditorProfileRepository(uow.session).get(tenant_id)
    day = as_of or today
    items = tuple(
        statement_item(i, day, activity.get(i.id, ())) for i in sorted(invoices, key=_by_due_date)
    )
    return Statement(
        debtor=debtor,
        creditor=profile.details if profile else None,
        as_of=day,
        generated_at=now,
        items=items,
        totals=statement_totals(items, credit),
        issued_on=today,
    )


async def statement_pdf(statement: Statement) -> bytes:
    """The statement as the PDF a person would send (rendered off the event loop)."""
    return await asyncio.to_thread(render_statement_pdf, statement)


async def _collectible(
    repository: InvoiceRepository, tenant_id: str, debtor_id: str, now: datetime
) -> list[Invoice]:
    # The repository's search reads without locking (a statement must not block writers).
    found: list[Invoice] = []
    for status in sorted(COLLECTIBLE):
        after: tuple[date, str] | None = None
        while True:
            page = await repository.search(
                tenant_id,
                InvoiceFilter(status=status, debtor_id=debtor_id),
                now=now,
                after=after,
                limit=_PAGE,
            )
            found += page
            if len(page) < _PAGE:
                break
            after = (page[-1].terms.due_date, page[-1].id)
    return found


def _by_due_date(invoice: Invoice) -> tuple[date, date, str]:
    return invoice.terms.due_date, invoice.terms.issue_date, invoice.terms.number
