"""Promises, plans, settlements, disputes, cases and hand-offs (``lifecycles``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import asdict
from datetime import date

from sqlalchemy import ColumnElement, RowMapping, and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from analytics_svc.adapters.tables import lifecycles
from analytics_svc.domain.lifecycles import Lifecycle, LifecycleKind, merge_lifecycle
from debtflow_shared.advisory_locks import lock_all
from debtflow_shared.value_lists import one_of

KEY = ("tenant_id", "kind", "item_id")


def _lifecycle(row: RowMapping) -> Lifecycle:
    values = dict(row)
    return Lifecycle(**(values | {"kind": LifecycleKind(values["kind"])}))


class LifecycleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, facts: Sequence[Lifecycle]) -> None:
        if not facts:
            return
        # Read, merge, write: a lifecycle's events come on several topics, applied at once.
        await lock_all(
            self._session,
            (f"analytics:{f.kind.value}:{f.tenant_id}:{f.item_id}" for f in facts),
        )
        wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
        for fact in facts:
            wanted[(fact.tenant_id, fact.kind.value)].add(fact.item_id)
        merged: dict[tuple[str, str, str], Lifecycle] = {}
        c = lifecycles.c
        for (tenant_id, kind), ids in wanted.items():
            rows = await self._session.execute(
                select(lifecycles).where(
                    c.tenant_id == tenant_id,
                    c.kind == kind,
                    one_of(self._session, c.item_id, ids),
                )
            )
            for row in rows.mappings():
                stored = _lifecycle(row)
                merged[(tenant_id, kind, stored.item_id)] = stored
        for fact in facts:
            key = (fact.tenant_id, fact.kind.value, fact.item_id)
            merged[key] = merge_lifecycle(merged.get(key), fact)
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(lifecycles)
        statement = statement.on_conflict_do_update(
            index_elements=list(KEY),
            set_={
                col.name: statement.excluded[col.name]
                for col in lifecycles.columns
                if col.name not in KEY
            },
        )
        await self._session.execute(statement, [asdict(m) for m in merged.values()])

    async def touching(
        self, tenant_id: str, start: date, end: date, subjects: Collection[str]
    ) -> list[Lifecycle]:
        """Every lifecycle opened, due or closed from ``start`` to ``end``, and every
        dispute of one of the invoices ``subjects``."""
        c = lifecycles.c

        def within(column: ColumnElement[date]) -> ColumnElement[bool]:
            return and_(column >= start, column <= end)

        conditions = [or_(within(c.opened_on), within(c.due_on), within(c.closed_on))]
        if subjects:
            conditions.append(
                and_(
                    c.kind == LifecycleKind.DISPUTE.value,
                    one_of(self._session, c.subject_id, subjects),
                )
            )
        rows = await self._session.execute(
            select(lifecycles).where(c.tenant_id == tenant_id, or_(*conditions))
        )
        return [_lifecycle(row) for row in rows.mappings()]
