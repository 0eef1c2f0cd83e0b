"""A notification: one message escalation asked for, from request to its outcome.

States, recorded before and after every external call::

    requested ──► sending ──► sent
        │  ▲         │
        ▼  │         ├──► deferred (transient failure: retried later) ──► sending ...
     deferred        └──► failed (permanent, or retries exhausted)
        │
        └──► cancelled (escalation cancelled it, or the send-time check found nothing to send)

``requested`` and ``deferred`` wait for ``next_attempt_at``; ``deferred`` also says why
(outside the debtor's hours, no creditor profile yet, a retry after SMTP 451...). A row in
``sending`` whose lease ran out was interrupted (a crash): it is checked and sent again,
with the same Message-ID (see ``service_layer/dispatcher.py`` for the one crash window in
which that can repeat a message).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from debtflow_shared.aggregate import EventRecorder
from debtflow_shared.catalog.notification import ContactRules, NotificationChannel, Tone


class Status(StrEnum):
    REQUESTED = "requested"
    DEFERRED = "deferred"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


WAITING = frozenset({Status.REQUESTED, Status.DEFERRED})
FINAL = frozenset({Status.SENT, Status.FAILED, Status.CANCELLED})


class AttemptOutcome(StrEnum):
    SENDING = "sending"
    """started, no answer recorded yet"""
    SENT = "sent"
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    INTERRUPTED = "interrupted"
    """the process stopped while sending; the next attempt re-checks and sends again"""


@dataclass
class Attempt:
    number: int
    started_at: datetime
    address: str
    outcome: AttemptOutcome = AttemptOutcome.SENDING
    ended_at: datetime | None = None
    detail: str | None = None


@dataclass(frozen=True)
class ShownLine:
    """An invoice as a message stated it."""

    invoice_id: str
    number: str
    due_date: str
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class Rendered:
    address: str
    subject: str
    html: str
    text: str
    template_key: str
    template_version: int
    shown: tuple[ShownLine, ...]
    attach_statement: bool = False


@dataclass
class Notification(EventRecorder):
    id: str
    tenant_id: str
    dedup_key: str
    case_id: str
    debtor_id: str
    step: str
    channel: NotificationChannel
    template_key: str
    tone: Tone
    variant: str | None
    locale: str
    invoice_ids: tuple[str, ...]
    contact_rules: ContactRules
    requested_at: datetime
    expires_at: datetime | None
    status: Status
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime
    status_reason: str | None = None
    waiting_for: str | None = None
    """what a deferral waits for that notify cannot resolve yet (a FailureReason value)"""
    message_id: str | None = None
    rendered: Rendered | None = None
    sent_at: datetime | None = None
    provider_message_id: str | None = None
    attempts: list[Attempt] = field(default_factory=list)
    also_outstanding_ids: tuple[str, ...] = ()
    """the case's other invoices still owed: named, not claimed by this step"""
    lease_until: datetime | None = None
    """machine time until which a ``sending`` notification is its sender's"""

    @property
    def provider_attempts(self) -> int:
        return len(self.attempts)

    def defer(
        self, until: datetime, reason: str, now: datetime, *, waiting_for: str | None = None
    ) -> None:
        self.status = Status.DEFERRED
        self.next_attempt_at = until
        self.status_reason = reason
        self.waiting_for = waiting_for
        self.updated_at = now

    def cancel(self, reason: str, now: datetime) -> None:
        self.status = Status.CANCELLED
        self.next_attempt_at = None
        self.status_reason = reason
        self.updated_at = now

    def fail(self, reason: str, now: datetime) -> None:
        self.status = Status.FAILED
        self.next_attempt_at = None
        self.status_reason = reason
        self.updated_at = now

    def close_interrupted(self, now: datetime) -> None:
        """Close an attempt whose sender stopped before recording its outcome."""
        for attempt in self.attempts:
            if attempt.outcome is AttemptOutcome.SENDING:
                attempt.outcome = AttemptOutcome.INTERRUPTED
                attempt.ended_at = now
                attempt.detail = "the process stopped while sending; checked again"

    def start_sending(self, rendered: Rendered, message_id: str, now: datetime) -> Attempt:
        """Mark ``sending`` and open an attempt; an interrupted one is closed as such."""
        self.close_interrupted(now)
        self.status = Status.SENDING
        self.waiting_for = None
        self.rendered = rendered
        self.message_id = message_id
        self.next_attempt_at = None
        self.status_reason = None
        self.updated_at = now
        attempt = Attempt(number=len(self.attempts) + 1, started_at=now, address=rendered.address)
        self.attempts.append(attempt)
        return attempt

    def current_attempt(self) -> Attempt:
        if not self.attempts or self.attempts[-1].outcome is not AttemptOutcome.SENDING:
            raise ValueError(f"notification {self.id} has no attempt in progress")
        return self.attempts[-1]

    def mark_sent(self, provider_message_id: str, now: datetime) -> None:
        attempt = self.current_attempt()
        attempt.outcome, attempt.ended_at = AttemptOutcome.SENT, now
        self.status = Status.SENT
        self.sent_at = now
        self.provider_message_id = provider_message_id
        self.updated_at = now

    def attempt_failed(self, outcome: AttemptOutcome, detail: str, now: datetime) -> None:
        attempt = self.current_attempt()
        attempt.outcome, attempt.ended_at, attempt.detail = outcome, now, detail
