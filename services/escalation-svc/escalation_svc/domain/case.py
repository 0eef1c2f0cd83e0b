"""A collection case: one debtor's invoices in collection, chased along one policy version.

The case remembers how far up its ladder it is (``stage``: the index of the next step; it
never goes down), what it waits for (charges to be answered before a notice, a guard's
deferral), what pauses it (a collector's decision, a contact restriction; later promises,
plans, settlements: :class:`Pause` has a reason and an optional end, so they fit), and the
credit hold it requested. Every change raises its catalog event and appends a timeline
entry that says why, with the policy version and the inputs that made it happen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from debtflow_shared.aggregate import EventRecorder
from debtflow_shared.catalog.escalation import (
    CaseFileSummary,
    CaseHandedOff,
    CaseOpened,
    CaseOutcome,
    CasePaused,
    CaseResolved,
    CaseResumed,
    CaseTrigger,
    EscalationStepExecuted,
    HandOffPartner,
    PauseReason,
    StepInputs,
    TaskCreated,
)
from debtflow_shared.catalog.registry import EventPayload
from escalation_svc.domain.task import Task


class CaseStatus(StrEnum):
    ACTIVE = "active"
    RESOLVED = "resolved"
    HANDED_OFF = "handed_off"


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    stage: str | None = None
    debtor_id: str | None = None


class CaseNotFound(LookupError):
    pass


class CaseStateError(ValueError):
    field: str | None = None


@dataclass(frozen=True)
class Pause:
    reason: PauseReason
    reference_id: str | None = None
    until: date | None = None
    note: str | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class AwaitingCharges:
    """A notice step whose charges were requested: it is sent once every request is
    answered (``invoice.charge_applied`` or ``charge.declined``), or at ``deadline``."""

    step: str
    pending: tuple[str, ...]
    deadline: datetime
    answered: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    summary: str
    step: str | None = None
    policy_version: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Case(EventRecorder):
    tenant_id: str
    case_id: str
    debtor_id: str
    policy_id: str
    policy_version: int
    trigger: CaseTrigger
    opened_at: datetime
    status: CaseStatus = CaseStatus.ACTIVE
    stage: int = 0
    version: int = 1
    stage_name: str | None = None
    """the key of the last step executed (None: none yet)"""
    pauses: tuple[Pause, ...] = ()
    awaiting: AwaitingCharges | None = None
    deferred_step: str | None = None
    deferred_until: datetime | None = None
    hold_request_id: str | None = None
    run_now: int | None = None
    """a step index to run at once, whatever its offset (a broken promise escalates)"""
    promises_broken: int = 0
    plans_defaulted: int = 0
    resolved_at: datetime | None = None
    outcome: CaseOutcome | None = None
    case_file: dict[str, Any] | None = None
    timeline: list[TimelineEntry] = field(default_factory=list, compare=False)
    """entries added since the case was loaded (the repository appends them)"""

    @classmethod
    def open(
        cls,
        *,
        tenant_id: str,
        case_id: str,
        debtor_id: str,
        policy_id: str,
        policy_version: int,
        trigger: CaseTrigger,
        invoice_ids: tuple[str, ...],
        now: datetime,
        stage: int = 0,
        note: str | None = None,
    ) -> Case:
        case = cls(
            tenant_id=tenant_id,
            case_id=case_id,
            debtor_id=debtor_id,
            policy_id=policy_id,
            policy_version=policy_version,
            trigger=trigger,
            opened_at=now,
            stage=stage,
        )
        case._raise(
            CaseOpened(
                case_id=case_id,
                debtor_id=debtor_id,
                version=1,
                trigger=trigger,
                invoice_ids=invoice_ids,
                policy_id=policy_id,
                policy_version=policy_version,
                opened_at=now,
            )
        )
        case.note(
            now,
            "opened",
            f"case opened ({trigger.value}) on policy {policy_id} v{policy_version}"
            + (f"; {note}" if note else ""),
            invoice_ids=list(invoice_ids),
        )
        return case

    @property
    def active(self) -> bool:
        return self.status is CaseStatus.ACTIVE

    @property
    def paused(self) -> bool:
        return bool(self.pauses)

    def note(
        self, at: datetime, kind: str, summary: str, /, *, step: str | None = None, **details: Any
    ) -> None:
        """Put something on the timeline (a decision, a message, an event that arrived)."""
        self.timeline.append(
            TimelineEntry(at, kind, summary, step, self.policy_version, dict(details))
        )

    def step_executed(
        self,
        *,
        step: str,
        index: int,
        action: Any,
        inputs: StepInputs,
        commands: tuple[str, ...],
        now: datetime,
        details: dict[str, Any],
    ) -> None:
        self._require_active()
        self.stage = max(self.stage, index + 1)
        self.stage_name = step
        self.deferred_step = self.deferred_until = None
        if self.run_now is not None and self.stage > self.run_now:
            self.run_now = None
        self._bump()
        self._raise(
            EscalationStepExecuted(
                case_id=self.case_id,
                debtor_id=self.debtor_id,
                version=self.version,
                policy_id=self.policy_id,
                policy_version=self.policy_version,
                step=step,
                action=action,
                inputs=inputs,
                commands=commands,
                executed_at=now,
            )
        )
        self.note(now, "step_executed", f"step {step} ran ({action.value})", step=step, **details)

    def superseded(self, *, step: str, index: int, by: str, now: datetime) -> None:
        self.stage = max(self.stage, index + 1)
        self.note(
            now,
            "step_superseded",
            f"step {step} was due while the case could not run; superseded by {by}",
            step=step,
        )

    def defer(self, *, step: str, until: datetime, reasons: tuple[str, ...], now: datetime) -> bool:
        """Record that ``step`` waits for the guard; False when it already waited for that."""
        if self.deferred_step == step and self.deferred_until == until:
            return False
        self.deferred_step, self.deferred_until = step, until
        self.note(
            now,
            "contact_deferred",
            f"step {step} deferred to {until.isoformat()}: {'; '.join(reasons)}",
            step=step,
            until=until.isoformat(),
            guard=list(reasons),
        )
        return True

    def move_to(self, policy_id: str, policy_version: int, *, stage: int) -> None:
        """Run on another policy version from ``stage`` on (what waited starts over)."""
        self._require_active()
        self.policy_id, self.policy_version, self.stage = policy_id, policy_version, stage
        self.awaiting = self.run_now = None
        self.deferred_step = self.deferred_until = None
        self._bump()

    def await_charges(self, awaiting: AwaitingCharges | None) -> None:
        self.awaiting = awaiting

    def pause(self, pause: Pause, *, now: datetime) -> None:
        self._require_active()
        if any(
            p.reason is pause.reason and p.reference_id == pause.reference_id for p in self.pauses
        ):
            raise CaseStateError(f"the case is already paused for {pause.reason.value}")
        self.pauses = (*self.pauses, pause)
        self._bump()
        self._raise(
            CasePaused(
                case_id=self.case_id,
                debtor_id=self.debtor_id,
                version=self.version,
                reason=pause.reason,
                reference_id=pause.reference_id,
                paused_until=pause.until,
                note=pause.note,
                paused_at=now,
            )
        )
        self.note(now, "paused", f"case paused: {pause.reason.value}", note=pause.note)

    def resume(self, reason: PauseReason, *, now: datetime, note: str | None = None) -> None:
        self._require_active()
        if not any(p.reason is reason for p in self.pauses):
            raise CaseStateError(f"the case is not paused for {reason.value}")
        self.pauses = tuple(p for p in self.pauses if p.reason is not reason)
        self._bump()
        self._raise(
            CaseResumed(
                case_id=self.case_id,
                debtor_id=self.debtor_id,
                version=self.version,
                pause_reason=reason,
                note=note,
                resumed_at=now,
            )
        )
        self.note(now, "resumed", f"case resumed: {reason.value} pause ended", note=note)

    def resolve(self, outcome: CaseOutcome, *, now: datetime, note: str | None = None) -> None:
        if self.status is CaseStatus.RESOLVED:
            raise CaseStateError("the case is resolved already")
        self.status, self.outcome, self.resolved_at = CaseStatus.RESOLVED, outcome, now
        self.awaiting = None
        self._bump()
        self._raise(
            CaseResolved(
                case_id=self.case_id,
                debtor_id=self.debtor_id,
                version=self.version,
                outcome=outcome,
                note=note,
                resolved_at=now,
            )
        )
        self.note(now, "resolved", f"case resolved: {outcome.value}")

    def hand_off(
        self,
        *,
        partner: HandOffPartner,
        partner_name: str,
        summary: CaseFileSummary,
        case_file: dict[str, Any],
        now: datetime,
    ) -> None:
        self._require_active()
        self.status, self.resolved_at, self.case_file = CaseStatus.HANDED_OFF, now, case_file
        self._bump()
        self._raise(
            CaseHandedOff(
                case_id=self.case_id,
                debtor_id=self.debtor_id,
                version=self.version,
                partner=partner,
                partner_name=partner_name,
                case_file=summary,
                handed_off_at=now,
            )
        )
        self.note(now, "handed_off", f"case handed off to {partner_name}; contact stops")

    def escalate(self, index: int | None) -> None:
        """Run the step at ``index`` at once (the steps before it are superseded); None:
        the next step not run yet."""
        self.run_now = max(self.stage, index if index is not None else self.stage)

    def next_version(self) -> int:
        """The case's version after a change its arrangements or tasks announce."""
        self._bump()
        return self.version

    def add_task(self, task: Task, *, now: datetime) -> None:
        """Put a collector's task on the case (``task.created``)."""
        self._raise(
            TaskCreated(
                task_id=task.task_id,
                case_id=self.case_id,
                debtor_id=self.debtor_id,
                version=self.next_version(),
                kind=task.kind,
                step=task.step,
                due_on=task.due_on,
                assignee=task.assignee,
                note=task.note,
                created_at=now,
            )
        )
        self.note(
            now,
            "task_created",
            f"{task.kind.value} task created, due {task.due_on}"
            + (f": {task.note}" if task.note else ""),
            step=task.step,
            task_id=task.task_id,
            task_kind=task.kind.value,
        )

    def emit(self, payload: EventPayload) -> None:
        """Raise a command the case sends (notification, charge, credit hold)."""
        self._raise(payload)

    def _require_active(self) -> None:
        if not self.active:
            raise CaseStateError(f"the case is {self.status.value}")

    def _bump(self) -> None:
        self.version += 1

    def _raise(self, payload: EventPayload) -> None:
        self._events.append((payload, self.tenant_id, self.debtor_id))
