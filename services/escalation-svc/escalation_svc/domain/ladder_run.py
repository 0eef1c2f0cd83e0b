"""Bringing one debtor's collection up to date at an instant: the ladder's decisions.

:func:`run_ladder` is called whenever something about the debtor changed (an invoice fact,
a payment, a charge answered, a notification outcome, a collector's pause) and whenever
the debtor's timer comes due. It is pure: it reads a :class:`Situation`, changes the case,
and says what to store and when to wake up next. The rules it applies:

- **In collection**: an open invoice that has reached the ladder's first offset. The case
  opens when the first invoice is in collection (or an ``invoice.overdue`` says so), and
  resolves when none of its invoices is open any more, releasing the credit hold it asked
  for.
- **Timing**: the ladder is timed from the due date of the oldest invoice the case chases
  (open, not disputed); a step is due on its day at the start of the debtor's local
  contact hours. ``stage`` never goes down.
- **Catch-up**: when several rungs are due at once (after downtime, or an invoice first
  seen long overdue), only the most advanced rung runs; the earlier steps are recorded as
  superseded. Contacts then still pass the guard (gap, cap), so there is never a burst.
- **Claims**: a step names as claimed only the invoices that have reached its offset
  themselves; its charges are requested for those only. Invoices that joined later are
  named as also outstanding.
- **Notice after charges**: a notify step with charges requests them first, and sends
  once every request is answered, or at the wait's deadline.
- **Guard**: every contact passes :func:`compliance_guard.earliest_lawful`; a blocked one
  is deferred (on the timeline, with the reasons) and the timer wakes at the lawful instant.
- **Stop**: a notification requested but not yet sent whose invoices are all no longer
  chased (paid, credited, disputed) is cancelled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from debtflow_shared.catalog.escalation import (
    CaseFileSummary,
    CaseOutcome,
    CaseTrigger,
    HandOffPartner,
    LapseReason,
    StepAction,
    StepInputs,
    TaskKind,
)
from debtflow_shared.catalog.escalation_commands import (
    ChargeRequested,
    CreditHoldRequested,
    CreditReleaseRequested,
)
from debtflow_shared.catalog.money import Money
from debtflow_shared.catalog.notification import (
    CancelReason,
    NotificationCancelled,
    NotificationChannel,
    NotificationRequested,
    Tone,
    notification_dedup_key,
)
from escalation_svc.domain.case import AwaitingCharges, Case, CaseStatus
from escalation_svc.domain.compliance_guard import (
    ContactHistory,
    GuardRules,
    earliest_lawful,
    local_day,
    local_start,
)
from escalation_svc.domain.contact_channels import Reachability, channels_for_step
from escalation_svc.domain.debtor_profile import DebtorProfile
from escalation_svc.domain.plan import Plan, PlannedInstallment, PlanStatus, review_plan
from escalation_svc.domain.policy import PLAN_STEP_PREFIX, Policy, Step
from escalation_svc.domain.promise import Promise, PromiseStatus, break_promise
from escalation_svc.domain.settlement import Settlement, SettlementStatus, lapse_settlement
from escalation_svc.domain.task import Task
from escalation_svc.domain.tracked_invoice import TrackedInvoice

CHARGE_WAIT = timedelta(days=2)
"""How long a notice waits for its charges to be answered before it goes anyway."""
MAX_INVOICES_NAMED = 1000

_OUTCOME_PRIORITY = (
    ("paid", CaseOutcome.PAID),
    ("written_off", CaseOutcome.WRITTEN_OFF),
    ("credited", CaseOutcome.CREDITED),
    ("cancelled", CaseOutcome.CANCELLED),
)


@dataclass(frozen=True)
class Notification:
    """A notification the case requested, as escalation tracks it until notify answers."""

    dedup_key: str
    case_id: str
    step: str
    channel: NotificationChannel
    invoice_ids: tuple[str, ...]
    status: str  # requested, sent, failed, cancelled
    requested_at: datetime
    fallback_done: bool = False


@dataclass(frozen=True)
class Situation:
    now: datetime
    profile: DebtorProfile
    invoices: tuple[TrackedInvoice, ...]
    case: Case | None
    policy: Policy
    """the case's policy version, or the tenant's default for a new case"""
    rules: GuardRules
    reach: Reachability
    history: ContactHistory
    notifications: tuple[Notification, ...] = ()
    """the case's notifications not yet settled (requested, or failed awaiting fallback)"""
    new_case_id: Callable[[], str] = field(default=lambda: "")
    overdue_reported: bool = False
    """an ``invoice.overdue`` arrived: open a case even before the first step's day"""
    reopened_by_reversal: bool = False
    inherited_stage: int = 0
    arrangement: Promise | Plan | Settlement | None = None
    """the promise, plan or settlement in force on the case, if any"""
    new_task_id: Callable[[], str] = field(default=lambda: "")


