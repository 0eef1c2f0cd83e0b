"""Promises, payment plans and settlements: each a row, lists as JSON."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.escalation import PromiseChannel
from debtflow_shared.db import insert_if_absent
from debtflow_shared.value_lists import one_of
from escalation_svc.adapters.tables import plans, promises, settlements
from escalation_svc.domain.arrangements import Arrangement, ArrangementFilter
from escalation_svc.domain.plan import Plan, PlannedInstallment, PlanStatus
from escalation_svc.domain.promise import Promise, PromiseStatus
from escalation_svc.domain.settlement import Settlement, SettlementStatus

_IN_FORCE = {
    "promise": [PromiseStatus.OPEN.value],
    "plan": [PlanStatus.RUNNING.value],
    "settlement": [SettlementStatus.OFFERED.value, SettlementStatus.ACCEPTED.value],
}


def _promise(row: Any) -> Promise:
    return Promise(
        tenant_id=row["tenant_id"],
        promise_id=row["promise_id"],
        case_id=row["case_id"],
        debtor_id=row["debtor_id"],
        invoice_ids=tuple(json.loads(row["invoice_ids"])),
        amount_minor=row["amount_minor"],
        currency=row["currency"],
        promised_on=row["promised_on"],
        grace_days=row["grace_days"],
        channel=PromiseChannel(row["channel"]),
        recorded_by=row["recorded_by"],
        made_at=row["made_at"],
        status=PromiseStatus(row["status"]),
        paid_minor=row["paid_minor"],
        payment_ids=tuple(json.loads(row["payment_ids"])),
        closed_on=row["closed_on"],
    )


def _promise_row(p: Promise) -> dict[str, Any]:
    return {
        "tenant_id": p.tenant_id,
        "promise_id": p.promise_id,
        "case_id": p.case_id,
        "debtor_id": p.debtor_id,
        "invoice_ids": json.dumps(list(p.invoice_ids)),
        "amount_minor": p.amount_minor,
        "currency": p.currency,
        "promised_on": p.promised_on,
        "grace_days": p.grace_days,
        "channel": p.channel.value,
        "recorded_by": p.recorded_by,
        "made_at": p.made_at,
        "status": p.status.value,
        "paid_minor": p.paid_minor,
        "payment_ids": json.dumps(list(p.payment_ids)),
        "closed_on": p.closed_on,
    }


def _plan(row: Any) -> Plan:
    progress = json.loads(row["progress"])
    return Plan(
        tenant_id=row["tenant_id"],
        plan_id=row["plan_id"],
        case_id=row["case_id"],
        debtor_id=row["debtor_id"],
        invoice_ids=tuple(json.loads(row["invoice_ids"])),
        currency=row["currency"],
        installments=tuple(
            PlannedInstallment(i["number"], date.fromisoformat(i["due_on"]), i["amount_minor"])
            for i in json.loads(row["installments"])
        ),
        grace_days=row["grace_days"],
        agreed_by=row["agreed_by"],
        created_at=row["created_at"],
        version=row["version"],
        status=PlanStatus(row["status"]),
        paid_minor=row["paid_minor"],
        payment_ids=tuple(json.loads(row["payment_ids"])),
        announced_due=progress["announced_due"],
        missed=tuple(progress["missed"]),
        reminded=tuple(progress["reminded"]),
        closed_on=row["closed_on"],
    )


def _plan_row(p: Plan) -> dict[str, Any]:
    return {
        "tenant_id": p.tenant_id,
        "plan_id": p.plan_id,
        "case_id": p.case_id,
        "debtor_id": p.debtor_id,
        "invoice_ids": json.dumps(list(p.invoice_ids)),
        "currency": p.currency,
        "installments": json.dumps(
            [
                {"number": i.number, "due_on": i.due_on.isoformat(), "amount_minor": i.amount_minor}
                for i in p.installments
            ]
        ),
        "grace_days": p.grace_days,
        "agreed_by": p.agreed_by,
        "created_at": p.created_at,
        "version": p.version,
        "status": p.status.value,
        "paid_minor": p.paid_minor,
        "payment_ids": json.dumps(list(p.payment_ids)),
        "progress": json.dumps(
            {
                "announced_due": p.announced_due,
                "missed": list(p.missed),
                "reminded": list(p.reminded),
            }
        ),
        "closed_on": p.closed_on,
    }


def _settlement(row: Any) -> Settlement:
    return Settlement(
        tenant_id=row["tenant_id"],
        settlement_id=row["settlement_id"],
        case_id=row["case_id"],
        debtor_id=row["debtor_id"],
        invoice_ids=tuple(json.loads(row["invoice_ids"])),
        amount_minor=row["amount_minor"],
        settles_minor=row["settles_minor"],
        currency=row["currency"],
        expires_on=row["expires_on"],
        offered_by=row["offered_by"],
        offered_at=row["offered_at"],
        status=SettlementStatus(row["status"]),
        paid_minor=row["paid_minor"],
        payment_ids=tuple(json.loads(row["payment_ids"])),
        write_offs=tuple((i, r) for i, r in json.loads(row["write_offs"])),
        closed_on=row["closed_on"],
    )


def _settlement_row(s: Settlement) -> dict[str, Any]:
    return {
        "tenant_id": s.tenant_id,
        "settlement_id": s.settlement_id,
        "case_id": s.case_id,
        "debtor_id": s.debtor_id,
        "invoice_ids": json.dumps(list(s.invoice_ids)),
        "amount_minor": s.amount_minor,
        "settles_minor": s.settles_minor,
        "currency": s.currency,
        "expires_on": s.expires_on,
        "offered_by": s.offered_by,
        "offered_at": s.offered_at,
        "status": s.status.value,
        "paid_minor": s.paid_minor,
        "payment_ids": json.dumps(list(s.payment_ids)),
        "write_offs": json.dumps([list(w) for w in s.write_offs]),
        "closed_on": s.closed_on,
    }


_KINDS: dict[str, tuple[Table, str, Any, Any]] = {
    "promise": (promises, "promise_id", _promise, _promise_row),
    "plan": (plans, "plan_id", _plan, _plan_row),
    "settlement": (settlements, "settlement_id", _settlement, _settlement_row),
}


def _kind(arrangement: Arrangement) -> str:
    if isinstance(arrangement, Promise):
        return "promise"
    return "plan" if isinstance(arrangement, Plan) else "settlement"


class ArrangementRepository:
    """Implements :class:`escalation_svc.domain.repositories.Arrangements`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str, kind: str, arrangement_id: str) -> Arrangement | None:
        table, key, read, _ = _KINDS[kind]
        row = (
            (
                await self._session.execute(
                    select(table).where(
                        table.c.tenant_id == tenant_id, table.c[key] == arrangement_id
                    )
                )
            )
            .mappings()
            .first()
        )
        return read(row) if row else None

    async def in_force_for_cases(
        self, tenant_id: str, case_ids: Collection[str]
    ) -> dict[str, Arrangement]:
        """The promise, plan or settlement in force on each case (at most one each)."""
        found: dict[str, Arrangement] = {}
        if not case_ids:
            return found
        for kind, (table, _, read, _) in _KINDS.items():
            rows = await self._session.execute(
                select(table).where(
                    table.c.tenant_id == tenant_id,
                    one_of(self._session, table.c.case_id, case_ids),
                    table.c.status.in_(_IN_FORCE[kind]),
                )
            )
            for row in rows.mappings():
                found[row["case_id"]] = read(row)
        return found

    async def find(
        self, tenant_id: str, kind: str, where: ArrangementFilter, *, after: str | None, limit: int
    ) -> list[Arrangement]:
        table, key, read, _ = _KINDS[kind]
        statement = select(table).where(table.c.tenant_id == tenant_id)
        if where.case_id:
            statement = statement.where(table.c.case_id == where.case_id)
        if where.debtor_id:
            statement = statement.where(table.c.debtor_id == where.debtor_id)
        if where.status:
            statement = statement.where(table.c.status == where.status)
        if after is not None:
            statement = statement.where(table.c[key] > after)
        rows = await self._session.execute(statement.order_by(table.c[key]).limit(limit))
        return [read(r) for r in rows.mappings()]

    async def put(self, arrangement: Arrangement) -> None:
        table, key, _, write = _KINDS[_kind(arrangement)]
        row = write(arrangement)
        if not await insert_if_absent(self._session, table, row):
            await self._session.execute(
                update(table)
                .where(table.c.tenant_id == row["tenant_id"], table.c[key] == row[key])
                .values({k: v for k, v in row.items() if k not in {"tenant_id", key}})
            )

    async def put_many(self, changed: Collection[Arrangement]) -> None:
        for arrangement in changed:
            await self.put(arrangement)
