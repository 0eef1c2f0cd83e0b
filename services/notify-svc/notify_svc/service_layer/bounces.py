"""Delivery reports and bounces a mail provider sends after a message went (signed callbacks).

A hard bounce suppresses the address (an ERP re-sending the debtor never clears it) and a
soft one leaves it usable; either is announced once as ``notification.bounced``, however
often the provider repeats its callback.
"""

from __future__ import annotations

from dataclasses import dataclass

from debtflow_shared.catalog.notification import (
    BounceKind,
    NotificationBounced,
    NotificationChannel,
    NotificationDelivered,
)
from debtflow_shared.signed_links import BadSignature, verify_body
from notify_svc.domain.notification import Status
from notify_svc.domain.suppression import Suppression, SuppressionReason, normalised_address
from notify_svc.service_layer.work import Work


class BounceSignatureInvalid(PermissionError):
    field = "X-Debtflow-Signature"


class BounceForUnknownMessage(LookupError):
    field = "message_id"


@dataclass(frozen=True)
class Bounce:
    message_id: str
    bounce: BounceKind
    reason: str


def check_signature(body: bytes, secret: str, signature: str) -> None:
    try:
        verify_body(body, secret, signature)
    except BadSignature as error:
        raise BounceSignatureInvalid(str(error)) from None


async def record_bounce(
    uow: Work, report: Bounce, channel: NotificationChannel = NotificationChannel.EMAIL
) -> bool:
    """Apply a provider's bounce report about a message sent on ``channel``; whether it
    was new."""
    async with uow:
        repository = uow.repos.notifications
        notification = await repository.by_message_id(report.message_id)
        if (
            notification is None
            or notification.status is not Status.SENT
            or notification.channel is not channel
        ):
            raise BounceForUnknownMessage(f"no sent message has id {report.message_id}")
        assert notification.rendered is not None
        now = uow.clock.now()
        if not await repository.record_bounce(
            notification.id, report.bounce.value, report.reason, now
        ):
            return False
        address = notification.rendered.address
        hard = report.bounce is BounceKind.HARD
        if hard:
            await uow.repos.suppressions.add(
                Suppression(
                    tenant_id=notification.tenant_id,
                    channel=notification.channel.value,
                    address=normalised_address(notification.channel.value, address),
                    reason=SuppressionReason.HARD_BOUNCE,
                    detail=report.reason,
                    debtor_id=notification.debtor_id,
                    suppressed_at=now,
                )
            )
        uow.emit(
            NotificationBounced(
                dedup_key=notification.dedup_key,
                case_id=notification.case_id,
                debtor_id=notification.debtor_id,
                channel=notification.channel,
                address=address,
                bounce=report.bounce,
                reason=report.reason,
                provider_message_id=notification.provider_message_id or report.message_id,
                suppressed=hard,
                bounced_at=now,
            ),
            tenant_id=notification.tenant_id,
            debtor_id=notification.debtor_id,
        )
        await uow.commit()
    return True


async def record_delivery(
    uow: Work, message_id: str, channel: NotificationChannel = NotificationChannel.EMAIL
) -> bool:
    """The provider delivered the message sent on ``channel``: ``notification.delivered``
    once; whether new."""
    async with uow:
        repository = uow.repos.notifications
        notification = await repository.by_message_id(message_id)
        if (
            notification is None
            or notification.status is not Status.SENT
            or notification.channel is not channel
        ):
            raise BounceForUnknownMessage(f"no sent message has id {message_id}")
        now = uow.clock.now()
        if not await repository.mark_delivered(notification.id, now):
            return False
        uow.emit(
            NotificationDelivered(
                dedup_key=notification.dedup_key,
                case_id=notification.case_id,
                debtor_id=notification.debtor_id,
                channel=notification.channel,
                provider_message_id=notification.provider_message_id or message_id,
                delivered_at=now,
            ),
            tenant_id=notification.tenant_id,
            debtor_id=notification.debtor_id,
        )
        await uow.commit()
    return True
