"""The collectors' task queue: list by collector, due day and priority; assign; record
what came of a task, each outcome feeding the case and the compliance guard.

- a call may be recorded only when the guard allows a call now (local hours, the cap, the
  gap, and the days after a conversation about the debt): otherwise 409, naming why;
- a connected call is a contact attempt; one that never connects counts only when the
  case's policy says so (``count_unconnected_calls``);
- reached, promise taken, dispute raised: a conversation, so no further call for
  ``call_block_days`` (7); promise taken records the promise (the case pauses); dispute
  raised sends ``dispute.requested`` to invoice-svc;
- wrong number: the number is unusable for SMS too, and a task to find another follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from debtflow_shared.catalog.escalation import PromiseChannel, TaskCompleted, TaskKind
from debtflow_shared.catalog.escalation_commands import DisputeRequested
from debtflow_shared.catalog.money import Money
from debtflow_shared.envelope import new_event_id
from escalation_svc.domain.case import Case, CaseNotFound, CaseStateError
from escalation_svc.domain.compliance_guard import (
    ContactHistory,
    GuardRules,
    Verdict,
    earliest_lawful,
    local_day,
)
from escalation_svc.domain.debtor_profile import DebtorProfile
from escalation_svc.domain.promise import ArrangementInvalid
from escalation_svc.domain.task import (
    CallBlocked,
    CallOutcome,
    Priority,
    Task,
    TaskFilter,
    TaskNotFound,
)
from escalation_svc.service_layer.arrangements import MakePromise, record_promise
from escalation_svc.service_layer.collection import (
    Note,
    UnitOfWork,
    advance_in,
    contact_history,
)


@dataclass(frozen=True)
class DisputeDetails:
    invoice_id: str
    reason: str
    amount: Money | None = None


@dataclass(frozen=True)
class RecordOutcome:
    outcome: CallOutcome
    note: str | None = None
    promise: MakePromise | None = None
    dispute: DisputeDetails | None = None
    phone: str | None = None
    """the number a wrong_number call dialled (none: every number of the debtor)"""


@dataclass(frozen=True)
class NewTask:
    kind: TaskKind
    due_on: date | None = None
    note: str | None = None
    assignee: str | None = None


@dataclass(frozen=True)
class QueuedTask:
    task: Task
    priority: Priority | None
    call_allowed_from: datetime | None = None
    """calls: the earliest instant the guard allows one (single reads)"""


async def list_tasks(
    uow: UnitOfWork,
    tenant_id: str,
    where: TaskFilter,
    *,
    after: tuple[int, str] | None,
    limit: int,
) -> list[QueuedTask]:
    async with uow:
        today = uow.clock.now().date()
        found = await uow.repos.tasks.find(tenant_id, where, today=today, after=after, limit=limit)
        return [QueuedTask(task, priority) for task, priority in found]


async def get_task(uow: UnitOfWork, tenant_id: str, task_id: str) -> QueuedTask:
    async with uow:
        found = await uow.repos.tasks.find(
            tenant_id,
            TaskFilter(status=None, task_id=task_id),
            today=uow.clock.now().date(),
            after=None,
            limit=1,
        )
        if not found:
            raise TaskNotFound(f"task {task_id} not found")
        task, priority = found[0]
        allowed = None
        if task.kind is TaskKind.CALL and task.open:
            _case_of_task, profile, rules = await _context(uow, task)
            history = await contact_history(uow, tenant_id, task.debtor_id, rules)
            allowed = _call_verdict(uow.clock.now(), rules, profile, history).at
        return QueuedTask(task, priority, allowed)


async def create_task(
    uow: UnitOfWork, tenant_id: str, case_id: str, command: NewTask, *, actor: str
) -> Task:
    async with uow:
        case = await uow.repos.cases.get(tenant_id, case_id)
        if case is None:
            raise CaseNotFound(f"case {case_id} not found")
        await uow.repos.timers.lock(tenant_id, case.debtor_id)
        case = await _case(uow, tenant_id, case_id)
        if not case.active:
            raise CaseStateError(f"the case is {case.status.value}")
        profile = await uow.repos.profiles.get(tenant_id, case.debtor_id)
        now = uow.clock.now()
        today = local_day(now, profile.time_zone) if profile else now.date()
        if command.due_on is not None and command.due_on < today:
            raise ArrangementInvalid(f"a task falls due today ({today}) or later", field="due_on")
        task = Task(
            tenant_id=tenant_id,
            task_id=str(new_event_id()),
            case_id=case_id,
            debtor_id=case.debtor_id,
            kind=command.kind,
            due_on=command.due_on or today,
            created_at=now,
            assignee=command.assignee,
            note=command.note,
        )
        case.add_task(task, now=now)
        case.note(now, "decision", f"task created by {actor}", actor=actor)
        await uow.repos.tasks.add_many([task])
        await uow.repos.cases.save(case)
        uow.track(case)
        await uow.commit()
        return task


async def assign_task(
    uow: UnitOfWork, tenant_id: str, task_id: str, assignee: str | None, *, actor: str
) -> Task:
    async with uow:
        task = await _task(uow, tenant_id, task_id)
        await uow.repos.timers.lock(tenant_id, task.debtor_id)
        task = await _task(uow, tenant_id, task_id)
        task.assign(assignee)
        await uow.repos.tasks.put(task)
        case = await _case(uow, tenant_id, task.case_id)
        case.note(
            uow.clock.now(),
            "task_assigned",
            f"task {task_id} assigned to {assignee or 'nobody'} by {actor}",
            task_id=task_id,
        )
        await uow.repos.cases.save(case)
        await uow.commit()
        return task


async def record_outcome(
    uow: UnitOfWork, tenant_id: str, task_id: str, command: RecordOutcome, *, actor: str
) -> Task:
    async with uow:
        task = await _task(uow, tenant_id, task_id)
        await uow.repos.timers.lock(tenant_id, task.debtor_id)
        task = await _task(uow, tenant_id, task_id)
        outcome, now = command.outcome, uow.clock.now()
        _require_details(command)
        task.complete(outcome, by=actor, now=now, note=command.note)
        case, profile, rules = await _context(uow, task)
        if outcome.is_call:
            history = await contact_history(uow, tenant_id, task.debtor_id, rules)
            verdict = _call_verdict(now, rules, profile, history)
            if not verdict.allowed_now:
                raise CallBlocked(verdict.reasons, verdict.at)
            if outcome.connected or rules.count_unconnected_calls:
                await uow.repos.contacts.add_attempt(
                    tenant_id,
                    task.debtor_id,
                    f"call-{task_id}",
                    "phone",
                    now,
                    conversation=outcome.conversation,
                )
        case.emit(
            TaskCompleted(
                task_id=task_id,
                case_id=case.case_id,
                debtor_id=case.debtor_id,
                version=case.next_version(),
                outcome=outcome.catalog,
                call_connected=outcome.connected if outcome.is_call else None,
                conversation_held=outcome.conversation if outcome.is_call else None,
                completed_by=actor,
                note=command.note,
                completed_at=now,
            )
        )
        await uow.repos.tasks.put(task)
        await uow.repos.cases.save(case)
        uow.track(case)
        await _consequences(uow, task, command, case, actor=actor)
        note = Note(
            "task_completed",
            f"{task.kind.value} task done by {actor}: {outcome.value}"
            + (f" ({command.note})" if command.note else ""),
            {"task_id": task_id, "outcome": outcome.value},
        )
        await advance_in(uow, tenant_id, task.debtor_id, notes=[note])
        await uow.commit()
        return task


def _require_details(command: RecordOutcome) -> None:
    if command.outcome is CallOutcome.PROMISE_TAKEN and command.promise is None:
        raise ArrangementInvalid("a promise taken names its amount and date", field="promise")
    if command.outcome is CallOutcome.DISPUTE_RAISED and command.dispute is None:
        raise ArrangementInvalid("a dispute names its invoice and reason", field="dispute")


async def _consequences(
    uow: UnitOfWork, task: Task, command: RecordOutcome, case: Case, *, actor: str
) -> None:
    tenant_id = task.tenant_id
    if command.promise is not None and command.outcome is CallOutcome.PROMISE_TAKEN:
        promise = command.promise
        if promise.channel is not PromiseChannel.PHONE:
            promise = MakePromise(**{**promise.__dict__, "channel": PromiseChannel.PHONE})
        await record_promise(uow, tenant_id, task.case_id, promise, actor=actor)
    elif command.dispute is not None and command.outcome is CallOutcome.DISPUTE_RAISED:
        dispute = command.dispute
        invoice = await uow.repos.invoices.get(tenant_id, dispute.invoice_id)
        if invoice is None or invoice.case_id != task.case_id:
            raise ArrangementInvalid(
                "not an invoice of the task's case", field="dispute.invoice_id"
            )
        uow.emit(
            DisputeRequested(
                request_id=f"task-{task.task_id}/dispute",
                invoice_id=dispute.invoice_id,
                reason=dispute.reason,
                disputed_amount=dispute.amount,
                raised_by=actor,
            ),
            tenant_id=tenant_id,
            debtor_id=task.debtor_id,
        )
    elif command.outcome is CallOutcome.WRONG_NUMBER:
        now = uow.clock.now()
        await uow.repos.contacts.add_failed_address(
            tenant_id, task.debtor_id, "sms", command.phone or "*", "wrong number", now
        )
        fresh = await _case(uow, tenant_id, task.case_id)
        if fresh.active:
            follow_up = Task(
                tenant_id=tenant_id,
                task_id=str(new_event_id()),
                case_id=task.case_id,
                debtor_id=task.debtor_id,
                kind=TaskKind.NO_USABLE_CONTACT,
                due_on=task.due_on if task.due_on > now.date() else now.date(),
                created_at=now,
                note="wrong number: find the debtor's right number",
            )
            fresh.add_task(follow_up, now=now)
            await uow.repos.tasks.add_many([follow_up])
            await uow.repos.cases.save(fresh)
            uow.track(fresh)


def _call_verdict(
    now: datetime, rules: GuardRules, profile: DebtorProfile, history: ContactHistory
) -> Verdict:
    return earliest_lawful(
        now,
        rules=rules,
        time_zone=profile.time_zone,
        country=profile.country,
        history=history,
        call=True,
    )


async def _context(uow: UnitOfWork, task: Task) -> tuple[Case, DebtorProfile, GuardRules]:
    case = await _case(uow, task.tenant_id, task.case_id)
    profile = await uow.repos.profiles.get(task.tenant_id, task.debtor_id)
    policy = await uow.repos.policies.get(task.tenant_id, case.policy_id, case.policy_version)
    if profile is None or policy is None:
        raise CaseStateError("the task's debtor or policy is missing")
    return case, profile, policy.rules


async def _task(uow: UnitOfWork, tenant_id: str, task_id: str) -> Task:
    task = await uow.repos.tasks.get(tenant_id, task_id)
    if task is None:
        raise TaskNotFound(f"task {task_id} not found")
    return task


async def _case(uow: UnitOfWork, tenant_id: str, case_id: str) -> Case:
    case = await uow.repos.cases.get(tenant_id, case_id)
    if case is None:
        raise CaseNotFound(f"case {case_id} not found")
    return case
