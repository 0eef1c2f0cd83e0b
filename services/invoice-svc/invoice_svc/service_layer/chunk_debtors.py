"""The debtors one chunk of invoice or payment rows names, locked before any row is applied.

Locking them all up front, in id order, keeps the ledger's lock order (debtor before
invoice) and makes two concurrent batches take the debtors they share in the same order,
so neither can wait for the other in a circle. The chunk then resolves each row's debtor
without a query, and reassesses the credit limit of the debtors its rows touched once, at
the end: the outcome is the one a reassessment after every row would end at.
"""

from __future__ import annotations

from collections.abc import Iterable

from debtflow_shared.context import TraceContext, current_trace
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.domain.debtor import Debtor
from invoice_svc.service_layer.credit_limit import reassess_credit_limits
from invoice_svc.service_layer.invoices import unknown_debtor

DebtorName = tuple[str | None, str | None]
"""How a row names its debtor: ``(debtor_id, None)`` or ``(None, debtor_erp_id)``."""


class ChunkDebtors:
    def __init__(self, locked: Iterable[Debtor]) -> None:
        self._by_id = {d.id: d for d in locked}
        self._by_erp_id = {d.profile.erp_id: d for d in self._by_id.values() if d.profile.erp_id}
        self._touched: dict[str, Debtor] = {}
        self._traces: dict[str, TraceContext | None] = {}  # of the last row touching each

    @classmethod
    async def lock(
        cls, uow: UnitOfWork, tenant_id: str, names: Iterable[DebtorName]
    ) -> ChunkDebtors:
        ids: set[str] = set()
        erp_ids: set[str] = set()
        for debtor_id, debtor_erp_id in names:
            if debtor_id is not None:
                ids.add(debtor_id)
            elif debtor_erp_id is not None:
                erp_ids.add(debtor_erp_id)
        repository = DebtorRepository(uow.session)
        return cls(await repository.lock_many(tenant_id, ids=ids, erp_ids=erp_ids))

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def named(self, debtor_id: str | None, debtor_erp_id: str | None) -> Debtor:
        """The row's debtor; a refusal naming the row's field when the tenant has none."""
        found = self.find(debtor_id, debtor_erp_id)
        if found is None:
            raise unknown_debtor(debtor_id, debtor_erp_id)
        return found

    def find(self, debtor_id: str | None, debtor_erp_id: str | None) -> Debtor | None:
        """The row's debtor, or None when the tenant has none."""
        if debtor_id is not None:
            return self._by_id.get(debtor_id)
        return self._by_erp_id.get(debtor_erp_id) if debtor_erp_id is not None else None

    def touched(self, debtor: Debtor) -> None:
        """A row moved the debtor's open balance: reassess its credit limit at the end."""
        self._touched[debtor.id] = debtor
        self._traces[debtor.id] = current_trace()

    async def reassess_touched(self, uow: UnitOfWork) -> None:
        await reassess_credit_limits(uow, list(self._touched.values()), self._traces)
