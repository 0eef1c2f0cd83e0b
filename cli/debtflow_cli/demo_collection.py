"""The demo tenant's collection work, seeded through escalation-svc's own use cases once it
has opened the cases for the demo's overdue debtors (it learns them from invoice-svc's
events, so this waits for them).

- Penrose Print & Signs, a fortnight overdue, got the ladder's +14 call task; on that call
  it promised part of what it owes, ten days from the first seeding: an open promise, and
  a follow-up task to check it arrived (the call task stays assigned to the demo user);
- Bergmann Maschinenbau agreed a plan of three monthly installments: a running plan;
- the collectors' queue holds these tasks, by priority (the overdue balance until
  analytics scores the debtors).

Idempotent: a case that has had a promise or plan gets no other on a later start.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from debtflow_cli.demo import DEMO_TENANT
from debtflow_shared.catalog.escalation import PromiseChannel, TaskKind
from debtflow_shared.logging import get_logger
from debtflow_shared.service import ServiceRuntime
from escalation_svc.domain.arrangements import ArrangementFilter
from escalation_svc.domain.case import Case, CaseFilter
from escalation_svc.domain.plan import Frequency
from escalation_svc.domain.task import TaskFilter
from escalation_svc.service_layer.arrangements import (
    CreatePlan,
    MakePromise,
    create_plan,
    list_arrangements,
    promise_to_pay,
)
from escalation_svc.service_layer.cases import list_cases
from escalation_svc.service_layer.tasks import NewTask, assign_task, create_task, list_tasks
from invoice_svc.adapters.debtor_repository import DebtorRepository

log = get_logger(__name__)

PROMISING, PLANNING = "C-1006", "C-1002"
ACTOR = "collector:demo-user"


async def seed_collection_demo(
    invoice: ServiceRuntime, escalation: ServiceRuntime, *, wait_seconds: float = 60.0
) -> bool:
    """Seed the promise, the plan and the tasks; False if the cases did not open in time."""
    debtors = {}
    async with invoice.uow() as uow:
        for erp_id in (PROMISING, PLANNING):
            debtor = await DebtorRepository(uow.session).get_by_erp_id(DEMO_TENANT, erp_id)
            if debtor is not None:
                debtors[erp_id] = debtor.id
    if len(debtors) < 2:
        return False
    cases = await _cases_opened(escalation, list(debtors.values()), wait_seconds)
    if cases is None:
        log.warning("demo cases did not open in time: no promise or plan seeded")
        return False
    promising, planning = cases[debtors[PROMISING]], cases[debtors[PLANNING]]
    today = escalation.clock.now().date()
    if not await _had(escalation, "promise", promising):
        await promise_to_pay(
            escalation.uow(),
            DEMO_TENANT,
            promising.case_id,
            MakePromise(
                amount_minor=150_000,
                currency="GBP",
                promised_on=today + timedelta(days=10),
                channel=PromiseChannel.PHONE,
            ),
            actor=ACTOR,
        )
        await create_task(
            escalation.uow(),
            DEMO_TENANT,
            promising.case_id,
            NewTask(
                TaskKind.FOLLOW_UP,
                due_on=today + timedelta(days=11),
                note="Promised 1,500.00 GBP on the phone: check it arrived",
                assignee=ACTOR,
            ),
            actor=ACTOR,
        )
        calls = await list_tasks(
            escalation.uow(),
            DEMO_TENANT,
            TaskFilter(case_id=promising.case_id, kind=TaskKind.CALL),
            after=None,
            limit=10,
        )
        for call in calls:
            await assign_task(escalation.uow(), DEMO_TENANT, call.task.task_id, ACTOR, actor=ACTOR)
    if not await _had(escalation, "plan", planning):
        await create_plan(
            escalation.uow(),
            DEMO_TENANT,
            planning.case_id,
            CreatePlan(count=3, frequency=Frequency.MONTHLY, first_on=today + timedelta(days=7)),
            actor=ACTOR,
        )
    return True


async def _cases_opened(
    escalation: ServiceRuntime, debtor_ids: list[str], wait_seconds: float
) -> dict[str, Case] | None:
    deadline = time.monotonic() + wait_seconds
    while True:
        found = {}
        for debtor_id in debtor_ids:
            cases = await list_cases(
                escalation.uow(),
                DEMO_TENANT,
                CaseFilter(status="active", debtor_id=debtor_id),
                after=None,
                limit=1,
            )
            if cases:
                found[debtor_id] = cases[0]
        if len(found) == len(debtor_ids):
            return found
        if time.monotonic() > deadline:
            return None
        await asyncio.sleep(0.2)


async def _had(escalation: ServiceRuntime, kind: str, case: Case) -> bool:
    return bool(
        await list_arrangements(
            escalation.uow(),
            DEMO_TENANT,
            kind,
            ArrangementFilter(case_id=case.case_id),
            after=None,
            limit=1,
        )
    )
