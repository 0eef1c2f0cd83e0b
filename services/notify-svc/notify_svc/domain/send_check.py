"""The check made in the transaction that marks a notification ``sending``.

From notify's own copies, at that moment: is there still something owed, an address that is
not suppressed, a creditor to name, no restriction, and is it a lawful moment in the
debtor's time? The answer is to send now (to an address, about the invoices still open),
to wait (until when, and why), or to drop the notification (why, as a reason code escalation
understands). Pure: the dispatcher gathers the facts and applies the answer.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from debtflow_shared.catalog.notification import FailureReason
from notify_svc.domain.contact_window import debtor_zone, next_lawful_instant
from notify_svc.domain.copies import CreditorCopy, DebtorCopy, InvoiceCopy
from notify_svc.domain.notification import Notification
from notify_svc.domain.restrictions import ContactRestriction
from notify_svc.domain.suppression import normalised_address

E164 = re.compile(r"\+[1-9][0-9]{1,14}")


@dataclass(frozen=True)
class SendNow:
    address: str
    invoices: tuple[InvoiceCopy, ...]
    also_outstanding: tuple[InvoiceCopy, ...] = ()
    """the case's other invoices still open, named but not claimed (unknown ones left out)"""


@dataclass(frozen=True)
class Wait:
    until: datetime
    reason: str
    reason_code: FailureReason | None = None
    """set when the wait is for something notify cannot resolve yet (shown in the API)"""


@dataclass(frozen=True)
class Drop:
    reason_code: FailureReason
    reason: str


Decision = SendNow | Wait | Drop


@dataclass(frozen=True)
class Facts:
    """What notify knows at send time about one notification's debtor."""

    debtor: DebtorCopy | None
    creditor: CreditorCopy | None
    invoices: Mapping[str, InvoiceCopy]
    suppressed: Collection[str]
    """normalised addresses on the suppression list for the notification's channel"""
    restrictions: Sequence[ContactRestriction]
    last_sent_at: datetime | None


def decide(notification: Notification, facts: Facts, now: datetime, recheck: timedelta) -> Decision:
    """Send, wait or drop ``notification`` at ``now``; ``recheck``: how soon to look again at
    what cannot be resolved yet (a copy arriving also wakes it)."""
    if notification.expires_at is not None and now >= notification.expires_at:
        return Drop(FailureReason.EXPIRED, "the request expired before it could be sent")
    for restriction in facts.restrictions:
        if restriction.forbids(notification.channel.value, notification.tone, now):
            return Drop(
                FailureReason.CONTACT_RESTRICTED,
                f"{restriction.restriction.value}: {restriction.reason}",
            )
    unresolved = _unresolved(notification, facts)
    if unresolved is not None:
        code, reason = unresolved
        return Wait(now + recheck, reason, code)
    open_invoices = tuple(
        facts.invoices[i] for i in notification.invoice_ids if facts.invoices[i].collectible
    )
    if not open_invoices:
        return Drop(
            FailureReason.NOTHING_OWED,
            "every invoice named was paid, credited, disputed, written off or cancelled",
        )
    address = _address(notification, facts, now + recheck)
    if isinstance(address, Drop | Wait):
        return address
    assert facts.debtor is not None
    lawful = next_lawful_instant(
        now,
        notification.contact_rules,
        debtor_zone(facts.debtor.time_zone),
        last_sent_at=facts.last_sent_at,
    )
    if lawful > now:
        if notification.expires_at is not None and lawful >= notification.expires_at:
            return Drop(FailureReason.EXPIRED, "no lawful moment to send it before it expires")
        return Wait(lawful, _why_not_now(notification, facts, now))
    also = tuple(
        invoice
        for i in notification.also_outstanding_ids
        if (invoice := facts.invoices.get(i)) is not None and invoice.collectible
    )
    return SendNow(address, open_invoices, also)


def _unresolved(notification: Notification, facts: Facts) -> tuple[FailureReason, str] | None:
    if facts.debtor is None:
        return FailureReason.NO_USABLE_ADDRESS, "debtor not known yet (no debtor.upserted)"
    if facts.creditor is None:
        return FailureReason.NO_CREDITOR_PROFILE, "no creditor profile yet"
    missing = [i for i in notification.invoice_ids if i not in facts.invoices]
    if missing:
        return FailureReason.NOTHING_OWED, f"invoice {missing[0]} not known yet"
    return None


def channel_addresses(channel: str, debtor: DebtorCopy) -> list[str]:
    """The debtor's usable addresses on ``channel``, in the order they are tried: email
    addresses; E.164 numbers flagged ``sms_capable`` (never a desk phone); the postal
    address (else a free-text postal contact) on one line; for a webhook the debtor's id
    (the receiving system knows it)."""
    if channel == "email":
        return [e.address for e in debtor.emails if e.usable]
    if channel == "sms":
        return [
            p.number
            for p in debtor.phones
            if p.usable and p.sms_capable and E164.fullmatch(p.number)
        ]
    if channel == "letter":
        postal = debtor.postal_address
        if postal is None:  # a free-text postal contact, as the lines it was written in
            return [", ".join(debtor.postal_lines)] if debtor.postal_lines else []
        place = " ".join(p for p in (postal.postcode, postal.city) if p)
        return [", ".join([*postal.lines, place, postal.country])]
    return [debtor.debtor_id]


_NONE_USABLE = {
    "email": "the debtor has no usable email address",
    "sms": "the debtor has no usable SMS-capable phone number (E.164)",
    "letter": "the debtor has no postal address",
}


def _address(notification: Notification, facts: Facts, recheck_at: datetime) -> str | Drop | Wait:
    assert facts.debtor is not None
    channel = notification.channel.value
    usable = channel_addresses(channel, facts.debtor)
    if not usable:
        return Wait(
            recheck_at, _NONE_USABLE.get(channel, "no address"), FailureReason.NO_USABLE_ADDRESS
        )
    allowed = [a for a in usable if normalised_address(channel, a) not in facts.suppressed]
    if not allowed:
        return Drop(
            FailureReason.ADDRESS_SUPPRESSED,
            f"every {channel} address of the debtor opted out or bounced",
        )
    return allowed[0]


def _why_not_now(notification: Notification, facts: Facts, now: datetime) -> str:
    rules = notification.contact_rules
    if facts.last_sent_at is not None and now < facts.last_sent_at + timedelta(
        minutes=rules.min_gap_minutes
    ):
        return f"less than {rules.min_gap_minutes} minutes since the debtor's previous message"
    return (
        f"outside the debtor's contact hours ({rules.local_from:%H:%M}-{rules.local_until:%H:%M} "
        f"{facts.debtor.time_zone if facts.debtor else 'UTC'}"
        f"{'' if rules.weekends else ', no weekends'}"
        f"{', no public holidays in ' + rules.holidays_country if rules.holidays_country else ''})"
    )
