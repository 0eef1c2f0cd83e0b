"""Notifications: escalation-svc's commands to notify-svc, and what notify-svc reports back.

Who knows what:

- ``notification.requested`` carries what only escalation knows: which case and step, the
  channel, template, tone, A/B variant and locale, the invoices it is about, and the
  **contact rules in force** for this debtor, so notify's send-time re-check applies the
  tenant's rules, not defaults. It carries **no amounts and no addresses**: notify keeps its
  own copies of debtors (``debtor.upserted``), the creditor profile
  (``creditor.profile_updated``) and invoices (``invoice.*``, ``payment.*``), resolves them at
  send time (so nothing stale is sent, and nothing after payment), and defers, visibly, what
  it cannot resolve yet (no creditor profile, no usable address).
- ``notification.sent`` carries what was actually rendered and sent. Escalation counts contact
  attempts toward the frequency cap from it (and from calls), never from its own requests.
- ``notification.failed`` and ``notification.bounced`` tell escalation a contact is unusable;
  ``contact.opted_out`` that the debtor withdrew a channel. Notify suppresses opted-out and
  hard-bounced addresses itself: an ERP re-sending the debtor never clears them.

One notification is named by its :func:`notification_dedup_key` throughout: notify sends a key
once, however often it is requested, and every outcome names it.
"""

from __future__ import annotations

import hashlib
from datetime import time
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from debtflow_shared.catalog.common import (
    MAX_NAMED_INVOICES,
    ONE_LINE,
    SEVERAL_LINES,
    BusinessDate,
    CountryCode,
    DocumentNumber,
    EntityId,
    LanguageTag,
    Reason,
    Version,
)
from debtflow_shared.catalog.debtor import Channel
from debtflow_shared.catalog.escalation import Actor, InvoiceIds, Key, StepKey, VariantKey
from debtflow_shared.catalog.examples import showing
from debtflow_shared.catalog.instants import UtcInstant
from debtflow_shared.catalog.money import Money
from debtflow_shared.catalog.registry import EventPayload, event


class NotificationChannel(StrEnum):
    """The channels notify-svc sends on (a phone call is a collector's task, not a message)."""

    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"
    WEBHOOK = "webhook"


DedupKey = Annotated[
    str,
    Field(
        pattern=r"^ntf-[0-9a-f]{32}$",
        description="notification_dedup_key(case_id, step, channel)",
        examples=["ntf-3050d4b4b7e6fd0f15dc823df0767660"],
    ),
]


def notification_dedup_key(case_id: str, step: str, channel: NotificationChannel | str) -> str:
    """The dedup key of the notification a case's step sends on a channel.

    Deterministic: the same case, step and channel give the same key, in every process and
    on every retry, so a re-executed step can never send twice. The parts are joined by a
    unit separator (a control character no id may contain) and hashed, so no two different
    triples share a key, whatever characters the ids hold.
    """
    channel_value = channel.value if isinstance(channel, NotificationChannel) else channel
    joined = "\x1f".join((case_id, step, channel_value))
    return "ntf-" + hashlib.sha256(joined.encode()).hexdigest()[:32]


SHIPPED_TEMPLATE_KEYS: frozenset[str] = frozenset(
    {
        "reminder.pre_due",
        "reminder.friendly",
        "reminder.firm",
        "notice.final",
        "letter.before_action",
    }
)
"""The templates notify-svc ships for every tenant (the default ladder's messages): a
dunning policy may name them before the tenant has written any of its own."""


class Tone(StrEnum):
    """How firm the message is (templates exist per tone)."""

    FRIENDLY = "friendly"
    FIRM = "firm"
    FINAL = "final"
    FORMAL = "formal"
    """a letter before action"""


MAX_MIN_GAP_MINUTES = 30 * 24 * 60


