"""Collection cases and what happens in them (escalation-svc owns cases, steps, timers,
promises, payment plans, settlements, tasks and the tenant's contact rules).

Every payload here is scoped to a case (or a plan within one) and carries that aggregate's
``version`` after the change: order holds within a topic, not across topics, so a consumer
(analytics-svc's read models) ignores a version it has already passed. Money is
:class:`~debtflow_shared.catalog.money.Money`, dates the debtor's business dates, instants
aware UTC. Amounts here are escalation's own facts (what was promised, planned, offered);
what is owed stays invoice-svc's (``invoice.*``, ``payment.*``).
"""

from __future__ import annotations

from enum import StrEnum
from itertools import pairwise
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from debtflow_shared.catalog.common import (
    MAX_NAMED_INVOICES,
    ONE_LINE,
    BusinessDate,
    EntityId,
    Name,
    Reason,
    Version,
)
from debtflow_shared.catalog.examples import showing
from debtflow_shared.catalog.instants import UtcInstant
from debtflow_shared.catalog.money import Money, NonNegativeMoney, PositiveMoney
from debtflow_shared.catalog.registry import EventPayload, event

Key = Annotated[
    str,
    Field(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9._-]*$"),
    ONE_LINE,
]
"""A stable, machine-readable key (a policy step, a template, an A/B variant): lower-case
letters, digits, ``.``, ``_`` and ``-``, starting with a letter or digit."""
StepKey = Annotated[Key, Field(examples=["plus-7-firmer-reminder"])]
"""A dunning policy's step, stable across the policy's versions (``plus-7-firmer-reminder``)."""
VariantKey = Annotated[Key, Field(examples=["b"])]
"""The A/B variant of the policy the case was assigned to (``a``, ``b``, ``control``)."""
Actor = Annotated[
    str,
    Field(min_length=1, max_length=200, examples=["collector:jane.doe", "escalation-svc"]),
    ONE_LINE,
]
"""Who did it: a collector (``collector:<token subject>``) or the service itself."""
InvoiceIds = Annotated[
    tuple[EntityId, ...],
    Field(min_length=1, max_length=MAX_NAMED_INVOICES, description="the invoices concerned"),
]
MAX_INSTALLMENTS = 120
"""The most installments one payment plan has (ten years of monthly payments)."""


class CaseTrigger(StrEnum):
    """Why a case was opened."""

    INVOICE_DUE_SOON = "invoice_due_soon"
    INVOICE_OVERDUE = "invoice_overdue"
    PAYMENT_REVERSED = "payment_reversed"
    MANUAL = "manual"


@event("case.opened", producer="escalation-svc")
class CaseOpened(EventPayload):
    """A collection case was opened for a debtor's invoices under a dunning policy."""

    model_config = showing(
        {
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 1,
            "trigger": "invoice_overdue",
            "invoice_ids": ["inv-2026-0042"],
            "policy_id": "default-b2b",
            "policy_version": 3,
            "variant": "b",
            "opened_at": "2026-03-02T09:00:00Z",
        }
    )

    case_id: EntityId
    debtor_id: EntityId
    version: Version
    trigger: CaseTrigger
    invoice_ids: InvoiceIds
    policy_id: Key = Field(description="the dunning policy the case follows")
    policy_version: int = Field(ge=1, description="the policy's version when the case opened")
    variant: VariantKey | None = Field(default=None, description="the A/B variant, if any")
    opened_at: UtcInstant


class StepAction(StrEnum):
    """What a dunning step does."""

    NOTIFY = "notify"
    """sends ``notification.requested`` (email, SMS, letter, webhook)"""
    CALL_TASK = "call_task"
    """creates a collector's call task"""
    CHARGE = "charge"
    """sends ``charge.requested`` (late fee, interest, compensation)"""
    CREDIT_HOLD = "credit_hold"
    """sends ``credit_hold.requested``"""
    HAND_OFF = "hand_off"
    """hands the case to an agency or a lawyer"""


