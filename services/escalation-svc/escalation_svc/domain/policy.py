"""Dunning policies: a named, versioned ladder of steps timed in days from a due date.

A step's ``offset_days`` counts from the due date of the oldest invoice the case chases
(negative: before it). Steps at the same offset form one rung and run together. Saving a
policy checks it whole (:func:`validate_steps`); each refusal names the step and the field
(``steps[2].template_key``). A running case keeps the version it started on.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from debtflow_shared.catalog.escalation import HandOffPartner, StepAction, TaskKind
from debtflow_shared.catalog.escalation_commands import RequestedCharge
from debtflow_shared.catalog.notification import (
    SHIPPED_TEMPLATE_KEYS,
    NotificationChannel,
    Tone,
)
from escalation_svc.domain.compliance_guard import GuardRules

DEFAULT_POLICY_ID = "default"
MIN_OFFSET_DAYS = -90
MAX_OFFSET_DAYS = 3650
MAX_STEPS = 30
PLAN_STEP_PREFIX = "plan-installment-"
"""Step keys of payment plans' reminders (``plan-installment-2-reminder``)."""


class PolicyInvalid(ValueError):
    """A policy that cannot be saved; ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class PolicyNotFound(LookupError):
    pass


class PolicyExists(ValueError):
    field = "policy_id"


class DefaultPolicyIsPermanent(ValueError):
    field = "policy_id"


@dataclass(frozen=True)
class Step:
    """One rung's action. What it needs depends on ``action``:

    - notify: a message on each of ``channels`` (one the debtor cannot be reached on falls
      back to the debtor's next usable channel, :mod:`contact_channels`), ``template_key``,
      ``tone``; ``charges`` first requests those charges and sends the message once
      invoice-svc has answered them (the letter then states what was actually charged)
    - charge: ``charges`` (late fee, interest, compensation)
    - call_task: a collector's call (on the timeline until the task queue exists)
    - credit_hold: ``credit_hold.requested``
    - hand_off: ``partner`` and ``partner_name``; it must be the last step
    """

    key: str
    offset_days: int
    action: StepAction
    channels: tuple[NotificationChannel, ...] = ()
    template_key: str | None = None
    tone: Tone | None = None
    charges: tuple[RequestedCharge, ...] = ()
    partner: HandOffPartner | None = None
    partner_name: str | None = None
    task_kind: TaskKind = TaskKind.CALL

    @property
    def contacts_debtor(self) -> bool:
        return self.action is StepAction.NOTIFY


@dataclass(frozen=True)
class ArrangementTerms:
    """What the policy allows and does for promises, plans and settlements."""

    promise_grace_days: int = 3
    """days after a promised date before the promise counts broken"""
    broken_promise_step: str | None = None
    """the step a broken promise resumes at, at once (None, or passed already: the case's
    next step, at once)"""
    plan_grace_days: int = 5
    plan_missed_limit: int = 2
    """installments in arrears at once that default a plan"""
    plan_reminder_days: int = 3
    """days before each installment its reminder goes"""
    settlement_max_discount_percent: int = 20
    """the most a settlement may forgive, as a percentage of the balance it settles"""
    settlement_max_days: int = 30
    """the longest a settlement offer stays open"""


@dataclass(frozen=True)
class Policy:
    tenant_id: str
    policy_id: str
    version: int
    name: str
    steps: tuple[Step, ...]
    rules: GuardRules = field(default_factory=GuardRules)
    arrangements: ArrangementTerms = field(default_factory=ArrangementTerms)
    created_at: datetime | None = None
    archived: bool = False
    shipped: bool = field(default=False, compare=False)

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)

    def index_of(self, key: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.key == key)

    def has_step(self, key: str) -> bool:
        return any(s.key == key for s in self.steps)

    def broken_promise_index(self) -> int | None:
        key = self.arrangements.broken_promise_step
        return self.index_of(key) if key is not None and self.has_step(key) else None


def validate_steps(
    steps: Sequence[Step], *, known_templates: Collection[str] = SHIPPED_TEMPLATE_KEYS
) -> None:
    """Refuse a ladder that cannot run as written (the first fault, naming its field)."""
    if not steps:
        raise PolicyInvalid("a policy needs at least one step", field="steps")
    if len(steps) > MAX_STEPS:
        raise PolicyInvalid(f"a policy has at most {MAX_STEPS} steps", field="steps")
    seen: set[str] = set()
    for index, step in enumerate(steps):
        where = f"steps[{index}]"
        if step.key.startswith(PLAN_STEP_PREFIX):
            raise PolicyInvalid(
                f"step keys starting {PLAN_STEP_PREFIX!r} are plan reminders'",
                field=f"{where}.key",
            )
        if step.key in seen:
            raise PolicyInvalid(f"step key {step.key!r} is used twice", field=f"{where}.key")
        seen.add(step.key)
        if not MIN_OFFSET_DAYS <= step.offset_days <= MAX_OFFSET_DAYS:
            raise PolicyInvalid(
                f"offset_days must be from {MIN_OFFSET_DAYS} to {MAX_OFFSET_DAYS}",
                field=f"{where}.offset_days",
            )
        if index and step.offset_days < steps[index - 1].offset_days:
            raise PolicyInvalid(
                f"offsets must not decrease: {step.offset_days} after "
                f"{steps[index - 1].offset_days}",
                field=f"{where}.offset_days",
            )
        _validate_action(step, where, known_templates)
        if step.action is StepAction.HAND_OFF and index != len(steps) - 1:
            raise PolicyInvalid("hand-off ends the ladder: it must be the last step", field=where)


def _validate_action(step: Step, where: str, known_templates: Collection[str]) -> None:
    if step.action is StepAction.NOTIFY:
        if not step.channels:
            raise PolicyInvalid("a notify step needs a channel", field=f"{where}.channels")
        if len(set(step.channels)) != len(step.channels):
            raise PolicyInvalid("a channel is named twice", field=f"{where}.channels")
        if step.template_key is None:
            raise PolicyInvalid("a notify step needs a template", field=f"{where}.template_key")
        if step.template_key not in known_templates:
            raise PolicyInvalid(
                f"no template {step.template_key!r}: name one of "
                f"{', '.join(sorted(known_templates))}",
                field=f"{where}.template_key",
            )
        if step.tone is None:
            raise PolicyInvalid("a notify step needs a tone", field=f"{where}.tone")
    elif step.action is StepAction.CHARGE and not step.charges:
        raise PolicyInvalid("a charge step needs a charge kind", field=f"{where}.charges")
    elif step.action is StepAction.HAND_OFF and (step.partner is None or not step.partner_name):
        raise PolicyInvalid(
            "a hand-off step names its partner and partner_name", field=f"{where}.partner_name"
        )
    if step.action not in {StepAction.NOTIFY, StepAction.CHARGE} and step.charges:
        raise PolicyInvalid("only notify and charge steps claim charges", field=f"{where}.charges")
    if len(set(step.charges)) != len(step.charges):
        raise PolicyInvalid("a charge kind is named twice", field=f"{where}.charges")


_EMAIL, _SMS, _LETTER = (
    NotificationChannel.EMAIL,
    NotificationChannel.SMS,
    NotificationChannel.LETTER,
)

DEFAULT_STEPS: tuple[Step, ...] = (
    Step(
        "minus-3-pre-due-reminder",
        -3,
        StepAction.NOTIFY,
        channels=(_EMAIL,),
        template_key="reminder.pre_due",
        tone=Tone.FRIENDLY,
    ),
    Step(
        "plus-1-friendly-reminder",
        1,
        StepAction.NOTIFY,
        channels=(_EMAIL,),
        template_key="reminder.friendly",
        tone=Tone.FRIENDLY,
    ),
    Step(
        "plus-7-firmer-reminder",
        7,
        StepAction.NOTIFY,
        channels=(_EMAIL, _SMS),
        template_key="reminder.firm",
        tone=Tone.FIRM,
    ),
    Step("plus-14-collector-call", 14, StepAction.CALL_TASK),
    Step(
        "plus-21-final-notice",
        21,
        StepAction.NOTIFY,
        channels=(_EMAIL, _LETTER),
        template_key="notice.final",
        tone=Tone.FINAL,
        charges=(RequestedCharge.COMPENSATION,),
    ),
    Step(
        "plus-30-late-fee-and-interest",
        30,
        StepAction.CHARGE,
        charges=(RequestedCharge.LATE_FEE, RequestedCharge.INTEREST),
    ),
    Step("plus-30-credit-hold", 30, StepAction.CREDIT_HOLD),
    Step(
        "plus-45-letter-before-action",
        45,
        StepAction.NOTIFY,
        channels=(_LETTER,),
        template_key="letter.before_action",
        tone=Tone.FORMAL,
    ),
    Step(
        "plus-60-hand-off",
        60,
        StepAction.HAND_OFF,
        partner=HandOffPartner.AGENCY,
        partner_name="Collection agency (configure in the policy)",
    ),
)
"""PRODUCT.md's default ladder: every tenant's policy ``default`` until it saves its own."""


def shipped_default(tenant_id: str) -> Policy:
    return Policy(
        tenant_id=tenant_id,
        policy_id=DEFAULT_POLICY_ID,
        version=1,
        name="Default B2B ladder",
        steps=DEFAULT_STEPS,
        arrangements=ArrangementTerms(broken_promise_step="plus-21-final-notice"),
        shipped=True,
    )
