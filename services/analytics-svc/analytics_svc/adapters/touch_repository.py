"""Touches (steps run, messages sent) and what followed them in the ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

from sqlalchemy import and_, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from analytics_svc.adapters.tables import ledger_entries, touch_invoices, touches
from analytics_svc.domain.effectiveness import TouchOutcome
from analytics_svc.domain.ledger import EntryKind
from analytics_svc.domain.touches import TouchFact, TouchKind, merge_touch
from debtflow_shared.advisory_locks import lock_all
from debtflow_shared.value_lists import one_of

PAID = (EntryKind.PAYMENT.value, EntryKind.CREDIT_SPENT.value)


class TouchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, facts: Sequence[TouchFact]) -> None:
        if not facts:
            return
        # Read, merge, write: a message's requested and sent events may be applied at once
        # (two topics), so each touch is held until commit.
        await lock_all(
            self._session, (f"analytics:touch:{f.tenant_id}:{f.touch_key}" for f in facts)
        )
        keys: dict[str, set[str]] = defaultdict(set)
        for fact in facts:
            keys[fact.tenant_id].add(fact.touch_key)
        merged: dict[tuple[str, str], TouchFact] = {}
        t, ti = touches.c, touch_invoices.c
        for tenant_id, wanted in keys.items():
            invoices: dict[str, list[str]] = defaultdict(list)
            rows = await self._session.execute(
                select(ti.touch_key, ti.invoice_id).where(
                    ti.tenant_id == tenant_id, one_of(self._session, ti.touch_key, wanted)
                )
            )
            for touch_key, invoice_id in rows:
                invoices[touch_key].append(invoice_id)
            stored = await self._session.execute(
                select(touches).where(
                    t.tenant_id == tenant_id, one_of(self._session, t.touch_key, wanted)
                )
            )
            for row in stored.mappings():
                fact = TouchFact(
                    **(
                        dict(row)
                        | {
                            "kind": TouchKind(row["kind"]),
                            "invoice_ids": tuple(sorted(invoices[row["touch_key"]])),
                        }
                    )
                )
                merged[(tenant_id, fact.touch_key)] = fact
            await self._session.execute(
                delete(touch_invoices).where(
                    ti.tenant_id == tenant_id, one_of(self._session, ti.touch_key, wanted)
                )
            )
        for fact in facts:
            key = (fact.tenant_id, fact.touch_key)
            merged[key] = merge_touch(merged.get(key), fact)
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(touches)
        statement = statement.on_conflict_do_update(
            index_elements=["tenant_id", "touch_key"],
            set_={
                c.name: statement.excluded[c.name]
                for c in touches.columns
                if c.name not in ("tenant_id", "touch_key")
            },
        )
        written = []
        for fact in merged.values():
            values = asdict(fact)
            del values["invoice_ids"]
            written.append(values)
        await self._session.execute(statement, written)
        links = [
            {"tenant_id": f.tenant_id, "touch_key": f.touch_key, "invoice_id": invoice_id}
            for f in merged.values()
            for invoice_id in f.invoice_ids
        ]
        if links:
            await self._session.execute(touch_invoices.insert(), links)

    async def outcomes(
        self, tenant_id: str, kind: TouchKind, start: date, end: date
    ) -> list[TouchOutcome]:
        """Every touch of ``kind`` on a day from ``start`` to ``end``, with the first day
        money reached one of its invoices on or after it (None: not yet)."""
        t, ti, e = touches.c, touch_invoices.c, ledger_entries.c
        first_paid = (
            select(ti.touch_key, func.min(e.on_date).label("first_paid"))
            .join(touches, and_(t.tenant_id == ti.tenant_id, t.touch_key == ti.touch_key))
            .join(
                ledger_entries,
                and_(
                    e.tenant_id == ti.tenant_id,
                    e.invoice_id == ti.invoice_id,
                    e.kind.in_(PAID),
                    e.on_date >= t.touched_on,
                    e.principal_delta_minor + e.charges_delta_minor < 0,
                ),
            )
            .where(ti.tenant_id == tenant_id, t.kind == kind.value)
            .group_by(ti.touch_key)
            .subquery()
        )
        rows = await self._session.execute(
            select(
                t.touched_on,
                first_paid.c.first_paid,
                t.step,
                t.channel,
                t.template_key,
                t.tone,
                t.variant,
            )
            .outerjoin(first_paid, first_paid.c.touch_key == t.touch_key)
            .where(
                t.tenant_id == tenant_id,
                t.kind == kind.value,
                t.touched_on >= start,
                t.touched_on <= end,
            )
        )
        return [
            TouchOutcome(
                touched_on=row.touched_on,
                first_payment_on=row.first_paid,
                step=row.step,
                channel=row.channel,
                template_key=row.template_key,
                tone=row.tone,
                variant=row.variant,
            )
            for row in rows
        ]