class StepInputs(BaseModel):
    """What made the step fire: the facts escalation read, so every decision is explained."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    business_date: BusinessDate = Field(description="the debtor-local day the step ran for")
    days_past_due: int = Field(
        ge=-365, le=36500, description="days since the oldest due date (negative: before it)"
    )
    invoice_ids: InvoiceIds
    risk_segment: Annotated[str, Field(max_length=50), ONE_LINE] | None = Field(
        default=None, description="the debtor.risk_scored segment in force, if any"
    )
    risk_model_version: Annotated[str, Field(max_length=100), ONE_LINE] | None = None
    conditions: tuple[Annotated[str, Field(min_length=1, max_length=300), ONE_LINE], ...] = Field(
        default=(),
        max_length=20,
        description="the policy conditions that held, in words (at most 20)",
    )


@event("escalation.step_executed", producer="escalation-svc")
class EscalationStepExecuted(EventPayload):
    """A dunning step ran: which policy, which step, what it did, and why it fired."""

    model_config = showing(
        {
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 4,
            "policy_id": "default-b2b",
            "policy_version": 3,
            "step": "plus-7-firmer-reminder",
            "action": "notify",
            "variant": "b",
            "inputs": {
                "business_date": "2026-03-09",
                "days_past_due": 7,
                "invoice_ids": ["inv-2026-0042"],
                "risk_segment": "medium_risk",
                "risk_model_version": "ptp-2026.02",
                "conditions": ["7 days past due", "no promise or plan in force"],
            },
            "commands": ["ntf-3050d4b4b7e6fd0f15dc823df0767660"],
            "executed_at": "2026-03-09T08:00:00Z",
        }
    )

    case_id: EntityId
    debtor_id: EntityId
    version: Version
    policy_id: Key
    policy_version: int = Field(ge=1)
    step: StepKey
    action: StepAction
    variant: VariantKey | None = None
    inputs: StepInputs
    commands: tuple[Annotated[str, Field(min_length=1, max_length=100), ONE_LINE], ...] = Field(
        default=(),
        max_length=20,
        description="dedup keys and request ids of the commands the step sent",
    )
    executed_at: UtcInstant


class PauseReason(StrEnum):
    """Why a case's ladder stopped for now."""

    DISPUTE = "dispute"
    PROMISE = "promise"
    PLAN = "plan"
    SETTLEMENT = "settlement"
    CONTACT_RESTRICTED = "contact_restricted"
    NO_USABLE_CONTACT = "no_usable_contact"
    MANUAL = "manual"


@event("case.paused", producer="escalation-svc")
class CasePaused(EventPayload):
    """The case's ladder is paused (a dispute, a promise, a plan, a collector's decision)."""

    model_config = showing(
        {
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 5,
            "reason": "promise",
            "reference_id": "prm-19c2",
            "paused_until": "2026-03-23",
            "note": None,
            "paused_at": "2026-03-10T14:12:00Z",
        }
    )

    case_id: EntityId
    debtor_id: EntityId
    version: Version
    reason: PauseReason
    reference_id: EntityId | None = Field(
        default=None, description="the promise, plan, settlement or dispute that paused it"
    )
    paused_until: BusinessDate | None = Field(
        default=None, description="when it resumes by itself (a promise: its date + grace)"
    )
    note: Reason | None = None
    paused_at: UtcInstant


@event("case.resumed", producer="escalation-svc")
class CaseResumed(EventPayload):
    """The case's ladder runs again: the pause named by ``pause_reason`` ended."""

    model_config = showing(
        {
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 6,
            "pause_reason": "promise",
            "note": "promise prm-19c2 broken: nothing paid by 2026-03-23",
            "resumed_at": "2026-03-24T00:00:00Z",
        }
    )

    case_id: EntityId
    debtor_id: EntityId
    version: Version
    pause_reason: PauseReason = Field(description="the pause that ended")
    note: Reason | None = None
    resumed_at: UtcInstant


class CaseOutcome(StrEnum):
    """How a case ended (``paid`` is what the cure rate counts)."""

    PAID = "paid"
    SETTLED = "settled"
    CREDITED = "credited"
    WRITTEN_OFF = "written_off"
    CANCELLED = "cancelled"


@event("case.resolved", producer="escalation-svc")
class CaseResolved(EventPayload):
    """The case is closed: nothing of it is collected any more."""

    model_config = showing(
        {
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 9,
            "outcome": "paid",
            "note": None,
            "resolved_at": "2026-04-02T10:31:00Z",
        }
    )

    case_id: EntityId
    debtor_id: EntityId
    version: Version
    outcome: CaseOutcome
    note: Reason | None = None
    resolved_at: UtcInstant


class HandOffPartner(StrEnum):
    AGENCY = "agency"
    LAWYER = "lawyer"


