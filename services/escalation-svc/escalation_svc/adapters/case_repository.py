"""Collection cases and their timelines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.bulk_insert import insert_rows
from debtflow_shared.catalog.escalation import CaseOutcome, CaseTrigger, PauseReason
from debtflow_shared.optimistic_lock import ConcurrentUpdate
from debtflow_shared.value_lists import one_of
from escalation_svc.adapters.bulk_update import update_each
from escalation_svc.adapters.tables import case_timeline, cases
from escalation_svc.domain.case import (
    AwaitingCharges,
    Case,
    CaseFilter,
    CaseStatus,
    Pause,
    TimelineEntry,
)


def _pauses_json(pauses: tuple[Pause, ...]) -> str:
    return json.dumps(
        [
            {
                "reason": p.reason.value,
                "reference_id": p.reference_id,
                "until": p.until.isoformat() if p.until else None,
                "note": p.note,
                "since": p.since.isoformat() if p.since else None,
            }
            for p in pauses
        ]
    )


def _pauses(text: str) -> tuple[Pause, ...]:
    return tuple(
        Pause(
            reason=PauseReason(p["reason"]),
            reference_id=p["reference_id"],
            until=date.fromisoformat(p["until"]) if p["until"] else None,
            note=p["note"],
            since=datetime.fromisoformat(p["since"]) if p["since"] else None,
        )
        for p in json.loads(text)
    )


def _awaiting_json(awaiting: AwaitingCharges | None) -> str | None:
    if awaiting is None:
        return None
    return json.dumps(
        {
            "step": awaiting.step,
            "pending": list(awaiting.pending),
            "answered": list(awaiting.answered),
            "deadline": awaiting.deadline.isoformat(),
        }
    )


def _awaiting(text: str | None) -> AwaitingCharges | None:
    if not text:
        return None
    data = json.loads(text)
    return AwaitingCharges(
        step=data["step"],
        pending=tuple(data["pending"]),
        answered=tuple(data["answered"]),
        deadline=datetime.fromisoformat(data["deadline"]),
    )


def _case(row: Any) -> Case:
    return Case(
        tenant_id=row["tenant_id"],
        case_id=row["case_id"],
        debtor_id=row["debtor_id"],
        policy_id=row["policy_id"],
        policy_version=row["policy_version"],
        trigger=CaseTrigger(row["trigger"]),
        opened_at=row["opened_at"],
        status=CaseStatus(row["status"]),
        stage=row["stage"],
        version=row["version"],
        stage_name=row["stage_name"],
        pauses=_pauses(row["pauses"]),
        awaiting=_awaiting(row["awaiting"]),
        deferred_step=row["deferred_step"],
        deferred_until=row["deferred_until"],
        hold_request_id=row["hold_request_id"],
        run_now=row["run_now"],
        promises_broken=row["promises_broken"],
        plans_defaulted=row["plans_defaulted"],
        resolved_at=row["resolved_at"],
        outcome=CaseOutcome(row["outcome"]) if row["outcome"] else None,
        case_file=json.loads(row["case_file"]) if row["case_file"] else None,
    )


def _values(case: Case) -> dict[str, Any]:
    return {
        "debtor_id": case.debtor_id,
        "policy_id": case.policy_id,
        "policy_version": case.policy_version,
        "trigger": case.trigger.value,
        "status": case.status.value,
        "stage": case.stage,
        "stage_name": case.stage_name,
        "version": case.version,
        "opened_at": case.opened_at,
        "resolved_at": case.resolved_at,
        "outcome": case.outcome.value if case.outcome else None,
        "pauses": _pauses_json(case.pauses),
        "awaiting": _awaiting_json(case.awaiting),
        "deferred_step": case.deferred_step,
        "deferred_until": case.deferred_until,
        "hold_request_id": case.hold_request_id,
        "run_now": case.run_now,
        "promises_broken": case.promises_broken,
        "plans_defaulted": case.plans_defaulted,
        "case_file": json.dumps(case.case_file) if case.case_file is not None else None,
    }


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._loaded: dict[tuple[str, str], int] = {}

    async def _one(self, *where: Any) -> Case | None:
        row = (await self._session.execute(select(cases).where(*where))).mappings().first()
        if row is None:
            return None
        case = _case(row)
        self._loaded[(case.tenant_id, case.case_id)] = case.version
        return case

    async def get(self, tenant_id: str, case_id: str) -> Case | None:
        return await self._one(cases.c.tenant_id == tenant_id, cases.c.case_id == case_id)

    async def active_for(self, tenant_id: str, debtor_id: str) -> Case | None:
        """The debtor's case not resolved yet: active, or handed off (resolved once paid)."""
        return await self._one(
            cases.c.tenant_id == tenant_id,
            cases.c.debtor_id == debtor_id,
            cases.c.status.in_([CaseStatus.ACTIVE.value, CaseStatus.HANDED_OFF.value]),
        )

    async def current_for_many(self, tenant_id: str, debtor_ids: Sequence[str]) -> dict[str, Case]:
        """:meth:`active_for` of many debtors at once, by debtor id."""
        rows = await self._session.execute(
            select(cases).where(
                cases.c.tenant_id == tenant_id,
                one_of(self._session, cases.c.debtor_id, debtor_ids),
                cases.c.status.in_([CaseStatus.ACTIVE.value, CaseStatus.HANDED_OFF.value]),
            )
        )
        found = {}
        for row in rows.mappings():
            case = _case(row)
            self._loaded[(case.tenant_id, case.case_id)] = case.version
            found[case.debtor_id] = case
        return found

    async def last_closed_for(self, tenant_id: str, debtor_id: str) -> Case | None:
        row = (
            (
                await self._session.execute(
                    select(cases)
                    .where(
                        cases.c.tenant_id == tenant_id,
                        cases.c.debtor_id == debtor_id,
                        cases.c.status == CaseStatus.RESOLVED.value,
                    )
                    .order_by(cases.c.resolved_at.desc())
                    .limit(1)
                )
            )
            .mappings()
            .first()
        )
        return _case(row) if row else None

    async def save_many(self, changed: Sequence[Case]) -> None:
        """Write many cases and their new timeline entries, a statement per kind of write.

        The callers hold each debtor's timer lock, so no other writer moved these cases:
        the version check of :meth:`save` is left out (executemany reports no row counts).
        """
        new = [c for c in changed if (c.tenant_id, c.case_id) not in self._loaded]
        old = [c for c in changed if (c.tenant_id, c.case_id) in self._loaded]
        await insert_rows(
            self._session,
            cases,
            [{"tenant_id": c.tenant_id, "case_id": c.case_id, **_values(c)} for c in new],
        )
        await update_each(
            self._session,
            cases,
            ("tenant_id", "case_id"),
            [{"tenant_id": c.tenant_id, "case_id": c.case_id, **_values(c)} for c in old],
        )
        entries = [
            {
                "tenant_id": c.tenant_id,
                "case_id": c.case_id,
                "at": e.at,
                "kind": e.kind,
                "step": e.step,
                "policy_version": e.policy_version,
                "summary": e.summary,
                "details": json.dumps(e.details, default=str),
            }
            for c in changed
            for e in c.timeline
        ]
        await insert_rows(self._session, case_timeline, entries)
        for c in changed:
            self._loaded[(c.tenant_id, c.case_id)] = c.version
            c.timeline.clear()

    async def save(self, case: Case) -> None:
        """Insert a new case or write a changed one (refused if another writer moved it)."""
        key = (case.tenant_id, case.case_id)
        loaded = self._loaded.get(key)
        if loaded is None:
            await self._session.execute(
                insert(cases).values(
                    tenant_id=case.tenant_id, case_id=case.case_id, **_values(case)
                )
            )
        else:
            result = await self._session.execute(
                update(cases)
                .where(
                    cases.c.tenant_id == case.tenant_id,
                    cases.c.case_id == case.case_id,
                    cases.c.version == loaded,
                )
                .values(_values(case))
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise ConcurrentUpdate(f"case {case.case_id}")
        self._loaded[key] = case.version
        if case.timeline:
            await self._session.execute(
                insert(case_timeline),
                [
                    {
                        "tenant_id": case.tenant_id,
                        "case_id": case.case_id,
                        "at": e.at,
                        "kind": e.kind,
                        "step": e.step,
                        "policy_version": e.policy_version,
                        "summary": e.summary,
                        "details": json.dumps(e.details, default=str),
                    }
                    for e in case.timeline
                ],
            )
            case.timeline.clear()

    async def find(
        self, tenant_id: str, where: CaseFilter, *, after: str | None, limit: int
    ) -> list[Case]:
        statement = select(cases).where(cases.c.tenant_id == tenant_id)
        if where.status:
            statement = statement.where(cases.c.status == where.status)
        if where.stage:
            statement = statement.where(cases.c.stage_name == where.stage)
        if where.debtor_id:
            statement = statement.where(cases.c.debtor_id == where.debtor_id)
        if after is not None:
            statement = statement.where(cases.c.case_id > after)
        rows = await self._session.execute(statement.order_by(cases.c.case_id).limit(limit))
        return [_case(r) for r in rows.mappings()]

    async def timeline(
        self, tenant_id: str, case_id: str, *, after: int | None, limit: int
    ) -> list[tuple[int, TimelineEntry]]:
        statement = select(case_timeline).where(
            case_timeline.c.tenant_id == tenant_id, case_timeline.c.case_id == case_id
        )
        if after is not None:
            statement = statement.where(case_timeline.c.id > after)
        rows = await self._session.execute(statement.order_by(case_timeline.c.id).limit(limit))
        return [
            (
                r["id"],
                TimelineEntry(
                    at=r["at"],
                    kind=r["kind"],
                    summary=r["summary"],
                    step=r["step"],
                    policy_version=r["policy_version"],
                    details=json.loads(r["details"]),
                ),
            )
            for r in rows.mappings()
        ]
