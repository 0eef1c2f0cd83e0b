"""One chunk of an invoice batch: what its rows need is read up front, in three queries.

Those are the chunk's debtors (locked, ``chunk_debtors``), the invoices with the chunk's ERP
ids and the debtors' account credit. Then most rows need no query of their own:

* a row that changes nothing is ``unchanged`` at once (no savepoint: nothing to undo);
* a new invoice that cannot take account credit (none in its currency) is only collected,
  and the chunk's collected invoices are inserted by one statement before anything else
  writes: before the next savepoint, and at the end;
* any other row (an amendment, a new invoice that takes credit) goes through
  :func:`write_invoice` in its own savepoint, as a single request would.

An ERP id an earlier row of the chunk wrote (or failed to write) is looked up again in the
database, so a row that repeats an earlier one sees it exactly as applying them one by one
would. Credit limits are reassessed once per touched debtor, after the rows.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from debtflow_shared.context import TraceContext, current_trace
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.payment_repository import PaymentRepository
from invoice_svc.domain.debtor import Debtor
from invoice_svc.domain.invoice import Invoice
from invoice_svc.service_layer.batches import Applied, ChunkRaced, cannot_apply
from invoice_svc.service_layer.chunk_debtors import ChunkDebtors
from invoice_svc.service_layer.invoices import (
    IssueInvoice,
    invoice_terms,
    new_invoice,
    write_invoice,
)

log = logging.getLogger(__name__)


class InvoiceChunk:
    def __init__(
        self,
        uow: UnitOfWork,
        tenant_id: str,
        debtors: ChunkDebtors,
        invoices: InvoiceRepository,
        known: dict[str, Invoice | None],
        credit: dict[tuple[str, str], int],
    ) -> None:
        self._uow = uow
        self._tenant_id = tenant_id
        self._debtors = debtors
        self._invoices = invoices
        # By ERP id: the invoice as the database holds it, or None when it holds none.
        self._known = known
        # Account credit by (debtor id, currency), as the database holds it; absent: none.
        self._credit = credit
        # New invoices waiting for the one insert, with the trace of the row that made each
        # (a batch of ERP messages: each one's events carry its own ids).
        self._to_insert: list[tuple[Invoice, TraceContext | None]] = []
        self._refused_late: dict[str, str] = {}

    @classmethod
    async def start(
        cls,
        uow: UnitOfWork,
        tenant_id: str,
        commands: Sequence[IssueInvoice],
        debtors: ChunkDebtors | None = None,
    ) -> InvoiceChunk:
        """Read what the rows need; ``debtors``: theirs, if the caller has locked them."""
        if debtors is None:
            debtors = await ChunkDebtors.lock(
                uow, tenant_id, [(c.debtor_id, c.debtor_erp_id) for c in commands]
            )
        invoices = InvoiceRepository(uow.session)
        erp_ids = {c.erp_id for c in commands if c.erp_id is not None}
        found = await invoices.get_many_by_erp_id(tenant_id, erp_ids)
        credit = await PaymentRepository(uow.session).account_credits_of(tenant_id, debtors.ids)
        known = {erp_id: found.get(erp_id) for erp_id in erp_ids}
        return cls(uow, tenant_id, debtors, invoices, known, credit)

    async def apply(self, row: IssueInvoice) -> Applied:
        debtor = self._debtors.named(row.debtor_id, row.debtor_erp_id)
        existing = await self._existing(row.erp_id)
        if existing is None:
            if (debtor.id, row.currency) in self._credit:
                return await self._write(debtor, None, row)
            return self._issue_later(debtor, row)
        same_debtor = existing.debtor_id == debtor.id
        if same_debtor and not existing.amendment(invoice_terms(debtor, row)):
            return Applied("unchanged", existing.id)
        return await self._write(debtor, existing, row)

    async def finish(self) -> None:
        await self._insert_collected()
        await self._debtors.reassess_touched(self._uow)

    def refused_late(self) -> Mapping[str, str]:
        return self._refused_late

    async def _existing(self, erp_id: str | None) -> Invoice | None:
        if erp_id is None:
            return None
        if erp_id not in self._known:
            # An earlier row of this chunk wrote it: the database knows best, once it holds
            # every earlier row.
            await self._insert_collected()
            self._known[erp_id] = await self._invoices.get_by_erp_id(self._tenant_id, erp_id)
        return self._known[erp_id]

    def _issue_later(self, debtor: Debtor, row: IssueInvoice) -> Applied:
        invoice = new_invoice(self._uow, debtor, row, invoice_terms(debtor, row))
        self._to_insert.append((invoice, current_trace()))  # tracked once it is in
        self._forget(row.erp_id)
        self._debtors.touched(debtor)
        return Applied("created", invoice.id)

    async def _write(self, debtor: Debtor, existing: Invoice | None, row: IssueInvoice) -> Applied:
        # Insert first: a refusal rolls back this row's savepoint, never earlier rows.
        await self._insert_collected()
        self._forget(row.erp_id)  # this row changes it, or fails halfway through
        spend_credit = (debtor.id, row.currency) in self._credit
        async with self._uow.savepoint():
            result = await write_invoice(
                self._uow, self._invoices, debtor, existing, row, spend_credit=spend_credit
            )
        self._uow.track(result.invoice)
        if result.changed:
            self._debtors.touched(debtor)
        if result.credit_used_minor:
            self._credit_spent(debtor.id, row.currency, result.credit_used_minor)
        return Applied.of(result.invoice.id, created=result.created, changed=result.changed)

    async def _insert_collected(self) -> None:
        collected, self._to_insert = self._to_insert, []
        if not collected:
            return
        refused_before = len(self._refused_late)
        try:
            async with self._uow.savepoint():
                inserted = await self._invoices.add_many([invoice for invoice, _ in collected])
        except Exception:  # one bad row must not sink the others: find it
            log.warning("a chunk's new invoices failed together; inserting them one by one")
            inserted = await self._insert_one_by_one(collected)
        else:
            for invoice, trace in collected:
                self._uow.track(invoice, trace=trace)
        refused = len(self._refused_late) - refused_before
        if inserted < len(collected) - refused:
            raise ChunkRaced("a concurrent request took an ERP id of this chunk")

    async def _insert_one_by_one(
        self, collected: Sequence[tuple[Invoice, TraceContext | None]]
    ) -> int:
        inserted = 0
        for invoice, trace in collected:
            try:
                async with self._uow.savepoint():
                    added = await self._invoices.add(invoice)
            except Exception as error:  # refused alone, reported for its row
                log.exception("invoice %s of a batch could not be inserted", invoice.erp_id)
                self._refused_late[invoice.id] = cannot_apply(error)
                continue
            if added:
                inserted += 1
                self._uow.track(invoice, trace=trace)
        return inserted

    def _forget(self, erp_id: str | None) -> None:
        if erp_id is not None:
            self._known.pop(erp_id, None)

    def _credit_spent(self, debtor_id: str, currency: str, used_minor: int) -> None:
        key = (debtor_id, currency)
        left = self._credit.get(key, 0) - used_minor
        if left:
            self._credit[key] = left
        else:
            self._credit.pop(key, None)
