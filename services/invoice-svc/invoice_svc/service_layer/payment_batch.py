"""One chunk of a payment batch: its debtors locked and its ERP ids looked up, up front.

The tenant's ledger rules are read once per chunk. A payment already recorded (the ERP
re-sent it) is ``unchanged`` without a query or a savepoint; a new one is recorded by
:func:`receive_payment` in its own savepoint, as a single request would, and credit limits
are reassessed once per touched debtor, after the rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.payment_repository import PaymentRepository
from invoice_svc.domain.ledger_settings import LedgerRules
from invoice_svc.domain.payment import Payment
from invoice_svc.service_layer.batches import Applied
from invoice_svc.service_layer.chunk_debtors import ChunkDebtors
from invoice_svc.service_layer.ledger_settings import ledger_rules
from invoice_svc.service_layer.payments import RecordPayment, receive_payment


class PaymentChunk:
    def __init__(
        self,
        uow: UnitOfWork,
        tenant_id: str,
        debtors: ChunkDebtors,
        known: dict[str, Payment | None],
        rules: LedgerRules,
    ) -> None:
        self._uow = uow
        self._rules = rules
        self._tenant_id = tenant_id
        self._debtors = debtors
        # By ERP id: the payment as the database holds it, or None when it holds none.
        self._known = known

    @classmethod
    async def start(
        cls, uow: UnitOfWork, tenant_id: str, commands: Sequence[RecordPayment]
    ) -> PaymentChunk:
        debtors = await ChunkDebtors.lock(
            uow, tenant_id, [(c.debtor_id, c.debtor_erp_id) for c in commands]
        )
        erp_ids = {c.details.erp_id for c in commands if c.details.erp_id is not None}
        found = await PaymentRepository(uow.session).get_many_by_erp_id(tenant_id, erp_ids)
        known = {erp_id: found.get(erp_id) for erp_id in erp_ids}
        return cls(uow, tenant_id, debtors, known, await ledger_rules(uow, tenant_id))

    async def apply(self, row: RecordPayment) -> Applied:
        debtor = self._debtors.named(row.debtor_id, row.debtor_erp_id)
        existing = await self._existing(row.details.erp_id)
        if existing is not None:
            # Recorded already: the same payment (nothing to write) or a refusal.
            result = await receive_payment(self._uow, debtor, existing, row)
            return Applied("unchanged", result.payment.id)
        if row.details.erp_id is not None:
            self._known.pop(row.details.erp_id)  # recorded by this row, unless refused
        async with self._uow.savepoint():
            result = await receive_payment(self._uow, debtor, None, row, self._rules)
        self._uow.track(result.payment)
        self._debtors.touched(debtor)
        return Applied("created", result.payment.id)

    async def finish(self) -> None:
        await self._debtors.reassess_touched(self._uow)

    def refused_late(self) -> Mapping[str, str]:
        return {}  # every write is the row's own, in its savepoint

    async def _existing(self, erp_id: str | None) -> Payment | None:
        if erp_id is None:
            return None
        if erp_id not in self._known:  # an earlier row of this chunk recorded it
            repository = PaymentRepository(self._uow.session)
            self._known[erp_id] = await repository.get_by_erp_id(self._tenant_id, erp_id)
        return self._known[erp_id]
