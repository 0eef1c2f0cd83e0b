"""A payment plan: the balance split into installments that replace the ladder while the
plan is honoured (the case is paused for it, with no end date).

- the schedule: an optional down payment on the first date, then ``count`` equal
  installments (the first ones a minor unit larger when it does not divide), weekly,
  fortnightly or monthly (a month's day past its end is the month's last day);
- payments toward the plan's invoices pay the installments in order; one is *missed* when
  it is not covered ``grace_days`` after its due date (``plan.installment_missed``, once);
  a later payment catches it up;
- ``plan.defaulted`` when ``missed_limit`` installments are in arrears at once: the ladder
  resumes where it stood; ``plan.completed`` when the whole plan is paid;
- a reminder goes ``reminder_days`` before each installment, through the compliance guard
  (the ladder sends it: :mod:`ladder_run`).

Plan events carry the plan's own version.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from debtflow_shared.catalog.escalation import (
    MAX_INSTALLMENTS,
    Installment,
    PauseReason,
    PlanCompleted,
    PlanCreated,
    PlanDefaulted,
    PlanInstallmentDue,
    PlanInstallmentMissed,
)
from debtflow_shared.catalog.money import Money
from escalation_svc.domain.case import Case, Pause
from escalation_svc.domain.policy import PLAN_STEP_PREFIX
from escalation_svc.domain.promise import ArrangementInvalid


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class PlanStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    DEFAULTED = "defaulted"
    VOID = "void"
    """the case closed otherwise (credited, written off, cancelled)"""


class PlanNotFound(LookupError):
    pass


@dataclass(frozen=True)
class PlannedInstallment:
    number: int
    due_on: date
    amount_minor: int


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(
    *,
    total_minor: int,
    count: int,
    frequency: Frequency,
    first_on: date,
    down_payment_minor: int = 0,
) -> tuple[PlannedInstallment, ...]:
    """The installments of a plan; refuses one that cannot be paid as asked."""
    if not 1 <= count <= MAX_INSTALLMENTS - (1 if down_payment_minor else 0):
        raise ArrangementInvalid(
            f"count must be from 1 to {MAX_INSTALLMENTS} installments", field="count"
        )
    rest = total_minor - down_payment_minor
    if down_payment_minor < 0 or (down_payment_minor and rest <= 0):
        raise ArrangementInvalid(
            "a down payment is less than the balance the plan covers", field="down_payment"
        )
    if rest < count:
        raise ArrangementInvalid("each installment is at least one minor unit", field="count")
    amounts = [rest // count + (1 if i < rest % count else 0) for i in range(count)]
    if down_payment_minor:
        amounts.insert(0, down_payment_minor)
    days = []
    for index in range(len(amounts)):
        if frequency is Frequency.MONTHLY:
            days.append(_months_later(first_on, index))
        else:
            weeks = 1 if frequency is Frequency.WEEKLY else 2
            days.append(first_on + timedelta(weeks=weeks * index))
    return tuple(
        PlannedInstallment(number, due, amount)
        for number, (due, amount) in enumerate(zip(days, amounts, strict=True), start=1)
    )


@dataclass
class Plan:
    tenant_id: str
    plan_id: str
    case_id: str
    debtor_id: str
    invoice_ids: tuple[str, ...]
    currency: str
    installments: tuple[PlannedInstallment, ...]
    grace_days: int
    agreed_by: str
    created_at: datetime
    version: int = 1
    status: PlanStatus = PlanStatus.RUNNING
    paid_minor: int = 0
    payment_ids: tuple[str, ...] = ()
    announced_due: int = 0
    """the highest installment number announced due"""
    missed: tuple[int, ...] = ()
    """installments announced missed (caught up or not)"""
    reminded: tuple[int, ...] = ()
    closed_on: date | None = None

    @property
    def running(self) -> bool:
        return self.status is PlanStatus.RUNNING

    @property
    def total_minor(self) -> int:
        return sum(i.amount_minor for i in self.installments)

    def money(self, minor: int) -> Money:
        return Money(amount_minor=minor, currency=self.currency)

    def paid_toward(self, number: int) -> int:
        """What of the payments so far went to installment ``number`` (in order)."""
        before = sum(i.amount_minor for i in self.installments if i.number < number)
        amount = self.installments[number - 1].amount_minor
        return max(0, min(amount, self.paid_minor - before))

    def covered(self, number: int) -> bool:
        return self.paid_toward(number) >= self.installments[number - 1].amount_minor

    def last_day(self, installment: PlannedInstallment) -> date:
        return installment.due_on + timedelta(days=self.grace_days)

    def in_arrears(self) -> list[int]:
        return [n for n in self.missed if not self.covered(n)]

    def credit(self, payment_id: str, amount_minor: int) -> None:
        if payment_id not in self.payment_ids and amount_minor > 0:
            self.paid_minor += amount_minor
            self.payment_ids = (*self.payment_ids, payment_id)

    def catalog_installment(self, installment: PlannedInstallment) -> Installment:
        return Installment(
            number=installment.number,
            due_on=installment.due_on,
            amount=self.money(installment.amount_minor),
        )

    def reminder_key(self, installment: PlannedInstallment) -> str:
        return f"{PLAN_STEP_PREFIX}{installment.number}-reminder"

    def _bump(self) -> int:
        self.version += 1
        return self.version


def start_plan(case: Case, plan: Plan, *, now: datetime) -> None:
    """Pause the ladder for the plan, which replaces it while honoured (``plan.created``)."""
    case.pause(
        Pause(
            PauseReason.PLAN,
            reference_id=plan.plan_id,
            note=f"payment plan of {len(plan.installments)} installments",
            since=now,
        ),
        now=now,
    )
    case.emit(
        PlanCreated(
            plan_id=plan.plan_id,
            case_id=case.case_id,
            debtor_id=case.debtor_id,
            version=plan.version,
            invoice_ids=plan.invoice_ids,
            total=plan.money(plan.total_minor),
            installments=tuple(plan.catalog_installment(i) for i in plan.installments),
            grace_days=plan.grace_days,
            agreed_by=plan.agreed_by,
            created_at=now,
        )
    )


def review_plan(
    case: Case, plan: Plan, *, today: date, now: datetime, missed_limit: int
) -> date | None:
    """Announce installments due and missed, complete or default the plan; the next day
    something falls due for it (None: nothing more)."""
    if plan.running and plan.paid_minor >= plan.total_minor:
        _complete(case, plan, today=today, now=now)
        return None
    for installment in plan.installments:
        if installment.number > plan.announced_due and installment.due_on <= today:
            plan.announced_due = installment.number
            case.emit(
                PlanInstallmentDue(
                    plan_id=plan.plan_id,
                    case_id=case.case_id,
                    debtor_id=case.debtor_id,
                    version=plan._bump(),
                    installment=plan.catalog_installment(installment),
                )
            )
        if (
            installment.number not in plan.missed
            and plan.last_day(installment) < today
            and not plan.covered(installment.number)
        ):
            plan.missed = (*plan.missed, installment.number)
            paid = plan.paid_toward(installment.number)
            case.emit(
                PlanInstallmentMissed(
                    plan_id=plan.plan_id,
                    case_id=case.case_id,
                    debtor_id=case.debtor_id,
                    version=plan._bump(),
                    installment=plan.catalog_installment(installment),
                    paid=plan.money(paid),
                    shortfall=plan.money(installment.amount_minor - paid),
                    missed_on=today,
                )
            )
            case.note(
                now,
                "installment_missed",
                f"installment {installment.number} of plan {plan.plan_id} missed",
                plan_id=plan.plan_id,
            )
    arrears = plan.in_arrears()
    if len(arrears) >= missed_limit:
        _default(case, plan, arrears, today=today, now=now)
        return None
    upcoming = [
        day
        for i in plan.installments
        for day in (
            i.due_on if i.number > plan.announced_due else None,
            plan.last_day(i) + timedelta(days=1)
            if i.number not in plan.missed and not plan.covered(i.number)
            else None,
        )
        if day is not None and day > today
    ]
    return min(upcoming, default=None)


def credit_plan(
    case: Case, plan: Plan, payment_id: str, amount_minor: int, *, today: date, now: datetime
) -> None:
    plan.credit(payment_id, amount_minor)
    if plan.paid_minor >= plan.total_minor:
        _complete(case, plan, today=today, now=now)


def _complete(case: Case, plan: Plan, *, today: date, now: datetime) -> None:
    plan.status, plan.closed_on = PlanStatus.COMPLETED, today
    if case.active and any(p.reason is PauseReason.PLAN for p in case.pauses):
        case.resume(PauseReason.PLAN, now=now, note=f"plan {plan.plan_id} completed")
    case.emit(
        PlanCompleted(
            plan_id=plan.plan_id,
            case_id=case.case_id,
            debtor_id=case.debtor_id,
            version=plan._bump(),
            total_paid=plan.money(plan.paid_minor),
            completed_on=today,
        )
    )


def _default(case: Case, plan: Plan, arrears: list[int], *, today: date, now: datetime) -> None:
    plan.status, plan.closed_on = PlanStatus.DEFAULTED, today
    case.plans_defaulted += 1
    reason = f"installments {', '.join(map(str, arrears))} missed"
    case.resume(PauseReason.PLAN, now=now, note=f"plan {plan.plan_id} defaulted: {reason}")
    case.emit(
        PlanDefaulted(
            plan_id=plan.plan_id,
            case_id=case.case_id,
            debtor_id=case.debtor_id,
            version=plan._bump(),
            missed_installments=len(arrears),
            outstanding=plan.money(max(1, plan.total_minor - plan.paid_minor)),
            reason=reason,
            defaulted_on=today,
        )
    )
