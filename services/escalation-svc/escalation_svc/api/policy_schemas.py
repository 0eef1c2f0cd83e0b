"""Request and response bodies for /v1/policies."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
)

from debtflow_shared.catalog.common import Name
from debtflow_shared.catalog.escalation import HandOffPartner, Key, StepAction, StepKey
from debtflow_shared.catalog.escalation_commands import RequestedCharge
from debtflow_shared.catalog.notification import MAX_MIN_GAP_MINUTES, NotificationChannel, Tone
from debtflow_shared.http.pagination import Page
from escalation_svc.domain.compliance_guard import GuardRules
from escalation_svc.domain.policy import (
    MAX_OFFSET_DAYS,
    MAX_STEPS,
    MIN_OFFSET_DAYS,
    ArrangementTerms,
    Policy,
    Step,
)
from escalation_svc.service_layer.policies import PolicyDraft

_DEFAULTS = GuardRules()

EXAMPLE_STEPS: list[JsonValue] = [
    {
        "key": "minus-3-pre-due-reminder",
        "offset_days": -3,
        "action": "notify",
        "channels": ["email"],
        "template_key": "reminder.pre_due",
        "tone": "friendly",
    },
    {
        "key": "plus-21-final-notice",
        "offset_days": 21,
        "action": "notify",
        "channels": ["email", "letter"],
        "template_key": "notice.final",
        "tone": "final",
        "charges": ["compensation"],
    },
    {"key": "plus-30-credit-hold", "offset_days": 30, "action": "credit_hold"},
    {
        "key": "plus-60-hand-off",
        "offset_days": 60,
        "action": "hand_off",
        "partner": "agency",
        "partner_name": "Northern Recoveries Ltd",
    },
]


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: StepKey
    offset_days: StrictInt = Field(
        ge=MIN_OFFSET_DAYS,
        le=MAX_OFFSET_DAYS,
        description="days from the due date of the oldest invoice chased (negative: before)",
    )
    action: StepAction
    channels: list[NotificationChannel] = Field(default=[], max_length=4)
    template_key: Key | None = None
    tone: Tone | None = None
    charges: list[RequestedCharge] = Field(default=[], max_length=3)
    partner: HandOffPartner | None = None
    partner_name: Name | None = None

    def to_step(self) -> Step:
        return Step(
            key=self.key,
            offset_days=self.offset_days,
            action=self.action,
            channels=tuple(self.channels),
            template_key=self.template_key,
            tone=self.tone,
            charges=tuple(self.charges),
            partner=self.partner,
            partner_name=self.partner_name,
        )


LocalTime = Annotated[
    str,
    Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["08:00"]),
]
"""A debtor-local wall-clock time of day, ``HH:MM`` (no offset: the debtor's zone applies)."""


class RulesIn(BaseModel):
    """The compliance guard's rules for cases on this policy (defaults: PRODUCT.md's)."""

    model_config = ConfigDict(extra="forbid")

    local_from: LocalTime = Field(default=f"{_DEFAULTS.local_from:%H:%M}")
    local_until: LocalTime = Field(
        default=f"{_DEFAULTS.local_until:%H:%M}", description="contacts stop at this time"
    )
    weekends: StrictBool = Field(default=_DEFAULTS.weekends, description="contact on weekends")
    public_holidays: StrictBool = Field(
        default=_DEFAULTS.public_holidays,
        description="contact on the debtor country's public holidays",
    )
    max_attempts: StrictInt = Field(default=_DEFAULTS.max_attempts, ge=1, le=50)
    window_days: StrictInt = Field(default=_DEFAULTS.window_days, ge=1, le=60)
    min_gap_minutes: StrictInt = Field(
        default=_DEFAULTS.min_gap_minutes, ge=0, le=MAX_MIN_GAP_MINUTES
    )
    call_block_days: StrictInt = Field(default=_DEFAULTS.call_block_days, ge=0, le=60)
    count_unconnected_calls: StrictBool = _DEFAULTS.count_unconnected_calls

    @field_validator("local_until")
    @classmethod
    def _after_from(cls, value: str, info: ValidationInfo) -> str:
        start = info.data.get("local_from")
        if start is not None and value <= start:
            raise ValueError("local_until must be after local_from")
        return value

    def to_rules(self) -> GuardRules:
        values = self.model_dump()
        values["local_from"] = time.fromisoformat(self.local_from)
        values["local_until"] = time.fromisoformat(self.local_until)
        return GuardRules(**values)

    @classmethod
    def of(cls, rules: GuardRules) -> RulesIn:
        values = {k: getattr(rules, k) for k in cls.model_fields}
        values["local_from"] = f"{rules.local_from:%H:%M}"
        values["local_until"] = f"{rules.local_until:%H:%M}"
        return cls(**values)


_TERMS = ArrangementTerms()


class ArrangementsIn(BaseModel):
    """What cases on this policy allow for promises, plans and settlements."""

    model_config = ConfigDict(extra="forbid")

    promise_grace_days: StrictInt = Field(
        default=_TERMS.promise_grace_days,
        ge=0,
        le=30,
        description="days after a promised date before the promise counts broken",
    )
    broken_promise_step: StepKey | None = Field(
        default=_TERMS.broken_promise_step,
        description="the step a broken promise resumes at, at once (null, or passed "
        "already: the case's next step, at once)",
    )
    plan_grace_days: StrictInt = Field(default=_TERMS.plan_grace_days, ge=0, le=30)
    plan_missed_limit: StrictInt = Field(
        default=_TERMS.plan_missed_limit,
        ge=1,
        le=12,
        description="installments in arrears at once that default a plan",
    )
    plan_reminder_days: StrictInt = Field(
        default=_TERMS.plan_reminder_days,
        ge=0,
        le=30,
        description="days before each installment its reminder goes",
    )
    settlement_max_discount_percent: StrictInt = Field(
        default=_TERMS.settlement_max_discount_percent,
        ge=0,
        le=100,
        description="the most a settlement may forgive, in percent of the balance it settles",
    )
    settlement_max_days: StrictInt = Field(
        default=_TERMS.settlement_max_days,
        ge=1,
        le=365,
        description="the longest a settlement offer stays open",
    )

    def to_terms(self) -> ArrangementTerms:
        return ArrangementTerms(**self.model_dump())

    @classmethod
    def of(cls, terms: ArrangementTerms) -> ArrangementsIn:
        return cls(**asdict(terms))


class PolicyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "Key accounts", "steps": EXAMPLE_STEPS}]},
    )

    name: Name
    steps: list[StepIn] = Field(min_length=1, max_length=MAX_STEPS)
    rules: RulesIn = Field(default_factory=RulesIn)
    arrangements: ArrangementsIn = Field(default_factory=ArrangementsIn)

    def to_draft(self) -> PolicyDraft:
        return PolicyDraft(
            name=self.name,
            steps=tuple(s.to_step() for s in self.steps),
            rules=self.rules.to_rules(),
            arrangements=self.arrangements.to_terms(),
        )


