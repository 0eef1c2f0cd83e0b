"""invoice-svc's repositories over one SQL session: what ``uow.repos`` is at run time."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from invoice_svc.adapters.credit_state_repository import CreditStateRepository
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository


class SqlRepositories:
    """Implements :class:`invoice_svc.domain.repositories.Repositories`."""

    def __init__(self, session: AsyncSession) -> None:
        self.debtors = DebtorRepository(session)
        self.credit_states = CreditStateRepository(session)
        self.balances = InvoiceRepository(session)
