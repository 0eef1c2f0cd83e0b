"""Request and response bodies for /v1/cases and contact restrictions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from debtflow_shared.catalog.common import Reason
from debtflow_shared.catalog.debtor import Channel
from debtflow_shared.catalog.escalation import CaseOutcome, CaseTrigger, Key, PauseReason
from debtflow_shared.catalog.instants import UtcInstant
from debtflow_shared.catalog.money import Money
from debtflow_shared.http.pagination import Page
from escalation_svc.domain.case import Case, CaseStatus, TimelineEntry
from escalation_svc.domain.contact_restriction import Restriction, RestrictionKind
from escalation_svc.domain.tracked_invoice import TrackedInvoice


class PauseOut(BaseModel):
    reason: PauseReason
    reference_id: str | None
    until: date | None
    note: str | None


class CaseInvoiceOut(BaseModel):
    invoice_id: str
    number: str
    due_date: date
    open_balance: Money
    status: str


class CaseOut(BaseModel):
    case_id: str
    debtor_id: str
    status: CaseStatus
    trigger: CaseTrigger
    policy_id: str
    policy_version: int
    stage: str | None = Field(description="the last step executed (null: none yet)")
    next_step_index: int
    version: int
    opened_at: datetime
    resolved_at: datetime | None
    outcome: CaseOutcome | None
    pauses: list[PauseOut]
    deferred_step: str | None
    deferred_until: datetime | None
    awaiting_charges_for: str | None = Field(
        description="a notice step waiting for its charges to be answered"
    )
    promises_broken: int = Field(description="promises to pay broken on this case")
    plans_defaulted: int = Field(description="payment plans defaulted on this case")
    invoices: list[CaseInvoiceOut] | None = Field(
        default=None, description="on a single case's read: its invoices"
    )

    @classmethod
    def of(cls, case: Case, invoices: list[TrackedInvoice] | None = None) -> CaseOut:
        return cls(
            case_id=case.case_id,
            debtor_id=case.debtor_id,
            status=case.status,
            trigger=case.trigger,
            policy_id=case.policy_id,
            policy_version=case.policy_version,
            stage=case.stage_name,
            next_step_index=case.stage,
            version=case.version,
            opened_at=case.opened_at,
            resolved_at=case.resolved_at,
            outcome=case.outcome,
            pauses=[
                PauseOut(reason=p.reason, reference_id=p.reference_id, until=p.until, note=p.note)
                for p in case.pauses
            ],
            deferred_step=case.deferred_step,
            deferred_until=case.deferred_until,
            awaiting_charges_for=case.awaiting.step if case.awaiting else None,
            promises_broken=case.promises_broken,
            plans_defaulted=case.plans_defaulted,
            invoices=None
            if invoices is None
            else [
                CaseInvoiceOut(
                    invoice_id=i.invoice_id,
                    number=i.number,
                    due_date=i.due_date,
                    open_balance=Money(amount_minor=i.open_minor, currency=i.currency),
                    status=i.status.value,
                )
                for i in invoices
            ],
        )


class CasePage(Page[CaseOut]):
    pass


class TimelineEntryOut(BaseModel):
    id: int
    at: datetime
    kind: str = Field(examples=["step_executed", "contact_deferred", "payment_received"])
    summary: str
    step: str | None
    policy_version: int | None
    details: dict[str, Any] = Field(
        description="the inputs behind it: balance, days overdue, guard result, commands"
    )

    @classmethod
    def of(cls, entry_id: int, entry: TimelineEntry) -> TimelineEntryOut:
        return cls(
            id=entry_id,
            at=entry.at,
            kind=entry.kind,
            summary=entry.summary,
            step=entry.step,
            policy_version=entry.policy_version,
            details=entry.details,
        )


class TimelinePage(Page[TimelineEntryOut]):
    pass


class PauseIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"note": "Debtor's finance director on leave until 14th"}]},
    )

    note: Reason | None = None


class MovePolicyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"policy_id": "default", "version": 2}]},
    )

    policy_id: Key
    version: StrictInt = Field(ge=1, le=1_000_000)


class RestrictionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "cease_contact",
                    "channel": None,
                    "reason": "The debtor's solicitor asked that all contact go through them.",
                },
                {"kind": "do_not_contact", "channel": "sms", "reason": "Shared phone."},
            ]
        },
    )

    kind: RestrictionKind = Field(description="do_not_contact or cease_contact")
    channel: Channel | None = Field(default=None, description="null: every channel")
    reason: Reason
    until: UtcInstant | None = Field(default=None, description="null: until lifted")


class RestrictionOut(BaseModel):
    debtor_id: str
    channel: str = Field(description="'*': every channel")
    kind: RestrictionKind
    reason: str
    recorded_by: str
    effective_at: datetime
    until: datetime | None

    @classmethod
    def of(cls, r: Restriction) -> RestrictionOut:
        return cls(
            debtor_id=r.debtor_id,
            channel=r.channel,
            kind=RestrictionKind(r.kind),
            reason=r.reason,
            recorded_by=r.recorded_by,
            effective_at=r.effective_at,
            until=r.until,
        )


class RestrictionList(BaseModel):
    items: list[RestrictionOut]
