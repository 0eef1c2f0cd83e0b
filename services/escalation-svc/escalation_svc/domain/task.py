"""The collectors' task queue: something a person does on a case (call, find a contact,
review, follow up), assigned to a collector, due on a day, closed with an outcome.

A call's outcome feeds the guard: a connected call is a contact attempt (one that never
connects only when the policy counts those), and a conversation about the debt starts the
days without another call. Ordered by the expected recovery analytics last scored for the
debtor, by the debtor's overdue balance until a score exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from debtflow_shared.catalog.escalation import TaskKind, TaskOutcome


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class CallOutcome(StrEnum):
    """What a collector records after a task (calls: what the call came to)."""

    REACHED = "reached"
    """spoke to the debtor about the debt"""
    PROMISE_TAKEN = "promise_taken"
    DISPUTE_RAISED = "dispute_raised"
    WRONG_NUMBER = "wrong_number"
    NO_ANSWER = "no_answer"
    DONE = "done"
    """a task that is not a call (a contact found, a review made)"""
    CANCELLED = "cancelled"

    @property
    def is_call(self) -> bool:
        return self not in {CallOutcome.DONE, CallOutcome.CANCELLED}

    @property
    def connected(self) -> bool:
        return self.is_call and self is not CallOutcome.NO_ANSWER

    @property
    def conversation(self) -> bool:
        """The debt was discussed with the debtor (Regulation F's 7 days start)."""
        return self in {
            CallOutcome.REACHED,
            CallOutcome.PROMISE_TAKEN,
            CallOutcome.DISPUTE_RAISED,
        }

    @property
    def catalog(self) -> TaskOutcome:
        return _CATALOG[self]


_CATALOG = {
    CallOutcome.REACHED: TaskOutcome.DONE,
    CallOutcome.PROMISE_TAKEN: TaskOutcome.PROMISE_RECORDED,
    CallOutcome.DISPUTE_RAISED: TaskOutcome.DISPUTE_RECORDED,
    CallOutcome.WRONG_NUMBER: TaskOutcome.WRONG_CONTACT,
    CallOutcome.NO_ANSWER: TaskOutcome.NO_ANSWER,
    CallOutcome.DONE: TaskOutcome.DONE,
    CallOutcome.CANCELLED: TaskOutcome.CANCELLED,
}


class TaskNotFound(LookupError):
    pass


class TaskStateError(ValueError):
    """The task does not allow this (done already; a call outcome on a task not a call)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CallBlocked(ValueError):
    """The compliance guard allows no call now; ``reasons`` say why, ``until`` when."""

    field = "outcome"

    def __init__(self, reasons: tuple[str, ...], until: datetime) -> None:
        super().__init__(f"no call may be made now ({'; '.join(reasons)}); next {until}")
        self.reasons, self.until = reasons, until


@dataclass
class Task:
    tenant_id: str
    task_id: str
    case_id: str
    debtor_id: str
    kind: TaskKind
    due_on: date
    created_at: datetime
    step: str | None = None
    assignee: str | None = None
    note: str | None = None
    status: TaskStatus = TaskStatus.OPEN
    outcome: CallOutcome | None = None
    completed_by: str | None = None
    completed_at: datetime | None = None
    outcome_note: str | None = None

    @property
    def open(self) -> bool:
        return self.status is TaskStatus.OPEN

    def assign(self, assignee: str | None) -> None:
        self._require_open()
        self.assignee = assignee

    def complete(
        self, outcome: CallOutcome, *, by: str, now: datetime, note: str | None = None
    ) -> None:
        self._require_open()
        if outcome.is_call and self.kind is not TaskKind.CALL:
            raise TaskStateError(
                f"{outcome.value} is a call's outcome; this is a {self.kind.value} task",
                field="outcome",
            )
        self.status, self.outcome = TaskStatus.DONE, outcome
        self.completed_by, self.completed_at, self.outcome_note = by, now, note

    def _require_open(self) -> None:
        if not self.open:
            raise TaskStateError(f"task {self.task_id} is done already")


@dataclass(frozen=True)
class TaskFilter:
    status: TaskStatus | None = TaskStatus.OPEN
    assignee: str | None = None
    unassigned: bool = False
    due_by: date | None = None
    kind: TaskKind | None = None
    case_id: str | None = None
    debtor_id: str | None = None
    task_id: str | None = None


@dataclass(frozen=True)
class Priority:
    """Where a task stands in the queue: the expected recovery, or the overdue balance."""

    amount_minor: int
    currency: str | None
    basis: str  # expected_recovery, overdue_balance


@dataclass(frozen=True)
class DebtorScore:
    """The last ``debtor.risk_scored`` kept for a debtor (older versions are ignored)."""

    tenant_id: str
    debtor_id: str
    version: int
    score: str
    segment: str
    expected_recovery_minor: int
    currency: str
    model_version: str
    scored_at: datetime