class PolicyCreateIn(PolicyIn):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"policy_id": "key-accounts", "name": "Key accounts", "steps": EXAMPLE_STEPS}
            ]
        },
    )

    policy_id: Key


class StepOut(BaseModel):
    key: str
    offset_days: int
    action: StepAction
    channels: list[NotificationChannel]
    template_key: str | None
    tone: Tone | None
    charges: list[RequestedCharge]
    partner: HandOffPartner | None
    partner_name: str | None


class PolicyOut(BaseModel):
    policy_id: str
    version: int
    name: str
    steps: list[StepOut]
    rules: RulesIn
    arrangements: ArrangementsIn
    shipped: bool = Field(description="the shipped default, not yet revised by the tenant")
    created_at: datetime | None

    @classmethod
    def of(cls, policy: Policy) -> PolicyOut:
        return cls(
            policy_id=policy.policy_id,
            version=policy.version,
            name=policy.name,
            steps=[
                StepOut(
                    key=s.key,
                    offset_days=s.offset_days,
                    action=s.action,
                    channels=list(s.channels),
                    template_key=s.template_key,
                    tone=s.tone,
                    charges=list(s.charges),
                    partner=s.partner,
                    partner_name=s.partner_name,
                )
                for s in policy.steps
            ],
            rules=RulesIn.of(policy.rules),
            arrangements=ArrangementsIn.of(policy.arrangements),
            shipped=policy.shipped,
            created_at=policy.created_at,
        )


class PolicyPage(Page[PolicyOut]):
    pass


class ValidationOut(BaseModel):
    valid: bool
