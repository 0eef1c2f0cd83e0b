"""One chunk of a payment batch: what its rows need is read up front, and written together.

Up front: the chunk's debtors (locked, ``chunk_debtors``), the payments with its ERP ids,
the tenant's ledger rules, and the invoices its rows may pay (the debtors' collectible
ones and those the rows name, locked). Then a row is allocated in memory, as
:func:`receive_payment` would allocate it, and what it changed (the payment, the invoices
it paid, the account credit it left, its events) is kept; the chunk writes what its rows
kept in a few statements, in a savepoint, before it reads the database again and at the end.

A row refused by the ledger wrote nothing. A row that fails after changing invoices in
memory leaves them unusable: its debtor's invoices are read again (after the rows before
it are written). If the chunk's writes fail together, the rows they came from are applied
again one by one, each in its own savepoint as a single request would, so the one that
cannot be written is refused alone (``refused_late``); and if a concurrent request took
an ERP id meanwhile, the whole chunk is applied again (:class:`ChunkRaced`).

A payment already recorded (the ERP re-sent it) is ``unchanged`` without a query. Credit
limits are reassessed once per touched debtor, after the rows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from debtflow_shared.aggregate import PendingEvent
from debtflow_shared.context import TraceContext, current_trace
from debtflow_shared.envelope import new_event_id
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.payment_repository import PaymentRepository
from invoice_svc.domain.debtor import Debtor
from invoice_svc.domain.invoice import Invoice, LedgerError
from invoice_svc.domain.ledger_settings import LedgerRules
from invoice_svc.domain.payment import Payment
from invoice_svc.service_layer.batches import Applied, ChunkRaced, cannot_apply
from invoice_svc.service_layer.chunk_debtors import ChunkDebtors
from invoice_svc.service_layer.ledger_settings import ledger_rules
from invoice_svc.service_layer.payments import RecordPayment, named_invoices, receive_payment

log = logging.getLogger(__name__)

YIELD_EVERY = 25
"""Rows allocated in memory between two turns of the event loop: other requests go on."""


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
        self._invoices = InvoiceRepository(uow.session)
        self._by_id: dict[str, Invoice] = {}  # every invoice read, one object per invoice
        self._open: dict[str, list[Invoice]] = {}  # by debtor: collectible when read
        self._kept = _Kept()
        self._refused_late: dict[str, str] = {}
        self._raced = False
        self._rows = 0

    @classmethod
    async def start(
        cls,
        uow: UnitOfWork,
        tenant_id: str,
        commands: Sequence[RecordPayment],
        debtors: ChunkDebtors | None = None,
    ) -> PaymentChunk:
        """Read what the rows need; ``debtors``: theirs, if the caller has locked them."""
        if debtors is None:
            debtors = await ChunkDebtors.lock(
                uow, tenant_id, [(c.debtor_id, c.debtor_erp_id) for c in commands]
            )
        erp_ids = {c.details.erp_id for c in commands if c.details.erp_id is not None}
        found = await PaymentRepository(uow.session).get_many_by_erp_id(tenant_id, erp_ids)
        known = {erp_id: found.get(erp_id) for erp_id in erp_ids}
        chunk = cls(uow, tenant_id, debtors, known, await ledger_rules(uow, tenant_id))
        # Only new payments allocate: a re-sent batch reads no invoice at all.
        new = [c for c in commands if c.details.erp_id is None or not found.get(c.details.erp_id)]
        needs: dict[tuple[str, str], int] = {}
        for command in new:
            debtor = debtors.find(command.debtor_id, command.debtor_erp_id)
            if debtor is not None and command.invoice_ids is None:
                key = (debtor.id, command.details.currency)
                needs[key] = needs.get(key, 0) + command.details.amount_minor
        await chunk._read_covering(needs)
        await chunk._read_named(i for c in new for i in c.invoice_ids or ())
        return chunk

    async def apply(self, row: RecordPayment) -> Applied:
        self._rows += 1
        if self._rows % YIELD_EVERY == 0:
            await asyncio.sleep(0)
        debtor = self._debtors.named(row.debtor_id, row.debtor_erp_id)
        existing = await self._existing(row.details.erp_id)
        if existing is not None:
            # Recorded already: the same payment (nothing to write) or a refusal.
            result = await receive_payment(self._uow, debtor, existing, row)
            return Applied("unchanged", result.payment.id)
        if row.details.erp_id is not None:
            self._known.pop(row.details.erp_id)  # recorded by this row, unless refused
        if self._raced:  # the chunk is applied again: skip the work
            return Applied("created", "")
        targets = await self._targets(debtor, row)
        try:
            payment = self._receive(debtor, row, targets)
        except BaseException:
            self._forget_changed(debtor, targets)
            raise
        self._keep(payment, targets, debtor, row)
        self._debtors.touched(debtor)
        return Applied("created", payment.id)

    async def finish(self) -> None:
        await self._write_kept()
        if self._raced:
            raise ChunkRaced("a concurrent request took a payment ERP id of this chunk")
        await self._debtors.reassess_touched(self._uow)

    def refused_late(self) -> Mapping[str, str]:
        return self._refused_late

    # -- rows in memory ---------------------------------------------------------------------
    async def _targets(self, debtor: Debtor, row: RecordPayment) -> list[Invoice]:
        """The invoices the row may pay, in the order :func:`receive_payment` saves them."""
        if row.invoice_ids is not None:
            await self._read_named(row.invoice_ids)
            return named_invoices(self._by_id, debtor.id, row.invoice_ids)
        if debtor.id not in self._open:
            await self._read_open([debtor.id])
        return self._open[debtor.id]

    def _receive(self, debtor: Debtor, row: RecordPayment, targets: list[Invoice]) -> Payment:
        return Payment.receive(
            payment_id=str(new_event_id()),
            tenant_id=self._tenant_id,
            debtor_id=debtor.id,
            details=row.details,
            named=targets if row.invoice_ids is not None else None,
            open_invoices=targets,
            account_currency=debtor.profile.currency,
            now=self._uow.clock.now(),
            charges_first=self._rules.charges_first,
        )

    def _keep(
        self, payment: Payment, targets: Iterable[Invoice], debtor: Debtor, row: RecordPayment
    ) -> None:
        paid = {line.invoice_id for line in payment.allocations}
        events: list[PendingEvent] = []
        for invoice in targets:
            if invoice.id in paid:
                self._invoices.stage(invoice)
                events += invoice.pull_events()
        events += payment.pull_events()
        self._kept.events.append((events, current_trace()))
        self._kept.payments.append(payment)
        self._kept.rows.append((payment, debtor, row))
        key = (payment.debtor_id, payment.currency)
        self._kept.credit[key] = self._kept.credit.get(key, 0) + payment.unapplied_minor

    def _forget_changed(self, debtor: Debtor, targets: Iterable[Invoice]) -> None:
        """After a row failed: if it changed invoices in memory, read the debtor's again."""
        changed = False
        for invoice in targets:
            events = invoice.pull_events()  # the failed row's: discarded
            changed = changed or bool(events) or not self._invoices.is_stored_or_staged(invoice)
        if changed:
            self._open.pop(debtor.id, None)
            for invoice_id in [i for i, inv in self._by_id.items() if inv.debtor_id == debtor.id]:
                del self._by_id[invoice_id]

    # -- reading ----------------------------------------------------------------------------
    async def _existing(self, erp_id: str | None) -> Payment | None:
        if erp_id is None:
            return None
        if erp_id not in self._known:  # an earlier row of this chunk recorded it
            await self._write_kept()
            repository = PaymentRepository(self._uow.session)
            self._known[erp_id] = await repository.get_by_erp_id(self._tenant_id, erp_id)
        return self._known[erp_id]

    async def _read_open(self, debtor_ids: Sequence[str]) -> None:
        if not debtor_ids:
            return
        await self._write_kept()  # the database knows best once it holds the kept rows
        found = await self._invoices.collectible_for_debtors(self._tenant_id, debtor_ids)
        for debtor_id in debtor_ids:
            invoices = found.get(debtor_id, [])
            self._open[debtor_id] = [self._by_id.setdefault(i.id, i) for i in invoices]

    async def _read_covering(self, needs: Mapping[tuple[str, str], int]) -> None:
        """What the chunk's new payments will pay (a debtor read again later reads all)."""
        found = await self._invoices.chased_covering(self._tenant_id, needs)
        for debtor_id, invoices in found.items():
            self._open[debtor_id] = [self._by_id.setdefault(i.id, i) for i in invoices]

    async def _read_named(self, invoice_ids: Iterable[str]) -> None:
        wanted = set(invoice_ids)
        if wanted <= self._by_id.keys():
            return
        await self._write_kept()  # (which may forget what was read)
        missing = wanted - self._by_id.keys()
        found = await self._invoices.get_many(self._tenant_id, sorted(missing), lock=True)
        for invoice_id, invoice in found.items():
            self._by_id.setdefault(invoice_id, invoice)

    # -- writing ----------------------------------------------------------------------------
    async def _write_kept(self) -> None:
        kept, self._kept = self._kept, _Kept()
        if not kept.payments:
            return
        payments = PaymentRepository(self._uow.session)
        try:
            async with self._uow.savepoint():
                inserted = await payments.add_many(kept.payments)
                if len(inserted) < len(kept.payments):
                    raise _Raced
                await self._invoices.write_staged()
                await payments.add_account_credits(self._tenant_id, kept.credit)
        except _Raced:
            self._invoices.drop_staged()
            self._raced = True
            return
        except Exception:  # one bad row must not sink the others: find it
            log.warning("a chunk's payments failed to be written together; one by one now")
            self._invoices.drop_staged()
            failed = True
        else:
            failed = False
        if failed:  # (outside the handler: each row's failure is logged as its own)
            await self._apply_one_by_one(kept.rows)
        else:
            for events, trace in kept.events:
                self._uow.track(_Collected(events), trace=trace)

    async def _apply_one_by_one(
        self, rows: Sequence[tuple[Payment, Debtor, RecordPayment]]
    ) -> None:
        # What was read is changed in memory: read it again, after these rows.
        self._invoices = InvoiceRepository(self._uow.session)
        self._by_id, self._open = {}, {}
        for payment, debtor, row in rows:
            try:
                async with self._uow.savepoint():
                    result = await receive_payment(
                        self._uow, debtor, None, row, self._rules, payment_id=payment.id
                    )
            except LedgerError as error:
                self._refused_late[payment.id] = str(error)
                continue
            except Exception as error:  # refused alone, reported for its row
                log.exception("payment %s of a batch could not be recorded", payment.id)
                self._refused_late[payment.id] = cannot_apply(error)
                continue
            self._uow.track(result.payment)


class _Raced(Exception):
    """A concurrent request recorded a payment with an ERP id of the chunk's."""


@dataclass
class _Kept:
    """What the rows applied since the last write changed, to be written together."""

    payments: list[Payment] = field(default_factory=list)
    credit: dict[tuple[str, str], int] = field(default_factory=dict)  # (debtor, currency)
    # Each row's events, with the trace they carry (a batch of messages: each its own).
    events: list[tuple[list[PendingEvent], TraceContext | None]] = field(default_factory=list)
    rows: list[tuple[Payment, Debtor, RecordPayment]] = field(default_factory=list)


class _Collected:
    """The events of a row written with others: collected at commit, in the order raised."""

    def __init__(self, events: list[PendingEvent]) -> None:
        self._events = events

    def pull_events(self) -> list[PendingEvent]:
        events, self._events = self._events, []
        return events