class CaseFileSummary(BaseModel):
    """What an agency or lawyer receives with the case: the debt and its history."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    invoice_ids: InvoiceIds
    outstanding: tuple[Money, ...] = Field(
        min_length=1, max_length=20, description="what is owed at hand-off, one per currency"
    )
    opened_on: BusinessDate
    steps_executed: int = Field(ge=0)
    contact_attempts: int = Field(ge=0, description="notifications sent and calls made")
    last_contact_at: UtcInstant | None = None
    promises_broken: int = Field(ge=0)
    plans_defaulted: int = Field(ge=0)
    disputes: int = Field(ge=0, description="disputes raised on the case's invoices")
    summary: Reason = Field(description="the collector's account of the case, in words")


@event("case.handed_off", producer="escalation-svc")
class CaseHandedOff(EventPayload):
    """The case went to a collection agency or a lawyer, with its case file."""

    model_config = showing(
        {
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 12,
            "partner": "agency",
            "partner_name": "Northern Recoveries Ltd",
            "case_file": {
                "invoice_ids": ["inv-2026-0042"],
                "outstanding": [{"amount_minor": 132000, "currency": "GBP"}],
                "opened_on": "2026-03-02",
                "steps_executed": 7,
                "contact_attempts": 9,
                "last_contact_at": "2026-04-16T09:05:00Z",
                "promises_broken": 1,
                "plans_defaulted": 0,
                "disputes": 0,
                "summary": "Promised full payment by 20 March, paid nothing; no answer since.",
            },
            "handed_off_at": "2026-05-01T08:00:00Z",
        }
    )

    case_id: EntityId
    debtor_id: EntityId
    version: Version
    partner: HandOffPartner
    partner_name: Name
    case_file: CaseFileSummary
    handed_off_at: UtcInstant


# -- promises to pay -------------------------------------------------------------------------


class PromiseChannel(StrEnum):
    """How the debtor made the promise."""

    PHONE = "phone"
    EMAIL = "email"
    PORTAL = "portal"
    LETTER = "letter"


@event("promise.made", producer="escalation-svc")
class PromiseMade(EventPayload):
    """The debtor promised to pay an amount by a date: the ladder pauses until then + grace."""

    model_config = showing(
        {
            "promise_id": "prm-19c2",
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 5,
            "invoice_ids": ["inv-2026-0042"],
            "amount": {"amount_minor": 120000, "currency": "GBP"},
            "promised_on": "2026-03-20",
            "grace_days": 3,
            "channel": "phone",
            "recorded_by": "collector:jane.doe",
            "made_at": "2026-03-10T14:12:00Z",
        }
    )

    promise_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the case's version after the change")
    invoice_ids: InvoiceIds
    amount: PositiveMoney
    promised_on: BusinessDate = Field(description="the debtor-local day it is to be paid by")
    grace_days: int = Field(ge=0, le=30, description="days after it before it counts broken")
    channel: PromiseChannel
    recorded_by: Actor
    made_at: UtcInstant


@event("promise.kept", producer="escalation-svc")
class PromiseKept(EventPayload):
    """What was promised arrived in time (within the grace days)."""

    model_config = showing(
        {
            "promise_id": "prm-19c2",
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 7,
            "paid": {"amount_minor": 120000, "currency": "GBP"},
            "payment_ids": ["pay-5521"],
            "kept_on": "2026-03-19",
        }
    )

    promise_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the case's version after the change")
    paid: PositiveMoney = Field(description="what arrived toward the promise")
    payment_ids: tuple[EntityId, ...] = Field(min_length=1, max_length=MAX_NAMED_INVOICES)
    kept_on: BusinessDate


@event("promise.broken", producer="escalation-svc")
class PromiseBroken(EventPayload):
    """The promised date plus grace passed without the promised amount: the ladder resumes."""

    model_config = showing(
        {
            "promise_id": "prm-19c2",
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 6,
            "promised_on": "2026-03-20",
            "paid": {"amount_minor": 0, "currency": "GBP"},
            "shortfall": {"amount_minor": 120000, "currency": "GBP"},
            "broken_on": "2026-03-24",
        }
    )

    promise_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the case's version after the change")
    promised_on: BusinessDate
    paid: NonNegativeMoney = Field(description="what arrived toward it in time")
    shortfall: PositiveMoney
    broken_on: BusinessDate


# -- payment plans ---------------------------------------------------------------------------


class Installment(BaseModel):
    """One installment of a payment plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int = Field(ge=1, le=MAX_INSTALLMENTS)
    due_on: BusinessDate
    amount: PositiveMoney


_PLAN_ID = "plan-0a81"


