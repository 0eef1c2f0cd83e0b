"""/v1/tasks: the collectors' queue (by collector, due day, priority), assignment, and what
came of each task; ``POST /cases/{case_id}/tasks`` adds one by hand."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, ConfigDict, Field

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.common import EntityId, Reason
from debtflow_shared.catalog.escalation import Actor, TaskKind
from debtflow_shared.catalog.money import Money, PositiveMoney
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import CursorKey, Page, PageRequest, page_request
from debtflow_shared.http.security import require
from escalation_svc.api.arrangement_schemas import PromiseIn
from escalation_svc.api.escalation_problems import EscalationRoute
from escalation_svc.domain.task import CallOutcome, TaskFilter, TaskStatus
from escalation_svc.service_layer import tasks as use_cases

router = APIRouter(tags=["tasks"], route_class=EscalationRoute)

Reader = Annotated[Principal, Depends(require("cases:read"))]
Writer = Annotated[Principal, Depends(require("cases:write"))]
ShortText = Annotated[str | None, Query(max_length=200, pattern=r"^[\x21-\x7e]+$")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such task"}}

BY_PRIORITY: CursorKey[tuple[int, str]] = CursorKey(
    2, lambda key: (str(key[0]), key[1]), lambda parts: (int(parts[0]), parts[1])
)
PagedByPriority = Annotated[PageRequest[tuple[int, str]], Depends(page_request(BY_PRIORITY))]


class PriorityOut(BaseModel):
    amount: Money | None = Field(description="the expected recovery, or the overdue balance")
    basis: str = Field(description="expected_recovery (debtor.risk_scored) or overdue_balance")


class TaskOut(BaseModel):
    task_id: str
    case_id: str
    debtor_id: str
    kind: TaskKind
    step: str | None
    due_on: date
    assignee: str | None
    note: str | None
    status: TaskStatus
    outcome: CallOutcome | None
    completed_by: str | None
    completed_at: datetime | None
    created_at: datetime
    priority: PriorityOut | None
    call_allowed_from: datetime | None = Field(
        default=None, description="open calls, on a single read: when the guard allows one"
    )

    @classmethod
    def of(cls, queued: use_cases.QueuedTask) -> TaskOut:
        t, p = queued.task, queued.priority
        return cls(
            task_id=t.task_id,
            case_id=t.case_id,
            debtor_id=t.debtor_id,
            kind=t.kind,
            step=t.step,
            due_on=t.due_on,
            assignee=t.assignee,
            note=t.note,
            status=t.status,
            outcome=t.outcome,
            completed_by=t.completed_by,
            completed_at=t.completed_at,
            created_at=t.created_at,
            priority=None
            if p is None
            else PriorityOut(
                amount=Money(amount_minor=p.amount_minor, currency=p.currency)
                if p.currency
                else None,
                basis=p.basis,
            ),
            call_allowed_from=queued.call_allowed_from,
        )


class TaskPage(Page[TaskOut]):
    pass


class TaskIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"kind": "call", "due_on": "2026-03-16", "note": "Chase the remittance"}]
        },
    )

    kind: TaskKind
    due_on: date | None = Field(default=None, description="default: today")
    note: Reason | None = None
    assignee: Actor | None = None


class AssignIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"assignee": "collector:jane.doe"}]}
    )

    assignee: Actor | None = Field(description="null: back to the unassigned queue")


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invoice_id: EntityId
    reason: Reason
    amount: PositiveMoney | None = Field(default=None, description="default: the open balance")


class OutcomeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"outcome": "reached", "note": "Spoke to the finance director."},
                {
                    "outcome": "promise_taken",
                    "promise": {
                        "amount": {"amount_minor": 120000, "currency": "GBP"},
                        "promised_on": "2026-03-20",
                    },
                },
                {
                    "outcome": "dispute_raised",
                    "dispute": {"invoice_id": "inv-2026-0042", "reason": "Goods damaged"},
                },
                {"outcome": "no_answer"},
            ]
        },
    )

    outcome: CallOutcome
    note: Reason | None = None
    promise: PromiseIn | None = Field(default=None, description="promise_taken: what was promised")
    dispute: DisputeIn | None = Field(default=None, description="dispute_raised: what is disputed")
    phone: Annotated[str, Field(max_length=30, pattern=r"^\+[1-9][0-9]{6,14}$")] | None = Field(
        default=None, description="wrong_number: the number dialled (E.164)"
    )

    def to_command(self) -> use_cases.RecordOutcome:
        return use_cases.RecordOutcome(
            outcome=self.outcome,
            note=self.note,
            promise=self.promise.to_command() if self.promise else None,
            dispute=use_cases.DisputeDetails(
                self.dispute.invoice_id, self.dispute.reason, self.dispute.amount
            )
            if self.dispute
            else None,
            phone=self.phone,
        )


def _actor(principal: Principal) -> str:
    return f"collector:{principal.subject}"[:200]


@router.get(
    "/tasks",
    summary="The task queue: highest expected recovery first (overdue balance before a score)",
)
async def list_tasks(
    principal: Reader,
    uow: UnitOfWorkDep,
    paging: PagedByPriority,
    assignee: ShortText = None,
    unassigned: bool = False,
    due_by: date | None = None,
    kind: TaskKind | None = None,
    status: TaskStatus | None = TaskStatus.OPEN,
    case_id: ShortText = None,
    debtor_id: ShortText = None,
) -> TaskPage:
    where = TaskFilter(
        status=status,
        assignee=assignee,
        unassigned=unassigned,
        due_by=due_by,
        kind=kind,
        case_id=case_id,
        debtor_id=debtor_id,
    )
    found = await use_cases.list_tasks(
        uow, principal.tenant_id, where, after=paging.after, limit=paging.fetch
    )
    page, cursor = paging.page(
        found, lambda q: (q.priority.amount_minor if q.priority else 0, q.task.task_id)
    )
    return TaskPage(items=[TaskOut.of(q) for q in page], next_cursor=cursor)


@router.get(
    "/tasks/{task_id}", summary="Read a task (a call: when one is allowed)", responses=NOT_FOUND
)
async def read_task(task_id: str, principal: Reader, uow: UnitOfWorkDep) -> TaskOut:
    return TaskOut.of(await use_cases.get_task(uow, principal.tenant_id, task_id))


@router.post(
    "/cases/{case_id}/tasks",
    status_code=status.HTTP_201_CREATED,
    summary="Put a task on a case by hand (task.created)",
    responses={404: {"description": "no such case"}, 409: {"description": "the case is closed"}},
)
async def create_task(case_id: str, body: TaskIn, principal: Writer, uow: UnitOfWorkDep) -> TaskOut:
    task = await use_cases.create_task(
        uow,
        principal.tenant_id,
        case_id,
        use_cases.NewTask(body.kind, body.due_on, body.note, body.assignee),
        actor=_actor(principal),
    )
    return TaskOut.of(use_cases.QueuedTask(task, None))


@router.post(
    "/tasks/{task_id}/assign",
    summary="Assign a task to a collector (or back to the queue)",
    responses=NOT_FOUND | {409: {"description": "the task is done"}},
)
async def assign_task(
    task_id: str, body: AssignIn, principal: Writer, uow: UnitOfWorkDep
) -> TaskOut:
    task = await use_cases.assign_task(
        uow, principal.tenant_id, task_id, body.assignee, actor=_actor(principal)
    )
    return TaskOut.of(use_cases.QueuedTask(task, None))


@router.post(
    "/tasks/{task_id}/outcome",
    summary="Record what came of a task (task.completed); a call's outcome feeds the case and "
    "the compliance guard",
    responses=NOT_FOUND
    | {
        409: {"description": "the task is done, or the guard allows no call now (says why)"},
        422: {"description": "a field the outcome needs is missing or wrong (names it)"},
    },
)
async def record_outcome(
    task_id: str, body: OutcomeIn, principal: Writer, uow: UnitOfWorkDep
) -> TaskOut:
    task = await use_cases.record_outcome(
        uow, principal.tenant_id, task_id, body.to_command(), actor=_actor(principal)
    )
    return TaskOut.of(use_cases.QueuedTask(task, None))
