"""``notification.requested`` and ``notification.cancelled``: recording what escalation asks.

A request is stored once per dedup key (a redelivery, or escalation re-running its step,
finds it and changes nothing), due at once; the dispatcher sends it. Nothing is sent from
the consumer: a side effect outside the database never happens inside the inbox's
transaction. A cancel marks a waiting notification cancelled; one for a key not seen yet
is remembered, so the request arriving later (topics are not ordered with each other) is
stored cancelled, never sent.
"""

from __future__ import annotations

from debtflow_shared.catalog.notification import NotificationCancelled, NotificationRequested
from debtflow_shared.envelope import new_event_id
from debtflow_shared.event_consumer import ReceivedEvent
from notify_svc.domain.notification import WAITING, Notification, Status
from notify_svc.service_layer.work import Work


async def on_notification_requested(event: ReceivedEvent[NotificationRequested], uow: Work) -> None:
    data, tenant_id = event.payload, event.tenant_id
    repository = uow.repos.notifications
    if await repository.by_dedup_key(tenant_id, data.dedup_key) is not None:
        return  # the same notification asked for again: sent (or not) once
    now = uow.clock.now()
    early_cancel = await repository.early_cancel(tenant_id, data.dedup_key)
    notification = Notification(
        id=str(new_event_id()),
        tenant_id=tenant_id,
        dedup_key=data.dedup_key,
        case_id=data.case_id,
        debtor_id=data.debtor_id,
        step=data.step,
        channel=data.channel,
        template_key=data.template_key,
        tone=data.tone,
        variant=data.variant,
        locale=data.locale,
        invoice_ids=tuple(data.invoice_ids),
        also_outstanding_ids=tuple(data.also_outstanding_invoice_ids),
        contact_rules=data.contact_rules,
        requested_at=data.requested_at,
        expires_at=data.expires_at,
        status=Status.REQUESTED,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    if early_cancel is not None:
        notification.cancel(f"cancelled by escalation before it arrived ({early_cancel})", now)
    await repository.add(notification)  # a concurrent copy of the request: the key holds


async def on_notification_cancelled(event: ReceivedEvent[NotificationCancelled], uow: Work) -> None:
    data, tenant_id = event.payload, event.tenant_id
    repository = uow.repos.notifications
    now = uow.clock.now()
    found = await repository.by_dedup_key(tenant_id, data.dedup_key)
    if found is None:
        await repository.remember_cancel(tenant_id, data.dedup_key, data.reason.value, now)
        return
    notification = await repository.lock(tenant_id, found.id)
    assert notification is not None
    if notification.status in WAITING:
        notification.cancel(f"cancelled by escalation ({data.reason.value})", now)
        await repository.save(notification)
    elif notification.status is Status.SENDING:
        # Past recall if its provider is answering now (that outcome stands); but if the
        # sender was interrupted, the cancel stops the send that would resume it.
        await repository.remember_cancel(tenant_id, data.dedup_key, data.reason.value, now)