class ContactRules(BaseModel):
    """The contact rules in force for the debtor when the notification was requested.

    Every rule is stated (none defaults), so notify applies the tenant's rules, never its own.
    Hours are the debtor's local wall-clock time, in the time zone of notify's copy of the
    debtor; a message may go out from ``local_from`` up to, not including, ``local_until``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    local_from: time = Field(description="earliest local time of day, e.g. 08:00")
    local_until: time = Field(description="local time of day from which not, e.g. 21:00")
    weekends: bool = Field(description="whether Saturday and Sunday are allowed")
    holidays_country: CountryCode | None = Field(
        description="whose public holidays are not allowed (null: holidays are allowed)"
    )
    min_gap_minutes: int = Field(
        ge=0,
        le=MAX_MIN_GAP_MINUTES,
        description="the least time after the debtor's previous message sent, in minutes",
    )

    @field_validator("local_from", "local_until")
    @classmethod
    def _local_wall_clock(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("a local time of day has no offset (the debtor's zone applies)")
        return value

    @model_validator(mode="after")
    def _a_window_within_one_day(self) -> ContactRules:
        if self.local_from >= self.local_until:
            raise ValueError("local_from must be before local_until")
        return self


_CASE = "case-7f3a"
_STEP = "plus-7-firmer-reminder"
_KEY = notification_dedup_key(_CASE, _STEP, NotificationChannel.EMAIL)


@event("notification.requested", producer="escalation-svc")
class NotificationRequested(EventPayload):
    """Command to notify-svc: send this step's message on this channel, under these rules.

    No amounts, no addresses: notify resolves them from its own copies at send time, and
    defers, visibly, what it cannot resolve yet. ``dedup_key`` must be
    ``notification_dedup_key(case_id, step, channel)``; a request whose ``expires_at`` passes
    before it could be sent ends as ``notification.failed`` (``expired``).
    """

    model_config = showing(
        {
            "dedup_key": _KEY,
            "case_id": _CASE,
            "debtor_id": "d-1001",
            "step": _STEP,
            "channel": "email",
            "template_key": "reminder.firm",
            "tone": "firm",
            "variant": "b",
            "locale": "en-GB",
            "invoice_ids": ["inv-2026-0042"],
            "contact_rules": {
                "local_from": "08:00:00",
                "local_until": "21:00:00",
                "weekends": False,
                "holidays_country": "GB",
                "min_gap_minutes": 1440,
            },
            "requested_at": "2026-03-09T08:00:00Z",
            "expires_at": "2026-03-16T08:00:00Z",
        }
    )

    dedup_key: DedupKey
    case_id: EntityId
    debtor_id: EntityId
    step: StepKey
    channel: NotificationChannel
    template_key: Key = Field(examples=["reminder.firm"])
    tone: Tone
    variant: VariantKey | None = None
    locale: LanguageTag = Field(examples=["en-GB"])
    invoice_ids: InvoiceIds
    also_outstanding_invoice_ids: tuple[EntityId, ...] = Field(
        default=(),
        max_length=MAX_NAMED_INVOICES,
        description="the case's other invoices still owed: named as also outstanding, but "
        "not claimed by this step (they have not reached its offset themselves)",
    )
    contact_rules: ContactRules
    requested_at: UtcInstant
    expires_at: UtcInstant | None = Field(
        default=None, description="not sent after this instant (null: until cancelled)"
    )

    @model_validator(mode="after")
    def _key_names_case_step_and_channel(self) -> NotificationRequested:
        if self.dedup_key != notification_dedup_key(self.case_id, self.step, self.channel):
            raise ValueError("dedup_key must be notification_dedup_key(case_id, step, channel)")
        if self.expires_at is not None and self.expires_at <= self.requested_at:
            raise ValueError("expires_at must be after requested_at")
        return self


class CancelReason(StrEnum):
    PAID = "paid"
    DISPUTED = "disputed"
    PAUSED = "paused"
    CASE_RESOLVED = "case_resolved"
    CONTACT_RESTRICTED = "contact_restricted"
    SUPERSEDED = "superseded"
    MANUAL = "manual"


@event("notification.cancelled", producer="escalation-svc")
class NotificationCancelled(EventPayload):
    """Command to notify-svc: do not send that notification if it has not gone yet.

    A notification already sent stays sent (its ``notification.sent`` stands); a cancel for a
    key notify has not seen yet is kept, so the request arriving later is not sent.
    """

    model_config = showing(
        {
            "dedup_key": _KEY,
            "case_id": _CASE,
            "debtor_id": "d-1001",
            "reason": "paid",
            "cancelled_at": "2026-03-09T08:03:00Z",
        }
    )

    dedup_key: DedupKey
    case_id: EntityId
    debtor_id: EntityId
    reason: CancelReason
    cancelled_at: UtcInstant


ContactAddress = Annotated[
    str,
    Field(min_length=1, max_length=2000, examples=["accounts@example.co.uk"]),
    SEVERAL_LINES,
]
"""Where a message went: an email address, an E.164 number, a postal address (several lines)
or a webhook URL."""
ProviderMessageId = Annotated[str, Field(min_length=1, max_length=300), ONE_LINE]
Provider = Annotated[str, Field(min_length=1, max_length=50, examples=["smtp"]), ONE_LINE]


class ShownInvoice(BaseModel):
    """An invoice as the message showed it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    invoice_id: EntityId
    number: DocumentNumber
    due_date: BusinessDate
    amount_shown: Money = Field(description="the open balance the message stated")