@event("plan.created", producer="escalation-svc")
class PlanCreated(EventPayload):
    """A payment plan replaces the ladder while it is honoured.

    Installments are numbered 1..n, fall due in order, share one currency and add up to
    ``total``.
    """

    model_config = showing(
        {
            "plan_id": _PLAN_ID,
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 1,
            "invoice_ids": ["inv-2026-0042"],
            "total": {"amount_minor": 132000, "currency": "GBP"},
            "installments": [
                {
                    "number": 1,
                    "due_on": "2026-04-01",
                    "amount": {"amount_minor": 44000, "currency": "GBP"},
                },
                {
                    "number": 2,
                    "due_on": "2026-05-01",
                    "amount": {"amount_minor": 44000, "currency": "GBP"},
                },
                {
                    "number": 3,
                    "due_on": "2026-06-01",
                    "amount": {"amount_minor": 44000, "currency": "GBP"},
                },
            ],
            "grace_days": 5,
            "agreed_by": "collector:jane.doe",
            "created_at": "2026-03-25T11:00:00Z",
        }
    )

    plan_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the plan's version")
    invoice_ids: InvoiceIds
    total: PositiveMoney
    installments: tuple[Installment, ...] = Field(min_length=1, max_length=MAX_INSTALLMENTS)
    grace_days: int = Field(ge=0, le=30, description="days after a due date before it is missed")
    agreed_by: Actor
    created_at: UtcInstant

    @model_validator(mode="after")
    def _installments_add_up(self) -> PlanCreated:
        numbers = [installment.number for installment in self.installments]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("installments are numbered 1, 2, 3, ... in order")
        dates = [installment.due_on for installment in self.installments]
        if any(later <= earlier for earlier, later in pairwise(dates)):
            raise ValueError("installments fall due one after another, on different days")
        if any(i.amount.currency != self.total.currency for i in self.installments):
            raise ValueError("installments are in the plan's currency")
        if sum(i.amount.amount_minor for i in self.installments) != self.total.amount_minor:
            raise ValueError("installments add up to the plan's total")
        return self


@event("plan.installment_due", producer="escalation-svc")
class PlanInstallmentDue(EventPayload):
    """A plan's installment falls due (today, in the debtor's time zone)."""

    model_config = showing(
        {
            "plan_id": _PLAN_ID,
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 2,
            "installment": {
                "number": 1,
                "due_on": "2026-04-01",
                "amount": {"amount_minor": 44000, "currency": "GBP"},
            },
        }
    )

    plan_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the plan's version")
    installment: Installment


@event("plan.installment_missed", producer="escalation-svc")
class PlanInstallmentMissed(EventPayload):
    """An installment was not paid in full by its due date plus the plan's grace days."""

    model_config = showing(
        {
            "plan_id": _PLAN_ID,
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 4,
            "installment": {
                "number": 2,
                "due_on": "2026-05-01",
                "amount": {"amount_minor": 44000, "currency": "GBP"},
            },
            "paid": {"amount_minor": 10000, "currency": "GBP"},
            "shortfall": {"amount_minor": 34000, "currency": "GBP"},
            "missed_on": "2026-05-07",
        }
    )

    plan_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the plan's version")
    installment: Installment
    paid: NonNegativeMoney
    shortfall: PositiveMoney
    missed_on: BusinessDate


@event("plan.completed", producer="escalation-svc")
class PlanCompleted(EventPayload):
    """Every installment was paid: the plan is honoured."""

    model_config = showing(
        {
            "plan_id": _PLAN_ID,
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 7,
            "total_paid": {"amount_minor": 132000, "currency": "GBP"},
            "completed_on": "2026-06-01",
        }
    )

    plan_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the plan's version")
    total_paid: PositiveMoney
    completed_on: BusinessDate


@event("plan.defaulted", producer="escalation-svc")
class PlanDefaulted(EventPayload):
    """The plan failed (missed installments beyond what the policy tolerates): the ladder
    resumes where it stood."""

    model_config = showing(
        {
            "plan_id": _PLAN_ID,
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 5,
            "missed_installments": 2,
            "outstanding": {"amount_minor": 78000, "currency": "GBP"},
            "reason": "installments 2 and 3 missed",
            "defaulted_on": "2026-06-07",
        }
    )

    plan_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the plan's version")
    missed_installments: int = Field(ge=1, le=MAX_INSTALLMENTS)
    outstanding: PositiveMoney = Field(description="what the plan still had to collect")
    reason: Reason
    defaulted_on: BusinessDate


# -- settlements -----------------------------------------------------------------------------


