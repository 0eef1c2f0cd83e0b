"""The collectors' task queue, ordered by priority, and the debtors' last risk scores.

A task's priority is read with it, not stored: the debtor's expected recovery from its last
``debtor.risk_scored``, else what it owes past due today. A new score or a payment reorders
the queue at once, with no task rows to rewrite.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.escalation import TaskKind
from debtflow_shared.db import upsert_if_newer
from escalation_svc.adapters.tables import debtor_scores, tasks, tracked_invoices
from escalation_svc.domain.task import (
    CallOutcome,
    DebtorScore,
    Priority,
    Task,
    TaskFilter,
    TaskStatus,
)

_NOT_CHASED = ("paid", "written_off", "cancelled", "disputed")


def _task(row: Any) -> Task:
    return Task(
        tenant_id=row["tenant_id"],
        task_id=row["task_id"],
        case_id=row["case_id"],
        debtor_id=row["debtor_id"],
        kind=TaskKind(row["kind"]),
        due_on=row["due_on"],
        created_at=row["created_at"],
        step=row["step"],
        assignee=row["assignee"],
        note=row["note"],
        status=TaskStatus(row["status"]),
        outcome=CallOutcome(row["outcome"]) if row["outcome"] else None,
        completed_by=row["completed_by"],
        completed_at=row["completed_at"],
        outcome_note=row["outcome_note"],
    )


def _row(t: Task) -> dict[str, Any]:
    return {
        "tenant_id": t.tenant_id,
        "task_id": t.task_id,
        "case_id": t.case_id,
        "debtor_id": t.debtor_id,
        "kind": t.kind.value,
        "step": t.step,
        "due_on": t.due_on,
        "assignee": t.assignee,
        "note": t.note,
        "created_at": t.created_at,
        "status": t.status.value,
        "outcome": t.outcome.value if t.outcome else None,
        "completed_by": t.completed_by,
        "completed_at": t.completed_at,
        "outcome_note": t.outcome_note,
    }


def _overdue(today: date, column: Any) -> Any:
    return (
        select(column)
        .where(
            tracked_invoices.c.tenant_id == tasks.c.tenant_id,
            tracked_invoices.c.debtor_id == tasks.c.debtor_id,
            tracked_invoices.c.due_date < today,
            tracked_invoices.c.open_minor > 0,
            tracked_invoices.c.status.not_in(_NOT_CHASED),
        )
        .scalar_subquery()
    )


class TaskRepository:
    """Implements :class:`escalation_svc.domain.repositories.Tasks`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str, task_id: str) -> Task | None:
        row = (
            (
                await self._session.execute(
                    select(tasks).where(tasks.c.tenant_id == tenant_id, tasks.c.task_id == task_id)
                )
            )
            .mappings()
            .first()
        )
        return _task(row) if row else None

    async def add_many(self, new: Sequence[Task]) -> None:
        if new:
            await self._session.execute(tasks.insert(), [_row(t) for t in new])

    async def put(self, task: Task) -> None:
        values = _row(task)
        await self._session.execute(
            update(tasks)
            .where(tasks.c.tenant_id == task.tenant_id, tasks.c.task_id == task.task_id)
            .values({k: v for k, v in values.items() if k not in {"tenant_id", "task_id"}})
        )

    async def find(
        self,
        tenant_id: str,
        where: TaskFilter,
        *,
        today: date,
        after: tuple[int, str] | None,
        limit: int,
    ) -> list[tuple[Task, Priority]]:
        """Tasks in queue order: highest priority first, then by id."""
        overdue = _overdue(today, func.coalesce(func.sum(tracked_invoices.c.open_minor), 0))
        overdue_currency = _overdue(today, func.min(tracked_invoices.c.currency))
        priority = func.coalesce(debtor_scores.c.expected_recovery_minor, overdue)
        statement = (
            select(
                tasks,
                priority.label("priority"),
                debtor_scores.c.currency.label("score_currency"),
                overdue_currency.label("overdue_currency"),
            )
            .select_from(
                tasks.outerjoin(
                    debtor_scores,
                    and_(
                        debtor_scores.c.tenant_id == tasks.c.tenant_id,
                        debtor_scores.c.debtor_id == tasks.c.debtor_id,
                    ),
                )
            )
            .where(tasks.c.tenant_id == tenant_id)
        )
        if where.status is not None:
            statement = statement.where(tasks.c.status == where.status.value)
        if where.assignee is not None:
            statement = statement.where(tasks.c.assignee == where.assignee)
        if where.unassigned:
            statement = statement.where(tasks.c.assignee.is_(None))
        if where.due_by is not None:
            statement = statement.where(tasks.c.due_on <= where.due_by)
        if where.kind is not None:
            statement = statement.where(tasks.c.kind == where.kind.value)
        if where.case_id is not None:
            statement = statement.where(tasks.c.case_id == where.case_id)
        if where.debtor_id is not None:
            statement = statement.where(tasks.c.debtor_id == where.debtor_id)
        if where.task_id is not None:
            statement = statement.where(tasks.c.task_id == where.task_id)
        if after is not None:
            level, task_id = after
            statement = statement.where(
                or_(priority < level, and_(priority == level, tasks.c.task_id > task_id))
            )
        statement = statement.order_by(priority.desc(), tasks.c.task_id).limit(limit)
        found = []
        for row in (await self._session.execute(statement)).mappings():
            scored = row["score_currency"] is not None
            found.append(
                (
                    _task(row),
                    Priority(
                        amount_minor=int(row["priority"]),
                        currency=row["score_currency"] if scored else row["overdue_currency"],
                        basis="expected_recovery" if scored else "overdue_balance",
                    ),
                )
            )
        return found

    async def put_score_if_newer(self, score: DebtorScore) -> None:
        dialect = self._session.get_bind().dialect.name
        await self._session.execute(
            upsert_if_newer(debtor_scores, dialect, on=("tenant_id", "debtor_id")),
            [
                {
                    "tenant_id": score.tenant_id,
                    "debtor_id": score.debtor_id,
                    "version": score.version,
                    "score": score.score,
                    "segment": score.segment,
                    "expected_recovery_minor": score.expected_recovery_minor,
                    "currency": score.currency,
                    "model_version": score.model_version,
                    "scored_at": score.scored_at,
                }
            ],
        )