@event("notification.sent", producer="notify-svc")
class NotificationSent(EventPayload):
    """A message was rendered and handed to its provider: exactly what the debtor was sent.

    Escalation counts one contact attempt per ``notification.sent``.
    """

    model_config = showing(
        {
            "dedup_key": _KEY,
            "case_id": _CASE,
            "debtor_id": "d-1001",
            "channel": "email",
            "address": "accounts@example.co.uk",
            "subject": "Invoice INV-2026-0042 is 7 days overdue",
            "template_key": "reminder.firm",
            "template_version": 2,
            "variant": "b",
            "locale": "en-GB",
            "invoices": [
                {
                    "invoice_id": "inv-2026-0042",
                    "number": "INV-2026-0042",
                    "due_date": "2026-03-02",
                    "amount_shown": {"amount_minor": 132000, "currency": "GBP"},
                }
            ],
            "provider": "smtp",
            "provider_message_id": "<20260309080412.4b9e@mail.example.com>",
            "sent_at": "2026-03-09T08:04:12Z",
        }
    )

    dedup_key: DedupKey
    case_id: EntityId
    debtor_id: EntityId
    channel: NotificationChannel
    address: ContactAddress
    subject: Annotated[str, Field(min_length=1, max_length=300), ONE_LINE] | None = Field(
        default=None, description="email and letter; null for SMS and webhooks"
    )
    template_key: Key
    template_version: int = Field(ge=1)
    variant: VariantKey | None = None
    locale: LanguageTag
    invoices: tuple[ShownInvoice, ...] = Field(min_length=1, max_length=MAX_NAMED_INVOICES)
    provider: Provider
    provider_message_id: ProviderMessageId
    sent_at: UtcInstant


@event("notification.delivered", producer="notify-svc")
class NotificationDelivered(EventPayload):
    """The provider confirmed delivery (mail server accepted, SMS handset, letter posted)."""

    model_config = showing(
        {
            "dedup_key": _KEY,
            "case_id": _CASE,
            "debtor_id": "d-1001",
            "channel": "email",
            "provider_message_id": "<20260309080412.4b9e@mail.example.com>",
            "delivered_at": "2026-03-09T08:04:15Z",
        }
    )

    dedup_key: DedupKey
    case_id: EntityId
    debtor_id: EntityId
    channel: NotificationChannel
    provider_message_id: ProviderMessageId
    delivered_at: UtcInstant


class FailureKind(StrEnum):
    TRANSIENT_EXHAUSTED = "transient_exhausted"
    """retried with backoff until the attempts ran out"""
    PERMANENT = "permanent"
    """retrying cannot help"""


class FailureReason(StrEnum):
    """Why a notification was not sent (or not accepted by its provider)."""

    NO_USABLE_ADDRESS = "no_usable_address"
    ADDRESS_SUPPRESSED = "address_suppressed"
    """opted out or hard-bounced"""
    CONTACT_RESTRICTED = "contact_restricted"
    NO_CREDITOR_PROFILE = "no_creditor_profile"
    NOTHING_OWED = "nothing_owed"
    """every invoice named was paid, credited or closed by send time"""
    EXPIRED = "expired"
    """the request's ``expires_at`` passed before a lawful moment to send it"""
    RENDER_FAILED = "render_failed"
    PROVIDER_REJECTED = "provider_rejected"
    PROVIDER_UNAVAILABLE = "provider_unavailable"