@event("settlement.offered", producer="escalation-svc")
class SettlementOffered(EventPayload):
    """The creditor offered to settle the case for less than is owed, until a date."""

    model_config = showing(
        {
            "settlement_id": "stl-33d0",
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 10,
            "invoice_ids": ["inv-2026-0042"],
            "amount": {"amount_minor": 100000, "currency": "GBP"},
            "settles": {"amount_minor": 132000, "currency": "GBP"},
            "expires_on": "2026-04-30",
            "offered_by": "collector:jane.doe",
            "offered_at": "2026-04-16T09:05:00Z",
        }
    )

    settlement_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the case's version after the change")
    invoice_ids: InvoiceIds
    amount: PositiveMoney = Field(description="what the debtor pays to settle")
    settles: PositiveMoney = Field(description="the balance it settles (the rest is written off)")
    expires_on: BusinessDate
    offered_by: Actor
    offered_at: UtcInstant

    @model_validator(mode="after")
    def _less_than_it_settles(self) -> SettlementOffered:
        if self.amount.currency != self.settles.currency:
            raise ValueError("a settlement is in the currency of the balance it settles")
        if self.amount.amount_minor >= self.settles.amount_minor:
            raise ValueError("a settlement is for less than the balance it settles")
        return self


@event("settlement.accepted", producer="escalation-svc")
class SettlementAccepted(EventPayload):
    """The settlement amount was paid in time: the remainder is to be written off
    (escalation sends ``write_off.requested`` for it)."""

    model_config = showing(
        {
            "settlement_id": "stl-33d0",
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 11,
            "paid": {"amount_minor": 100000, "currency": "GBP"},
            "remainder": {"amount_minor": 32000, "currency": "GBP"},
            "accepted_on": "2026-04-28",
        }
    )

    settlement_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the case's version after the change")
    paid: PositiveMoney
    remainder: NonNegativeMoney = Field(description="what is to be written off")
    accepted_on: BusinessDate


class LapseReason(StrEnum):
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    UNDERPAID = "underpaid"


@event("settlement.lapsed", producer="escalation-svc")
class SettlementLapsed(EventPayload):
    """The settlement offer ended without being met: the whole balance is owed again."""

    model_config = showing(
        {
            "settlement_id": "stl-33d0",
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 11,
            "reason": "expired",
            "lapsed_on": "2026-05-01",
        }
    )

    settlement_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the case's version after the change")
    reason: LapseReason
    lapsed_on: BusinessDate


# -- collector tasks -------------------------------------------------------------------------


class TaskKind(StrEnum):
    CALL = "call"
    NO_USABLE_CONTACT = "no_usable_contact"
    REVIEW_DISPUTE = "review_dispute"
    APPROVE_HAND_OFF = "approve_hand_off"
    FOLLOW_UP = "follow_up"


@event("task.created", producer="escalation-svc")
class TaskCreated(EventPayload):
    """A collector has something to do on a case (call, find a contact, review, approve)."""

    model_config = showing(
        {
            "task_id": "tsk-61b7",
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 5,
            "kind": "call",
            "step": "plus-14-collector-call",
            "due_on": "2026-03-16",
            "assignee": None,
            "note": "Firmer reminder sent on 9 March, no reply.",
            "created_at": "2026-03-16T08:00:00Z",
        }
    )

    task_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the case's version after the change")
    kind: TaskKind
    step: StepKey | None = Field(default=None, description="the step that created it, if any")
    due_on: BusinessDate
    assignee: Actor | None = None
    note: Reason | None = None
    created_at: UtcInstant


class TaskOutcome(StrEnum):
    DONE = "done"
    PROMISE_RECORDED = "promise_recorded"
    DISPUTE_RECORDED = "dispute_recorded"
    NO_ANSWER = "no_answer"
    WRONG_CONTACT = "wrong_contact"
    CANCELLED = "cancelled"


@event("task.completed", producer="escalation-svc")
class TaskCompleted(EventPayload):
    """A collector finished a task (or it was cancelled); a call says whether it connected.

    A connected call counts as a contact attempt and, when it was a conversation about the
    debt, starts the 7 days without another call (Regulation F's model).
    """

    model_config = showing(
        {
            "task_id": "tsk-61b7",
            "case_id": "case-7f3a",
            "debtor_id": "d-1001",
            "version": 6,
            "outcome": "promise_recorded",
            "call_connected": True,
            "conversation_held": True,
            "completed_by": "collector:jane.doe",
            "note": "Will pay in full by 20 March.",
            "completed_at": "2026-03-10T14:12:00Z",
        }
    )

    task_id: EntityId
    case_id: EntityId
    debtor_id: EntityId
    version: Version = Field(description="the case's version after the change")
    outcome: TaskOutcome
    call_connected: bool | None = Field(default=None, description="calls only")
    conversation_held: bool | None = Field(
        default=None, description="calls only: the debt was discussed with the debtor"
    )
    completed_by: Actor
    note: Reason | None = None
    completed_at: UtcInstant
