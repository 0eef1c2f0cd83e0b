"""Keeping a debtor's credit hold in step with its open balance."""

from __future__ import annotations

from debtflow_shared.catalog.money import Money
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.credit_state_repository import CreditStateRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.domain.debtor import Debtor


async def reassess_credit_limit(uow: UnitOfWork, debtor: Debtor) -> None:
    """After a change that moved the debtor's open balance (the caller holds the debtor lock).

    The balance counts collectible invoices in the credit limit's currency.
    """
    states = CreditStateRepository(uow.session)
    state = await states.get(debtor.tenant_id, debtor.id)
    limit = debtor.profile.credit_policy.credit_limit
    if limit is None and not state.held_for_limit:
        return
    currency = limit.currency if limit else debtor.profile.currency
    balance = await InvoiceRepository(uow.session).open_balance(
        debtor.tenant_id, debtor.id, currency
    )
    if state.reassess(Money(amount_minor=balance, currency=currency), limit, uow.clock.now()):
        await states.save(state)
        uow.track(state)
