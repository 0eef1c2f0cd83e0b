"""The ledger read model: invoice observations, their entries, payments and debtors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from analytics_svc.adapters.tables import (
    READ_MODELS,
    debtors,
    invoice_observations,
    ledger_entries,
    payments,
)
from analytics_svc.domain.aging import OpenItem
from analytics_svc.domain.ledger import EntryKind, LedgerEntry
from analytics_svc.domain.observations import (
    DebtorFact,
    Facts,
    InvoiceObservation,
    PaymentFact,
    merge_payment,
)
from analytics_svc.domain.repositories import InvoiceKey
from debtflow_shared.advisory_locks import lock_all
from debtflow_shared.db import insert_unless_present
from debtflow_shared.value_lists import one_of


def _by_tenant(keys: Collection[InvoiceKey]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for tenant_id, invoice_id in keys:
        grouped[tenant_id].add(invoice_id)
    return grouped


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    def _insert(self) -> Any:
        return postgresql.insert if self._dialect == "postgresql" else sqlite.insert

    async def add(self, facts: Facts) -> set[InvoiceKey]:
        affected = {(o.tenant_id, o.invoice_id) for o in facts.invoices}
        if facts.invoices:
            rows = list(
                {
                    (o.tenant_id, o.invoice_id, o.version, o.event_id): asdict(o)
                    for o in facts.invoices
                }.values()
            )
            await self._session.execute(
                insert_unless_present(invoice_observations, self._dialect), rows
            )
        if facts.payments:
            affected |= await self._add_payments(facts.payments)
        if facts.debtors:
            await self._add_debtors(facts.debtors)
        return affected

    async def lock(self, keys: Collection[InvoiceKey]) -> None:
        await lock_all(self._session, (f"analytics:invoice:{t}:{i}" for t, i in keys))

    async def _add_payments(self, facts: Sequence[PaymentFact]) -> set[InvoiceKey]:
        # Read, merge, write: the received and reversed events of one payment may be
        # applied at once (two topics), so each payment is held until commit.
        await lock_all(
            self._session, (f"analytics:payment:{f.tenant_id}:{f.payment_id}" for f in facts)
        )
        merged: dict[tuple[str, str], PaymentFact] = {}
        affected: set[InvoiceKey] = set()
        for tenant_id, ids in _by_tenant({(f.tenant_id, f.payment_id) for f in facts}).items():
            t = payments.c
            rows = await self._session.execute(
                select(payments).where(
                    t.tenant_id == tenant_id, one_of(self._session, t.payment_id, ids)
                )
            )
            for row in rows.mappings():
                merged[(tenant_id, row["payment_id"])] = PaymentFact(**dict(row))
            # Account credit spent on an invoice is dated by the day its payment arrived.
            o = invoice_observations.c
            spent = await self._session.execute(
                select(o.invoice_id)
                .where(o.tenant_id == tenant_id, one_of(self._session, o.payment_id, ids))
                .distinct()
            )
            affected |= {(tenant_id, invoice_id) for (invoice_id,) in spent}
        for fact in facts:
            key = (fact.tenant_id, fact.payment_id)
            merged[key] = merge_payment(merged.get(key), fact)
        statement = self._insert()(payments)
        statement = statement.on_conflict_do_update(
            index_elements=["tenant_id", "payment_id"],
            set_={
                c.name: statement.excluded[c.name]
                for c in payments.columns
                if c.name not in ("tenant_id", "payment_id")
            },
        )
        await self._session.execute(statement, [asdict(p) for p in merged.values()])
        return affected

    async def _add_debtors(self, facts: Sequence[DebtorFact]) -> None:
        newest: dict[tuple[str, str], DebtorFact] = {}
        for fact in facts:
            key = (fact.tenant_id, fact.debtor_id)
            if key not in newest or newest[key].version < fact.version:
                newest[key] = fact
        statement = self._insert()(debtors)
        statement = statement.on_conflict_do_update(
            index_elements=["tenant_id", "debtor_id"],
            set_={
                c.name: statement.excluded[c.name]
                for c in debtors.columns
                if c.name not in ("tenant_id", "debtor_id")
            },
            where=debtors.c.version < statement.excluded.version,
        )
        await self._session.execute(statement, [asdict(d) for d in newest.values()])

    async def observations(
        self, keys: Collection[InvoiceKey]
    ) -> dict[InvoiceKey, list[InvoiceObservation]]:
        found: dict[InvoiceKey, list[InvoiceObservation]] = defaultdict(list)
        o = invoice_observations.c
        for tenant_id, ids in _by_tenant(keys).items():
            rows = await self._session.execute(
                select(invoice_observations).where(
                    o.tenant_id == tenant_id, one_of(self._session, o.invoice_id, ids)
                )
            )
            for row in rows.mappings():
                seen = InvoiceObservation(**dict(row))
                found[(seen.tenant_id, seen.invoice_id)].append(seen)
        return dict(found)

    async def received_on(self, tenant_id: str, payment_ids: Collection[str]) -> dict[str, date]:
        if not payment_ids:
            return {}
        t = payments.c
        rows = await self._session.execute(
            select(t.payment_id, t.received_on).where(
                t.tenant_id == tenant_id,
                one_of(self._session, t.payment_id, payment_ids),
                t.received_on.is_not(None),
            )
        )
        return {row.payment_id: row.received_on for row in rows}

    async def replace_entries(
        self, keys: Collection[InvoiceKey], entries: Sequence[LedgerEntry]
    ) -> None:
        e = ledger_entries.c
        for tenant_id, ids in _by_tenant(keys).items():
            await self._session.execute(
                delete(ledger_entries).where(
                    e.tenant_id == tenant_id, one_of(self._session, e.invoice_id, ids)
                )
            )
        if entries:
            await self._session.execute(
                ledger_entries.insert(), [asdict(entry) for entry in entries]
            )

    async def open_items(
        self, tenant_id: str, currency: str, as_of: date, *, after_debtor: str | None = None
    ) -> list[OpenItem]:
        e = ledger_entries.c
        debtors_after = [] if after_debtor is None else [e.debtor_id > after_debtor]
        sums = (
            select(
                e.invoice_id,
                func.sum(e.principal_delta_minor).label("principal"),
                func.sum(e.charges_delta_minor).label("charges"),
                func.max(e.version).label("version"),
            )
            .where(
                e.tenant_id == tenant_id,
                e.currency == currency,
                e.on_date <= as_of,
                *debtors_after,
            )
            .group_by(e.invoice_id)
            .having(
                or_(func.sum(e.principal_delta_minor) != 0, func.sum(e.charges_delta_minor) != 0)
            )
            .subquery()
        )
        # The due date the invoice had then: that of its newest version booked by then.
        rows = await self._session.execute(
            select(e.debtor_id, e.invoice_id, e.due_date, sums.c.principal, sums.c.charges)
            .join(
                sums,
                and_(
                    e.tenant_id == tenant_id,
                    e.invoice_id == sums.c.invoice_id,
                    e.version == sums.c.version,
                ),
            )
            .order_by(e.debtor_id, e.invoice_id)
        )
        return [
            OpenItem(
                debtor_id=row.debtor_id,
                invoice_id=row.invoice_id,
                due_date=row.due_date,
                principal_minor=int(row.principal),
                charges_minor=int(row.charges),
            )
            for row in rows
        ]

    async def currencies(self, tenant_id: str) -> list[str]:
        e = ledger_entries.c
        rows = await self._session.execute(
            select(e.currency).where(e.tenant_id == tenant_id).distinct().order_by(e.currency)
        )
        return [currency for (currency,) in rows]

    async def daily_sales(self, tenant_id: str, currency: str, end: date) -> dict[date, int]:
        e = ledger_entries.c
        rows = await self._session.execute(
            select(e.on_date, func.sum(e.sales_delta_minor))
            .where(
                e.tenant_id == tenant_id,
                e.currency == currency,
                e.on_date <= end,
                e.sales_delta_minor != 0,
            )
            .group_by(e.on_date)
        )
        return {day: int(total) for day, total in rows if total}

    async def debtor_entries(
        self, tenant_id: str, debtor_id: str, as_of: date
    ) -> list[LedgerEntry]:
        e = ledger_entries.c
        rows = await self._session.execute(
            select(ledger_entries)
            .where(e.tenant_id == tenant_id, e.debtor_id == debtor_id, e.on_date <= as_of)
            .order_by(e.on_date, e.invoice_id, e.version)
        )
        return [
            LedgerEntry(**(dict(row) | {"kind": EntryKind(row["kind"])})) for row in rows.mappings()
        ]

    async def debtor(self, tenant_id: str, debtor_id: str) -> DebtorFact | None:
        t = debtors.c
        row = (
            (
                await self._session.execute(
                    select(debtors).where(t.tenant_id == tenant_id, t.debtor_id == debtor_id)
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else DebtorFact(**dict(row))

    async def debtor_names(self, tenant_id: str, debtor_ids: Collection[str]) -> dict[str, str]:
        if not debtor_ids:
            return {}
        t = debtors.c
        rows = await self._session.execute(
            select(t.debtor_id, t.name).where(
                t.tenant_id == tenant_id, one_of(self._session, t.debtor_id, debtor_ids)
            )
        )
        return {row.debtor_id: row.name for row in rows}

    async def debtor_payments(self, tenant_id: str, debtor_id: str) -> list[PaymentFact]:
        t = payments.c
        rows = await self._session.execute(
            select(payments)
            .where(t.tenant_id == tenant_id, t.debtor_id == debtor_id)
            .order_by(t.received_on.is_(None), t.received_on, t.payment_id)
        )
        return [PaymentFact(**dict(row)) for row in rows.mappings()]

    async def has_debtor_entries(self, tenant_id: str, debtor_id: str) -> bool:
        e = ledger_entries.c
        found = await self._session.scalar(
            select(e.invoice_id).where(e.tenant_id == tenant_id, e.debtor_id == debtor_id).limit(1)
        )
        return found is not None

    async def issued_invoices(self, tenant_id: str, start: date, end: date) -> set[str]:
        e = ledger_entries.c
        rows = await self._session.execute(
            select(e.invoice_id)
            .where(
                e.tenant_id == tenant_id,
                e.kind == EntryKind.ISSUED.value,
                e.on_date >= start,
                e.on_date <= end,
            )
            .distinct()
        )
        return {invoice_id for (invoice_id,) in rows}

    async def clear(self) -> None:
        for table in READ_MODELS:
            await self._session.execute(delete(table))
