"""What notify-svc reports back: sent (a contact attempt), failed, bounced, opted out.

A permanent failure or a hard bounce marks the address unusable; the step then falls back
to the debtor's next usable channel (or records a "no usable contact" task), which the next
ladder run does. An opt-out becomes a restriction on the channel, honoured at once.
"""

from __future__ import annotations

from debtflow_shared.catalog.notification import (
    BounceKind,
    ContactOptedOut,
    FailureKind,
    FailureReason,
    NotificationBounced,
    NotificationFailed,
    NotificationSent,
)
from debtflow_shared.event_consumer import ReceivedEvent
from escalation_svc.domain.contact_restriction import Restriction, RestrictionKind
from escalation_svc.service_layer.collection import Note, UnitOfWork, advance_in

# Failures a fallback channel cannot help with: nothing owed, a restriction, a stale message.
_NO_FALLBACK = frozenset(
    {
        FailureReason.NOTHING_OWED,
        FailureReason.CONTACT_RESTRICTED,
        FailureReason.EXPIRED,
        FailureReason.NO_CREDITOR_PROFILE,
    }
)


async def on_notification_sent(event: ReceivedEvent[NotificationSent], uow: UnitOfWork) -> None:
    sent = event.payload
    tenant_id = event.tenant_id
    await uow.repos.timers.lock(tenant_id, sent.debtor_id)
    await uow.repos.contacts.add_attempt(
        tenant_id, sent.debtor_id, sent.dedup_key, sent.channel.value, sent.sent_at
    )
    if await uow.repos.notifications.get(tenant_id, sent.dedup_key) is not None:
        await uow.repos.notifications.set_status(tenant_id, sent.dedup_key, "sent")
    note = Note(
        "notification_sent",
        f"{sent.channel.value} sent to {sent.address}"
        + (f": {sent.subject}" if sent.subject else ""),
        {
            "dedup_key": sent.dedup_key,
            "template_key": sent.template_key,
            "invoices": [i.invoice_id for i in sent.invoices],
        },
    )
    await advance_in(uow, tenant_id, sent.debtor_id, notes=[note])


async def on_notification_failed(event: ReceivedEvent[NotificationFailed], uow: UnitOfWork) -> None:
    failed = event.payload
    tenant_id = event.tenant_id
    await uow.repos.timers.lock(tenant_id, failed.debtor_id)
    # A provider outage says nothing of the address: the step falls back, the address stays.
    if (
        failed.failure is FailureKind.PERMANENT
        and failed.reason_code not in _NO_FALLBACK
        and failed.reason_code is not FailureReason.PROVIDER_UNAVAILABLE
    ):
        await uow.repos.contacts.add_failed_address(
            tenant_id,
            failed.debtor_id,
            failed.channel.value,
            failed.address or "*",
            failed.reason,
            failed.failed_at,
        )
    if await uow.repos.notifications.get(tenant_id, failed.dedup_key) is not None:
        await uow.repos.notifications.set_status(
            tenant_id,
            failed.dedup_key,
            "failed",
            fallback_done=failed.reason_code in _NO_FALLBACK,
        )
    note = Note(
        "notification_failed",
        f"{failed.channel.value} not sent ({failed.failure.value}, {failed.reason_code.value}): "
        f"{failed.reason}",
        {"dedup_key": failed.dedup_key},
    )
    await advance_in(uow, tenant_id, failed.debtor_id, notes=[note])


async def on_notification_bounced(
    event: ReceivedEvent[NotificationBounced], uow: UnitOfWork
) -> None:
    bounced = event.payload
    tenant_id = event.tenant_id
    await uow.repos.timers.lock(tenant_id, bounced.debtor_id)
    if bounced.bounce is BounceKind.HARD:
        await uow.repos.contacts.add_failed_address(
            tenant_id,
            bounced.debtor_id,
            bounced.channel.value,
            bounced.address,
            bounced.reason,
            bounced.bounced_at,
        )
        if await uow.repos.notifications.get(tenant_id, bounced.dedup_key) is not None:
            await uow.repos.notifications.set_status(tenant_id, bounced.dedup_key, "failed")
    note = Note(
        "notification_bounced",
        f"{bounced.channel.value} to {bounced.address} bounced ({bounced.bounce.value}): "
        f"{bounced.reason}",
        {"dedup_key": bounced.dedup_key},
    )
    await advance_in(uow, tenant_id, bounced.debtor_id, notes=[note])


async def on_contact_opted_out(event: ReceivedEvent[ContactOptedOut], uow: UnitOfWork) -> None:
    opted = event.payload
    tenant_id = event.tenant_id
    await uow.repos.timers.lock(tenant_id, opted.debtor_id)
    await uow.repos.contacts.put_restriction(
        tenant_id,
        Restriction(
            debtor_id=opted.debtor_id,
            channel=opted.channel.value,
            kind=RestrictionKind.OPTED_OUT.value,
            reason=f"opted out ({opted.source.value}) at {opted.address}",
            recorded_by="notify-svc",
            effective_at=opted.opted_out_at,
            until=None,
        ),
    )
    note = Note(
        "contact_opted_out",
        f"the debtor opted out of {opted.channel.value} ({opted.source.value})",
        {"channel": opted.channel.value},
    )
    await advance_in(uow, tenant_id, opted.debtor_id, notes=[note])