@dataclass
class Outcome:
    case: Case | None
    wake_at: datetime | None = None
    joined: list[str] = field(default_factory=list)
    new_notifications: list[Notification] = field(default_factory=list)
    settled: dict[str, str] = field(default_factory=dict)
    """dedup key -> its new status (cancelled, or failed with its fallback done)"""
    hand_off: bool = False
    new_tasks: list[Task] = field(default_factory=list)
    arrangement: Promise | Plan | Settlement | None = None
    """the arrangement this run changed (to store)"""

    def wake(self, at: datetime | None) -> None:
        if at is not None and (self.wake_at is None or at < self.wake_at):
            self.wake_at = at


def request_id(*parts: str) -> str:
    """A command's request id: the same parts give the same id, within the 100 characters."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"{parts[0][:20]}-{digest}"


def run_ladder(situation: Situation) -> Outcome:
    return _Run(situation).run()


class _Run:
    def __init__(self, situation: Situation) -> None:
        self.s = situation
        self.now = situation.now
        self.zone = situation.profile.time_zone
        self.today = local_day(self.now, self.zone)
        self.out = Outcome(case=situation.case)

    # -- the whole pass ------------------------------------------------------------------
    def run(self) -> Outcome:
        current = self.s.case
        if current is not None and current.status is CaseStatus.HANDED_OFF:
            # With the agency: debtflow contacts no one, but still closes the case (and
            # releases its credit hold) once nothing of it is owed.
            if not self._case_invoices(current, open_only=True):
                self._resolve(current)
            return self.out
        case = current if current is not None and current.active else None
        if case is not None and not self._case_invoices(case, open_only=True):
            self._resolve(case)
            return self.out
        if case is None:
            case = self._open_if_due()
            if case is None:
                return self.out
        self.out.case = case
        self._join_new_invoices(case)
        self._cancel_unchased(case)
        self._review_arrangement(case)
        if case.paused:
            self._cancel_all(case, CancelReason.PAUSED, keep_plan_reminders=True)
            self._note_pause_end(case)
            return self.out
        chased = [i for i in self._case_invoices(case, open_only=True) if i.chased]
        if not chased:
            return self.out  # every open invoice is disputed: the case waits for a resolution
        anchor = min(i.due_date for i in chased)
        self._fallbacks(case, chased)
        self._run_due_rung(case, chased, anchor)
        return self.out

    # -- opening, joining, resolving -----------------------------------------------------
    def _first_offset(self) -> int:
        return self.s.policy.steps[0].offset_days

    def _in_collection(self) -> list[TrackedInvoice]:
        first = self._first_offset()
        return [i for i in self.s.invoices if i.is_open and i.reached(first, self.today)]

    def _open_if_due(self) -> Case | None:
        ready = [i for i in self._in_collection() if i.chased]
        if not ready and self.s.overdue_reported:
            ready = [i for i in self.s.invoices if i.chased and i.due_date < self.today]
        if not ready:
            upcoming = [i for i in self.s.invoices if i.chased]
            if upcoming:
                day = min(i.due_date for i in upcoming) + timedelta(days=self._first_offset())
                self.out.wake(local_start(day, self.s.rules, self.zone))
            return None
        if self.s.reopened_by_reversal:
            trigger = CaseTrigger.PAYMENT_REVERSED
        elif any(i.due_date < self.today for i in ready):
            trigger = CaseTrigger.INVOICE_OVERDUE
        else:
            trigger = CaseTrigger.INVOICE_DUE_SOON
        policy = self.s.policy
        stage = min(self.s.inherited_stage, len(policy.steps) - 1)
        case = Case.open(
            tenant_id=self.s.profile.tenant_id,
            case_id=self.s.new_case_id(),
            debtor_id=self.s.profile.debtor_id,
            policy_id=policy.policy_id,
            policy_version=policy.version,
            trigger=trigger,
            invoice_ids=tuple(i.invoice_id for i in ready)[:MAX_INVOICES_NAMED],
            now=self.now,
            stage=stage,
            note=f"continues from step {policy.steps[stage].key}" if stage else None,
        )
        self.out.joined.extend(i.invoice_id for i in ready)
        return case

    def _case_invoices(self, case: Case, *, open_only: bool) -> list[TrackedInvoice]:
        joined = set(self.out.joined)
        mine = [i for i in self.s.invoices if i.case_id == case.case_id or i.invoice_id in joined]
        return [i for i in mine if i.is_open] if open_only else mine

    def _join_new_invoices(self, case: Case) -> None:
        for invoice in self._in_collection():
            if invoice.case_id is None and invoice.invoice_id not in self.out.joined:
                self.out.joined.append(invoice.invoice_id)
                if case.timeline and case.timeline[0].kind == "opened":
                    continue  # named when the case opened
                case.note(
                    self.now,
                    "invoice_joined",
                    f"invoice {invoice.number} joined the case (due {invoice.due_date})",
                    invoice_id=invoice.invoice_id,
                )

    def _resolve(self, case: Case) -> None:
        closed = {i.closed_by for i in self._case_invoices(case, open_only=False)}
        outcome = next((o for key, o in _OUTCOME_PRIORITY if key in closed), CaseOutcome.PAID)
        arrangement = self.s.arrangement
        if isinstance(arrangement, Settlement) and arrangement.status is SettlementStatus.ACCEPTED:
            outcome = CaseOutcome.SETTLED
            arrangement.closed_on = self.today
            self.out.arrangement = arrangement
        elif isinstance(arrangement, Promise) and arrangement.open:
            arrangement.status, arrangement.closed_on = PromiseStatus.VOID, self.today
            self.out.arrangement = arrangement
        elif isinstance(arrangement, Plan) and arrangement.running:
            arrangement.status, arrangement.closed_on = PlanStatus.VOID, self.today
            self.out.arrangement = arrangement
        case.resolve(outcome, now=self.now)
        self._cancel_all(case, CancelReason.CASE_RESOLVED)
        if case.hold_request_id is not None:
            release = request_id(case.case_id, "release")
            case.emit(
                CreditReleaseRequested(
                    request_id=release,
                    debtor_id=case.debtor_id,
                    reason=f"collection case resolved: {outcome.value}",
                )
            )
            case.note(
                self.now,
                "credit_release_requested",
                "credit hold release requested",
                request_id=release,
            )
        self.out.case = case

    # -- stopping what should not go ---------------------------------------------------------
    def _cancel_unchased(self, case: Case) -> None:
        by_id = {i.invoice_id: i for i in self.s.invoices}
        for n in self.s.notifications:
            if n.status != "requested":
                continue
            mine = [by_id[i] for i in n.invoice_ids if i in by_id]
            if not mine or any(i.chased for i in mine):
                continue
            reason = CancelReason.DISPUTED if any(i.disputed for i in mine) else CancelReason.PAID
            self._cancel(case, n, reason)

    def _cancel_all(
        self, case: Case, reason: CancelReason, *, keep_plan_reminders: bool = False
    ) -> None:
        for n in self.s.notifications:
            if keep_plan_reminders and n.step.startswith(PLAN_STEP_PREFIX):
                continue  # the plan replaces the ladder: its reminders are its own
            if n.status == "requested":
                self._cancel(case, n, reason)

    def _cancel(self, case: Case, n: Notification, reason: CancelReason) -> None:
        if n.dedup_key in self.out.settled:
            return
        case.emit(
            NotificationCancelled(
                dedup_key=n.dedup_key,
                case_id=case.case_id,
                debtor_id=case.debtor_id,
                reason=reason,
                cancelled_at=self.now,
            )
        )
        self.out.settled[n.dedup_key] = "cancelled"
        case.note(
            self.now,
            "notification_cancelled",
            f"{n.channel.value} of step {n.step} cancelled: {reason.value}",
            step=n.step,
            dedup_key=n.dedup_key,
        )

    def _note_pause_end(self, case: Case) -> None:
        ends = [p.until for p in case.pauses if p.until is not None]
        if ends and len(ends) == len(case.pauses):
            self.out.wake(local_start(max(ends) + timedelta(days=1), self.s.rules, self.zone))

    # -- the ladder ----------------------------------------------------------------------
    def _run_due_rung(self, case: Case, chased: list[TrackedInvoice], anchor: date) -> None:
        steps = self.s.policy.steps
        days = (self.today - anchor).days
        if case.run_now is not None and case.run_now >= len(steps):
            case.run_now = None
        forced = case.run_now if case.run_now is not None else -1
        due = [
            (index, step)
            for index, step in enumerate(steps)
            if index >= case.stage and (step.offset_days <= days or index <= forced)
        ]
        if not due:
            self._wake_for_next(case, anchor)
            return
        top = due[-1][1].offset_days
        rung = [(i, s) for i, s in due if s.offset_days == top]
        for index, step in due[: len(due) - len(rung)]:
            if case.awaiting is not None and case.awaiting.step == step.key:
                case.await_charges(None)
            case.superseded(step=step.key, index=index, by=rung[0][1].key, now=self.now)
        for index, step in rung:
            if not self._execute(case, index, step, chased, days, anchor):
                return  # waiting (charges, the guard) or handed off: the rest of the rung waits
        self._wake_for_next(case, anchor)

    def _wake_for_next(self, case: Case, anchor: date) -> None:
        steps = self.s.policy.steps
        if case.active and case.stage < len(steps):
            day = anchor + timedelta(days=steps[case.stage].offset_days)
            self.out.wake(local_start(day, self.s.rules, self.zone))

    def _inputs(self, claimed: list[TrackedInvoice], days: int) -> StepInputs:
        return StepInputs(
            business_date=self.today,
            days_past_due=max(-365, min(days, 36500)),
            invoice_ids=tuple(i.invoice_id for i in claimed)[:MAX_INVOICES_NAMED],
        )

    def _balance(self, invoices: list[TrackedInvoice]) -> list[dict[str, object]]:
        totals: dict[str, int] = {}
        for i in invoices:
            totals[i.currency] = totals.get(i.currency, 0) + i.open_minor
        # Money.model_dump()'s shape, without validating each invoice's currency again
        # (checked when the invoice came in).
        return [{"amount_minor": v, "currency": c} for c, v in sorted(totals.items())]

    def _execute(
        self,
        case: Case,
        index: int,
        step: Step,
        chased: list[TrackedInvoice],
        days: int,
        anchor: date,
    ) -> bool:
        """Run one step; False when the rest of the rung must wait."""
        if case.run_now is not None and index <= case.run_now:
            claimed, also = chased, []  # run early (a broken promise): about all it chases
        else:
            claimed = [i for i in chased if i.reached(step.offset_days, self.today)]
            also = [i for i in chased if not i.reached(step.offset_days, self.today)]
        details = {
            "days_past_due": days,
            "claimed": [i.invoice_id for i in claimed],
            "also_outstanding": [i.invoice_id for i in also],
            "balance": self._balance(claimed + also),
        }
        inputs = self._inputs(claimed, days)
        if step.action is StepAction.NOTIFY:
            return self._notify(case, index, step, claimed, also, inputs, details, anchor)
        commands: list[str] = []
        if step.action is StepAction.CHARGE:
            commands = self._request_charges(case, step, claimed)
        elif step.action is StepAction.CREDIT_HOLD and case.hold_request_id is None:
            case.hold_request_id = request_id(case.case_id, "hold")
            case.emit(
                CreditHoldRequested(
                    request_id=case.hold_request_id,
                    debtor_id=case.debtor_id,
                    reason=f"{days} days overdue (collection case {case.case_id})",
                )
            )
            commands = [case.hold_request_id]
        case.step_executed(
            step=step.key,
            index=index,
            action=step.action,
            inputs=inputs,
            commands=tuple(commands)[:20],
            now=self.now,
            details=details | {"commands": commands},
        )
        if step.action is StepAction.CALL_TASK:
            self._new_task(
                case,
                step.task_kind,
                step=step.key,
                note=f"{days} days past due: call the debtor about the overdue invoices",
            )
        if step.action is StepAction.HAND_OFF:
            self._hand_off(case, step, chased)
            return False
        return True

    def _request_charges(self, case: Case, step: Step, claimed: list[TrackedInvoice]) -> list[str]:
        ids = []
        for invoice in claimed:
            for kind in step.charges:
                rid = request_id(case.case_id, step.key, kind.value, invoice.invoice_id)
                case.emit(
                    ChargeRequested(
                        request_id=rid, invoice_id=invoice.invoice_id, kind=kind, as_of=self.today
                    )
                )
                ids.append(rid)
        return ids

    def _notify(
        self,
        case: Case,
        index: int,
        step: Step,
        claimed: list[TrackedInvoice],
        also: list[TrackedInvoice],
        inputs: StepInputs,
        details: dict[str, object],
        anchor: date,
    ) -> bool:
        if step.charges:
            awaiting = case.awaiting if case.awaiting and case.awaiting.step == step.key else None
            if awaiting is None:
                ids = self._request_charges(case, step, claimed)
                case.await_charges(AwaitingCharges(step.key, tuple(ids), self.now + CHARGE_WAIT))
                case.note(
                    self.now,
                    "charges_requested",
                    f"step {step.key}: charges requested first; the notice waits for answers",
                    step=step.key,
                    request_ids=ids,
                )
                if ids:
                    self.out.wake(self.now + CHARGE_WAIT)
                    return False
            elif awaiting.pending and self.now < awaiting.deadline:
                self.out.wake(awaiting.deadline)
                return False
        channels, unusable = channels_for_step(step.channels, self.s.reach)
        if not channels:
            case.await_charges(None)
            case.step_executed(
                step=step.key,
                index=index,
                action=step.action,
                inputs=inputs,
                commands=(),
                now=self.now,
                details=details
                | {"no_usable_contact": True, "unusable": [c.value for c in unusable]},
            )
            self._new_task(
                case,
                TaskKind.NO_USABLE_CONTACT,
                step=step.key,
                note=f"no usable contact for step {step.key}: find one",
            )
            return True
        verdict = earliest_lawful(
            self.now,
            rules=self.s.rules,
            time_zone=self.zone,
            country=self.s.profile.country,
            history=self.s.history,
            messages=len(channels),
        )
        if not verdict.allowed_now:
            case.defer(step=step.key, until=verdict.at, reasons=verdict.reasons, now=self.now)
            self.out.wake(verdict.at)
            return False
        keys = self._request(case, step, channels, claimed, also, anchor, index)
        case.await_charges(None)
        case.step_executed(
            step=step.key,
            index=index,
            action=step.action,
            inputs=inputs,
            commands=tuple(keys),
            now=self.now,
            details=details
            | {
                "channels": [c.value for c in channels],
                "fell_back_from": [c.value for c in unusable],
                "guard": "allowed",
                "commands": keys,
            },
        )
        return True

    def _request(
        self,
        case: Case,
        step: Step,
        channels: list[NotificationChannel],
        claimed: list[TrackedInvoice],
        also: list[TrackedInvoice],
        anchor: date,
        index: int,
    ) -> list[str]:
        steps = self.s.policy.steps
        expires = None
        if index + 1 < len(steps):
            next_day = anchor + timedelta(days=steps[index + 1].offset_days)
            expires = local_start(next_day, self.s.rules, self.zone)
            if expires <= self.now:
                expires = None
        keys = []
        for channel in channels:
            key = notification_dedup_key(case.case_id, step.key, channel)
            case.emit(
                NotificationRequested(
                    dedup_key=key,
                    case_id=case.case_id,
                    debtor_id=case.debtor_id,
                    step=step.key,
                    channel=channel,
                    template_key=step.template_key or "",
                    tone=step.tone,
                    locale=self.s.profile.language,
                    invoice_ids=tuple(i.invoice_id for i in claimed)[:MAX_INVOICES_NAMED],
                    also_outstanding_invoice_ids=tuple(i.invoice_id for i in also)[
                        :MAX_INVOICES_NAMED
                    ],
                    contact_rules=self.s.rules.in_force(self.s.profile.country),
                    requested_at=self.now,
                    expires_at=expires,
                )
            )
            self.out.new_notifications.append(
                Notification(
                    dedup_key=key,
                    case_id=case.case_id,
                    step=step.key,
                    channel=channel,
                    invoice_ids=tuple(i.invoice_id for i in claimed),
                    status="requested",
                    requested_at=self.now,
                )
            )
            keys.append(key)
        return keys

    def _fallbacks(self, case: Case, chased: list[TrackedInvoice]) -> None:
        """A notification notify could not deliver for good goes on the next usable channel."""
        used: dict[str, set[str]] = {}
        for n in (*self.s.notifications, *self.out.new_notifications):
            used.setdefault(n.step, set()).add(n.channel.value)
        chased_ids = {i.invoice_id for i in chased}
        for n in self.s.notifications:
            if n.status != "failed" or n.fallback_done:
                continue
            if not any(i in chased_ids for i in n.invoice_ids) or not self.s.policy.has_step(
                n.step
            ):
                # nothing it was about is chased any more, or a plan's reminder (no fallback)
                self.out.settled[n.dedup_key] = "failed"
                continue
            channels, _ = channels_for_step([n.channel], self.s.reach, used=used[n.step])
            if not channels:
                self._new_task(
                    case,
                    TaskKind.NO_USABLE_CONTACT,
                    step=n.step,
                    note=f"no usable contact after {n.channel.value} failed for step {n.step}: "
                    "find one",
                )
                self.out.settled[n.dedup_key] = "failed"
                continue
            verdict = earliest_lawful(
                self.now,
                rules=self.s.rules,
                time_zone=self.zone,
                country=self.s.profile.country,
                history=self.s.history,
                messages=len(channels),
            )
            if not verdict.allowed_now:
                case.defer(step=n.step, until=verdict.at, reasons=verdict.reasons, now=self.now)
                self.out.wake(verdict.at)
                continue
            step = self.s.policy.step(n.step)
            claimed = [i for i in chased if i.invoice_id in n.invoice_ids]
            also = [i for i in chased if i.invoice_id not in n.invoice_ids]
            anchor = min(i.due_date for i in chased)
            keys = self._request(
                case, step, channels, claimed, also, anchor, self.s.policy.index_of(n.step)
            )
            used[n.step].update(c.value for c in channels)
            self.out.settled[n.dedup_key] = "failed"
            case.note(
                self.now,
                "fallback",
                f"{n.channel.value} failed for step {n.step}: sent on "
                f"{', '.join(c.value for c in channels)} instead",
                step=n.step,
                commands=keys,
            )

    # -- tasks and arrangements ------------------------------------------------------------
    def _new_task(self, case: Case, kind: TaskKind, *, step: str | None, note: str) -> Task:
        due = self.today
        if kind is TaskKind.CALL:
            # Due on the first day the guard allows a call (cap, gap, days after a conversation).
            verdict = earliest_lawful(
                self.now,
                rules=self.s.rules,
                time_zone=self.zone,
                country=self.s.profile.country,
                history=self.s.history,
                call=True,
            )
            due = local_day(verdict.at, self.zone)
        task = Task(
            tenant_id=case.tenant_id,
            task_id=self.s.new_task_id(),
            case_id=case.case_id,
            debtor_id=case.debtor_id,
            kind=kind,
            due_on=due,
            created_at=self.now,
            step=step,
            note=note[:1000],
        )
        case.add_task(task, now=self.now)
        self.out.new_tasks.append(task)
        return task

    def _review_arrangement(self, case: Case) -> None:
        """Close what fell due: a promise past its grace days is broken, an offer past its
        date lapses; a plan announces its installments, reminds, completes or defaults."""
        arrangement = self.s.arrangement
        terms = self.s.policy.arrangements
        if isinstance(arrangement, Promise):
            if arrangement.open and self.today > arrangement.last_day:
                break_promise(
                    case,
                    arrangement,
                    today=self.today,
                    now=self.now,
                    escalate_to=self.s.policy.broken_promise_index(),
                )
                self.out.arrangement = arrangement
        elif isinstance(arrangement, Settlement):
            if (
                arrangement.status is SettlementStatus.OFFERED
                and self.today > arrangement.expires_on
            ):
                reason = LapseReason.UNDERPAID if arrangement.paid_minor else LapseReason.EXPIRED
                lapse_settlement(case, arrangement, today=self.today, now=self.now, reason=reason)
                self.out.arrangement = arrangement
        elif isinstance(arrangement, Plan) and arrangement.running:
            self.out.arrangement = arrangement
            next_day = review_plan(
                case,
                arrangement,
                today=self.today,
                now=self.now,
                missed_limit=terms.plan_missed_limit,
            )
            if arrangement.running:
                self._plan_reminders(case, arrangement, terms.plan_reminder_days)
                if next_day is not None:
                    self.out.wake(local_start(next_day, self.s.rules, self.zone))

    def _plan_reminders(self, case: Case, plan: Plan, days_before: int) -> None:
        """Remind ``days_before`` each installment not yet covered, through the guard; a
        reminder the guard holds past the due date is not sent."""
        for installment in plan.installments:
            if installment.number in plan.reminded or plan.covered(installment.number):
                continue
            remind_on = installment.due_on - timedelta(days=days_before)
            if self.today < remind_on:
                self.out.wake(local_start(remind_on, self.s.rules, self.zone))
                return
            if self.today > installment.due_on:
                plan.reminded = (*plan.reminded, installment.number)
                continue
            self._plan_reminder(case, plan, installment)
            return

    def _plan_reminder(self, case: Case, plan: Plan, installment: PlannedInstallment) -> None:
        channels, _ = channels_for_step([NotificationChannel.EMAIL], self.s.reach)
        if not channels:
            plan.reminded = (*plan.reminded, installment.number)
            return
        deadline = local_start(installment.due_on + timedelta(days=1), self.s.rules, self.zone)
        verdict = earliest_lawful(
            self.now,
            rules=self.s.rules,
            time_zone=self.zone,
            country=self.s.profile.country,
            history=self.s.history,
            messages=len(channels),
        )
        key = plan.reminder_key(installment)
        if not verdict.allowed_now:
            if verdict.at < deadline:
                case.defer(step=key, until=verdict.at, reasons=verdict.reasons, now=self.now)
                self.out.wake(verdict.at)
            else:
                plan.reminded = (*plan.reminded, installment.number)
                case.note(
                    self.now,
                    "reminder_skipped",
                    f"installment {installment.number}'s reminder would reach the debtor only "
                    f"after its due date: {'; '.join(verdict.reasons)}",
                    step=key,
                )
            return
        plan.reminded = (*plan.reminded, installment.number)
        invoices = [i for i in self.s.invoices if i.invoice_id in plan.invoice_ids and i.is_open]
        for channel in channels:
            dedup = notification_dedup_key(case.case_id, key, channel)
            case.emit(
                NotificationRequested(
                    dedup_key=dedup,
                    case_id=case.case_id,
                    debtor_id=case.debtor_id,
                    step=key,
                    channel=channel,
                    template_key="reminder.pre_due",
                    tone=Tone.FRIENDLY,
                    locale=self.s.profile.language,
                    invoice_ids=tuple(i.invoice_id for i in invoices)[:MAX_INVOICES_NAMED]
                    or plan.invoice_ids[:MAX_INVOICES_NAMED],
                    contact_rules=self.s.rules.in_force(self.s.profile.country),
                    requested_at=self.now,
                    expires_at=deadline,
                )
            )
            self.out.new_notifications.append(
                Notification(
                    dedup_key=dedup,
                    case_id=case.case_id,
                    step=key,
                    channel=channel,
                    invoice_ids=plan.invoice_ids,
                    status="requested",
                    requested_at=self.now,
                )
            )
        case.note(
            self.now,
            "plan_reminder",
            f"reminder of installment {installment.number} "
            f"({installment.amount_minor} minor units due {installment.due_on}) requested",
            step=key,
            plan_id=plan.plan_id,
        )

    def _hand_off(self, case: Case, step: Step, chased: list[TrackedInvoice]) -> None:
        open_invoices = self._case_invoices(case, open_only=True)
        totals: dict[str, int] = {}
        for i in open_invoices:
            totals[i.currency] = totals.get(i.currency, 0) + i.open_minor
        attempts = self.s.history.attempts
        summary = CaseFileSummary(
            invoice_ids=tuple(i.invoice_id for i in open_invoices)[:MAX_INVOICES_NAMED],
            outstanding=tuple(Money(amount_minor=v, currency=c) for c, v in sorted(totals.items()))[
                :20
            ],
            opened_on=local_day(case.opened_at, self.zone),
            steps_executed=case.stage,
            contact_attempts=len(attempts),
            last_contact_at=max(attempts) if attempts else None,
            promises_broken=case.promises_broken,
            plans_defaulted=case.plans_defaulted,
            disputes=sum(1 for i in open_invoices if i.disputed),
            summary=f"Handed off after {case.stage} steps of policy {case.policy_id} "
            f"v{case.policy_version}; {len(chased)} invoices chased, unpaid.",
        )
        self._cancel_all(case, CancelReason.SUPERSEDED)
        case.hand_off(
            partner=step.partner or HandOffPartner.AGENCY,
            partner_name=step.partner_name or "collection agency",
            summary=summary,
            case_file={},
            now=self.now,
        )
        self.out.hand_off = True


__all__ = ["CaseStatus", "Notification", "Outcome", "Situation", "request_id", "run_ladder"]
