"""Receipts an HTTP provider (SMS, webhook, print-and-mail) posts about a message it took.

Verified by the provider's own signature (``domain/provider_contract.py``), then applied as
the mail provider's reports are (``bounces.py``): ``delivered`` emits
``notification.delivered`` once, ``bounced`` emits ``notification.bounced`` once (a hard
one suppresses the number or address), and ``opted_out`` (the debtor replied STOP)
suppresses the address and emits ``contact.opted_out`` once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

from debtflow_shared.catalog.debtor import Channel
from debtflow_shared.catalog.notification import (
    BounceKind,
    ContactOptedOut,
    NotificationChannel,
    OptOutSource,
)
from notify_svc.domain.notification import Status
from notify_svc.domain.provider_contract import ForgedSignature, verify
from notify_svc.domain.suppression import Suppression, SuppressionReason, normalised_address
from notify_svc.service_layer import bounces
from notify_svc.service_layer.work import Work


class ReceiptStatus(StrEnum):
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    OPTED_OUT = "opted_out"


class UnknownProvider(LookupError):
    field = "channel"


@dataclass(frozen=True)
class Receipt:
    message_id: str
    status: ReceiptStatus
    bounce: BounceKind | None
    reason: str


def check_receipt_signature(secret: str | None, body: bytes, header: str) -> None:
    if secret is None:
        raise UnknownProvider("no HTTP provider sends receipts for this channel")
    verify(secret, body, header, time.time())


async def record_receipt(uow: Work, channel: NotificationChannel, receipt: Receipt) -> bool:
    """Apply a verified receipt; whether it was new."""
    if receipt.status is ReceiptStatus.DELIVERED:
        return await bounces.record_delivery(uow, receipt.message_id, channel)
    if receipt.status is ReceiptStatus.BOUNCED:
        kind = receipt.bounce or BounceKind.HARD
        report = bounces.Bounce(receipt.message_id, kind, receipt.reason)
        return await bounces.record_bounce(uow, report, channel)
    return await _opted_out(uow, channel, receipt)


async def _opted_out(uow: Work, channel: NotificationChannel, receipt: Receipt) -> bool:
    async with uow:
        notification = await uow.repos.notifications.by_message_id(receipt.message_id)
        if (
            notification is None
            or notification.status is not Status.SENT
            or notification.channel is not channel
        ):
            raise bounces.BounceForUnknownMessage(f"no sent message has id {receipt.message_id}")
        assert notification.rendered is not None
        address = notification.rendered.address
        now = uow.clock.now()
        newly = await uow.repos.suppressions.add(
            Suppression(
                tenant_id=notification.tenant_id,
                channel=channel.value,
                address=normalised_address(channel.value, address),
                reason=SuppressionReason.OPTED_OUT,
                detail=receipt.reason or "STOP reply",
                debtor_id=notification.debtor_id,
                suppressed_at=now,
            )
        )
        if newly:
            uow.emit(
                ContactOptedOut(
                    debtor_id=notification.debtor_id,
                    channel=Channel(channel.value),
                    address=address,
                    source=OptOutSource.SMS_STOP_REPLY
                    if channel is NotificationChannel.SMS
                    else OptOutSource.DEBTOR_REQUEST,
                    dedup_key=notification.dedup_key,
                    opted_out_at=now,
                ),
                tenant_id=notification.tenant_id,
                debtor_id=notification.debtor_id,
            )
        await uow.commit()
    return newly


__all__ = ["ForgedSignature", "Receipt", "ReceiptStatus", "check_receipt_signature"]
