"""Response bodies of /v1/notifications and /v1/suppressions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from debtflow_shared.catalog.common import ONE_LINE, EntityId, Reason
from debtflow_shared.catalog.notification import ContactRules, NotificationChannel, Tone
from debtflow_shared.http.pagination import Page
from notify_svc.domain.notification import Attempt, AttemptOutcome, Notification, Status
from notify_svc.domain.suppression import Suppression, SuppressionReason


class AttemptOut(BaseModel):
    number: int
    address: str
    started_at: datetime
    ended_at: datetime | None
    outcome: AttemptOutcome
    detail: str | None

    @classmethod
    def of(cls, attempt: Attempt) -> AttemptOut:
        return cls(
            number=attempt.number,
            address=attempt.address,
            started_at=attempt.started_at,
            ended_at=attempt.ended_at,
            outcome=attempt.outcome,
            detail=attempt.detail,
        )


class ShownInvoiceOut(BaseModel):
    invoice_id: str
    number: str
    due_date: str
    amount_minor: int
    currency: str


class RenderedOut(BaseModel):
    address: str
    subject: str
    html: str
    text: str
    template_key: str
    template_version: int
    invoices: list[ShownInvoiceOut]
    statement_attached: bool


class NotificationOut(BaseModel):
    id: str
    dedup_key: str
    case_id: str
    debtor_id: str
    step: str
    channel: NotificationChannel
    template_key: str
    tone: Tone
    variant: str | None
    locale: str
    invoice_ids: list[str]
    contact_rules: ContactRules
    requested_at: datetime
    expires_at: datetime | None
    status: Status
    status_reason: str | None = Field(description="why it waits, was cancelled or failed")
    waiting_for: str | None = Field(
        description="what a deferral waits for that notify lacks (no_creditor_profile, ...)"
    )
    next_attempt_at: datetime | None
    message_id: str | None
    sent_at: datetime | None
    rendered: RenderedOut | None = Field(description="what was (or is being) sent")
    attempts: list[AttemptOut]

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        rendered = None
        if n.rendered is not None:
            r = n.rendered
            rendered = RenderedOut(
                address=r.address,
                subject=r.subject,
                html=r.html,
                text=r.text,
                template_key=r.template_key,
                template_version=r.template_version,
                invoices=[ShownInvoiceOut(**line.__dict__) for line in r.shown],
                statement_attached=r.attach_statement,
            )
        return cls(
            id=n.id,
            dedup_key=n.dedup_key,
            case_id=n.case_id,
            debtor_id=n.debtor_id,
            step=n.step,
            channel=n.channel,
            template_key=n.template_key,
            tone=n.tone,
            variant=n.variant,
            locale=n.locale,
            invoice_ids=list(n.invoice_ids),
            contact_rules=n.contact_rules,
            requested_at=n.requested_at,
            expires_at=n.expires_at,
            status=n.status,
            status_reason=n.status_reason,
            waiting_for=n.waiting_for,
            next_attempt_at=n.next_attempt_at,
            message_id=n.message_id,
            sent_at=n.sent_at,
            rendered=rendered,
            attempts=[AttemptOut.of(a) for a in n.attempts],
        )


class NotificationPage(Page[NotificationOut]):
    pass


class SuppressionIn(BaseModel):
    """An address the debtor asked never to be used again (recorded by a collector)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "channel": "email",
                    "address": "ap@acme.example",
                    "debtor_id": "d-1001",
                    "detail": "asked on the phone to stop emails",
                }
            ]
        },
    )

    channel: NotificationChannel
    address: Annotated[str, Field(min_length=3, max_length=320), ONE_LINE]
    debtor_id: EntityId | None = None
    detail: Reason


class SuppressionOut(BaseModel):
    channel: str
    address: str
    reason: SuppressionReason
    detail: str
    debtor_id: str | None
    suppressed_at: datetime

    @classmethod
    def of(cls, s: Suppression) -> SuppressionOut:
        return cls(
            channel=s.channel,
            address=s.address,
            reason=s.reason,
            detail=s.detail,
            debtor_id=s.debtor_id,
            suppressed_at=s.suppressed_at,
        )


class SuppressionPage(Page[SuppressionOut]):
    pass
