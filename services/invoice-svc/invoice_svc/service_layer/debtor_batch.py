"""One chunk of a debtor batch: the debtors with its ERP ids read (and locked) in one query.

The ledger refuses no debtor row (an invalid one never passes validation), so no row needs
a savepoint: a row that changes nothing writes nothing, a changed debtor is one update, and
the chunk's new debtors are inserted together, at the end or when a later row repeats one's
ERP id (that row then finds it in the database, as if the rows were applied one by one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from debtflow_shared.context import TraceContext, current_trace
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.domain.debtor import Debtor, DebtorProfile
from invoice_svc.service_layer.batches import Applied, ChunkRaced
from invoice_svc.service_layer.credit_limit import reassess_credit_limits
from invoice_svc.service_layer.debtors import register_or_change


class DebtorChunk:
    def __init__(
        self,
        uow: UnitOfWork,
        tenant_id: str,
        repository: DebtorRepository,
        known: dict[str, Debtor | None],
    ) -> None:
        self._uow = uow
        self._tenant_id = tenant_id
        self._repository = repository
        # By ERP id: the debtor as the database holds it, or None when it holds none.
        self._known = known
        self._to_insert: list[Debtor] = []
        self._new_limits: dict[str, Debtor] = {}
        self._traces: dict[str, TraceContext | None] = {}  # of the row that set each limit

    @classmethod
    async def start(
        cls, uow: UnitOfWork, tenant_id: str, profiles: Sequence[DebtorProfile]
    ) -> DebtorChunk:
        repository = DebtorRepository(uow.session)
        erp_ids = {p.erp_id for p in profiles if p.erp_id is not None}
        # Locked in id order, as the ledger does: two batches never wait for each other in a
        # circle, and nobody changes a debtor between this read and its update.
        found = {
            d.profile.erp_id: d for d in await repository.lock_many(tenant_id, erp_ids=erp_ids)
        }
        return cls(uow, tenant_id, repository, {erp_id: found.get(erp_id) for erp_id in erp_ids})

    async def apply(self, row: DebtorProfile) -> Applied:
        existing = await self._existing(row.erp_id)
        result = register_or_change(self._uow, self._tenant_id, existing, row)
        if result.created:
            self._to_insert.append(result.debtor)
            if row.erp_id is not None:
                del self._known[row.erp_id]  # a later row finds it in the database
        elif result.changed:
            await self._repository.save(result.debtor)
        if result.credit_limit_changed:
            self._new_limits[result.debtor.id] = result.debtor
            self._traces[result.debtor.id] = current_trace()
        self._uow.track(result.debtor)
        return Applied.of(result.debtor.id, created=result.created, changed=result.changed)

    async def finish(self) -> None:
        await self._insert_collected()
        await reassess_credit_limits(self._uow, list(self._new_limits.values()), self._traces)

    def refused_late(self) -> Mapping[str, str]:
        return {}  # a valid debtor row always goes in (its policy is stored as text)

    async def _existing(self, erp_id: str | None) -> Debtor | None:
        if erp_id is None:
            return None
        if erp_id not in self._known:  # an earlier row of this chunk registered it
            await self._insert_collected()
            self._known[erp_id] = await self._repository.get_by_erp_id(self._tenant_id, erp_id)
        return self._known[erp_id]

    async def _insert_collected(self) -> None:
        if await self._repository.add_many(self._to_insert) < len(self._to_insert):
            raise ChunkRaced("a concurrent request took an ERP id of this chunk")
        self._to_insert = []
