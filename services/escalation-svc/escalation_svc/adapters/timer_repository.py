"""Each debtor's durable timer row: its next wake-up, and the lock on its collection.

Every change to a debtor's case first locks the debtor's timer row (``lock``), so a
consumer, an API call and the scheduler never act on one case at once: on PostgreSQL a
``SELECT ... FOR UPDATE``; on SQLite the database's single writer. The scheduler claims due
rows with ``FOR UPDATE SKIP LOCKED`` (``claim_due``): a replica skips what another holds.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.db import insert_unless_present
from debtflow_shared.value_lists import one_of
from escalation_svc.adapters.bulk_update import update_each
from escalation_svc.adapters.tables import timers
from escalation_svc.domain.timer import Timer


class TimerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, tenant_id: str, debtor_id: str) -> Timer:
        dialect = self._session.get_bind().dialect.name
        await self._session.execute(
            insert_unless_present(
                timers, dialect, {"tenant_id": tenant_id, "debtor_id": debtor_id, "due_at": None}
            )
        )
        row = (
            (
                await self._session.execute(
                    select(timers)
                    .where(timers.c.tenant_id == tenant_id, timers.c.debtor_id == debtor_id)
                    .with_for_update()
                )
            )
            .mappings()
            .one()
        )
        return Timer(
            tenant_id,
            debtor_id,
            row["due_at"],
            row["overdue_reported"],
            row["reopened_by_reversal"],
            row["failures"],
        )

    async def lock_many(self, tenant_id: str, debtor_ids: Collection[str]) -> list[Timer]:
        """:meth:`lock` of many debtors, in debtor order: two statements for all.

        The insert waits for a concurrent transaction inserting the same row, and the
        ``FOR UPDATE`` for one holding it: what this transaction reads next about the
        debtors includes whatever those committed.
        """
        ordered = sorted(set(debtor_ids))
        if not ordered:
            return []
        dialect = self._session.get_bind().dialect.name
        await self._session.execute(
            insert_unless_present(timers, dialect),
            [{"tenant_id": tenant_id, "debtor_id": d, "due_at": None} for d in ordered],
        )
        rows = await self._session.execute(
            select(timers)
            .where(
                timers.c.tenant_id == tenant_id, one_of(self._session, timers.c.debtor_id, ordered)
            )
            .order_by(timers.c.debtor_id)
            .with_for_update()
        )
        return [_timer(r) for r in rows.mappings()]

    async def flag(
        self, tenant_id: str, debtor_id: str, *, overdue: bool = False, reversal: bool = False
    ) -> None:
        values: dict[str, bool] = {}
        if overdue:
            values["overdue_reported"] = True
        if reversal:
            values["reopened_by_reversal"] = True
        if values:
            await self._session.execute(
                update(timers)
                .where(timers.c.tenant_id == tenant_id, timers.c.debtor_id == debtor_id)
                .values(values)
            )

    async def set(
        self,
        tenant_id: str,
        debtor_id: str,
        due_at: datetime | None,
        *,
        clear_flags: bool = False,
        failures: int = 0,
    ) -> None:
        values: dict[str, object] = {"due_at": due_at, "failures": failures}
        if clear_flags:
            values |= {"overdue_reported": False, "reopened_by_reversal": False}
        await self._session.execute(
            update(timers)
            .where(timers.c.tenant_id == tenant_id, timers.c.debtor_id == debtor_id)
            .values(values)
        )

    async def set_many(
        self, tenant_id: str, due: dict[str, datetime | None], *, cleared: Collection[str] = ()
    ) -> None:
        """Set each debtor's next wake-up (``cleared``: a case opened, its flags are spent)."""
        cleared = set(cleared)  # a list from the caller: membership per debtor must be O(1)
        keep = {d: at for d, at in due.items() if d not in cleared}
        spent = {d: at for d, at in due.items() if d in cleared}
        await update_each(
            self._session,
            timers,
            ("tenant_id", "debtor_id"),
            [
                {"tenant_id": tenant_id, "debtor_id": d, "due_at": at, "failures": 0}
                for d, at in keep.items()
            ],
        )
        await update_each(
            self._session,
            timers,
            ("tenant_id", "debtor_id"),
            [
                {
                    "tenant_id": tenant_id,
                    "debtor_id": d,
                    "due_at": at,
                    "failures": 0,
                    "overdue_reported": False,
                    "reopened_by_reversal": False,
                }
                for d, at in spent.items()
            ],
        )

    async def claim_due(self, now: datetime, limit: int) -> list[Timer]:
        """Lock up to ``limit`` due timers no other transaction holds, earliest first."""
        due = (
            select(timers.c.tenant_id, timers.c.debtor_id)
            .where(timers.c.due_at <= now)
            .order_by(timers.c.due_at)
            .limit(limit)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            rows = await self._session.execute(
                select(timers)
                .where(timers.c.due_at <= now)
                .order_by(timers.c.due_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        else:
            # SQLite: a claim that writes takes the write lock now, so nothing read after it
            # (profiles, cases, invoices) can change before this transaction's writes.
            rows = await self._session.execute(
                update(timers)
                .where(tuple_(timers.c.tenant_id, timers.c.debtor_id).in_(due))
                .values(failures=timers.c.failures)
                .returning(*timers.c)
            )
        return [_timer(r) for r in rows.mappings()]

    async def count_due(self, now: datetime) -> int:
        from sqlalchemy import func

        return int(
            (
                await self._session.execute(
                    select(func.count()).select_from(timers).where(timers.c.due_at <= now)
                )
            ).scalar_one()
        )


def _timer(row: Any) -> Timer:
    return Timer(
        row["tenant_id"],
        row["debtor_id"],
        row["due_at"],
        row["overdue_reported"],
        row["reopened_by_reversal"],
        row["failures"],
    )