@event("notification.failed", producer="notify-svc")
class NotificationFailed(EventPayload):
    """The notification will not be sent: escalation may fall back to another channel or open
    a "no usable contact" task."""

    model_config = showing(
        {
            "dedup_key": _KEY,
            "case_id": _CASE,
            "debtor_id": "d-1001",
            "channel": "email",
            "failure": "transient_exhausted",
            "reason_code": "provider_unavailable",
            "reason": "SMTP 451 from mail.example.com on each of 8 attempts",
            "address": "accounts@example.co.uk",
            "attempts": 8,
            "failed_at": "2026-03-10T08:04:12Z",
        }
    )

    dedup_key: DedupKey
    case_id: EntityId
    debtor_id: EntityId
    channel: NotificationChannel
    failure: FailureKind
    reason_code: FailureReason
    reason: Reason = Field(description="the details, in words")
    address: ContactAddress | None = Field(default=None, description="null if none was resolved")
    attempts: int = Field(ge=0, le=1000, description="provider attempts made (0: none)")
    failed_at: UtcInstant


class BounceKind(StrEnum):
    HARD = "hard"
    """the address does not exist or refuses for good: notify suppresses it"""
    SOFT = "soft"
    """full mailbox, handset off: the address stays usable"""


@event("notification.bounced", producer="notify-svc")
class NotificationBounced(EventPayload):
    """A sent message bounced. A hard bounce makes the address unusable: notify suppresses it
    (``suppressed``), and escalation stops choosing it."""

    model_config = showing(
        {
            "dedup_key": _KEY,
            "case_id": _CASE,
            "debtor_id": "d-1001",
            "channel": "email",
            "address": "accounts@example.co.uk",
            "bounce": "hard",
            "reason": "550 5.1.1 mailbox unknown",
            "provider_message_id": "<20260309080412.4b9e@mail.example.com>",
            "suppressed": True,
            "bounced_at": "2026-03-09T08:05:01Z",
        }
    )

    dedup_key: DedupKey
    case_id: EntityId
    debtor_id: EntityId
    channel: NotificationChannel
    address: ContactAddress
    bounce: BounceKind
    reason: Reason
    provider_message_id: ProviderMessageId
    suppressed: bool = Field(description="notify will not send to the address again")
    bounced_at: UtcInstant

    @model_validator(mode="after")
    def _hard_bounces_suppress(self) -> NotificationBounced:
        if self.bounce is BounceKind.HARD and not self.suppressed:
            raise ValueError("a hard bounce always suppresses the address")
        return self


class OptOutSource(StrEnum):
    UNSUBSCRIBE_LINK = "unsubscribe_link"
    SMS_STOP_REPLY = "sms_stop_reply"
    PROVIDER_COMPLAINT = "provider_complaint"
    """a spam complaint the provider reported"""
    DEBTOR_REQUEST = "debtor_request"
    """the debtor asked a collector or wrote in"""


@event("contact.opted_out", producer="notify-svc")
class ContactOptedOut(EventPayload):
    """The debtor opted out of a channel at an address; honoured at once and kept by notify
    (an ERP re-sending the debtor never clears it). Escalation stops using the channel."""

    model_config = showing(
        {
            "debtor_id": "d-1001",
            "channel": "sms",
            "address": "+447700900123",
            "source": "sms_stop_reply",
            "dedup_key": _KEY,
            "opted_out_at": "2026-03-09T10:17:00Z",
        }
    )

    debtor_id: EntityId
    channel: Channel
    address: ContactAddress
    source: OptOutSource
    dedup_key: DedupKey | None = Field(default=None, description="the message it answered")
    opted_out_at: UtcInstant


class RestrictionKind(StrEnum):
    DO_NOT_CONTACT = "do_not_contact"
    """no contact at all on the channel (or any channel)"""
    CEASE_CONTACT = "cease_contact"
    """the debtor asked to stop: only notices the law requires may still go"""


@event("contact.restricted", producer="escalation-svc")
class ContactRestricted(EventPayload):
    """Escalation's own do-not-contact or cease-contact decision for a debtor or a channel.

    ``channel`` null means every channel. Notify applies it at send time too (a request
    already queued is not sent). ``version`` is the debtor's contact-rule record's, so a stale
    decision is ignored.
    """

    model_config = showing(
        {
            "debtor_id": "d-1001",
            "version": 2,
            "restriction": "cease_contact",
            "channel": None,
            "reason": "Debtor's solicitor wrote asking that all contact go through them.",
            "recorded_by": "collector:jane.doe",
            "effective_at": "2026-03-11T09:00:00Z",
            "until": None,
        }
    )

    debtor_id: EntityId
    version: Version
    restriction: RestrictionKind
    channel: Channel | None = Field(default=None, description="null: every channel")
    reason: Reason
    recorded_by: Actor
    effective_at: UtcInstant
    until: UtcInstant | None = Field(default=None, description="null: until lifted")
