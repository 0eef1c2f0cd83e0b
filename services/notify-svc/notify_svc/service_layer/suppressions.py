"""The suppression list: opting out through the unsubscribe link, and adding by hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from debtflow_shared.catalog.debtor import Channel
from debtflow_shared.catalog.notification import ContactOptedOut, OptOutSource
from debtflow_shared.signed_links import BadSignature, verify_params
from notify_svc.domain.suppression import Suppression, SuppressionReason, normalised_address
from notify_svc.service_layer.work import Work


class UnsubscribeLinkInvalid(ValueError):
    field = "sig"


@dataclass(frozen=True)
class OptOut:
    tenant_id: str
    debtor_id: str
    channel: str
    address: str
    newly: bool


async def unsubscribe_link_address(uow: Work, params: Mapping[str, str], secret: str) -> str:
    """The address a valid unsubscribe link is for (nothing changes); else a refusal."""
    async with uow:
        try:
            return verify_params(params, secret, uow.clock.now())["address"]
        except (BadSignature, KeyError) as error:
            raise UnsubscribeLinkInvalid(f"not a valid unsubscribe link: {error}") from None


async def unsubscribe(uow: Work, params: Mapping[str, str], secret: str) -> OptOut:
    """Opt the link's address out (a signed link: no login); ``contact.opted_out`` once."""
    async with uow:
        now = uow.clock.now()
        try:
            given = verify_params(params, secret, now)
            tenant_id, notification_id = given["tenant"], given["notification"]
            channel, address = given["channel"], given["address"]
        except (BadSignature, KeyError) as error:
            raise UnsubscribeLinkInvalid(f"not a valid unsubscribe link: {error}") from None
        notification = await uow.repos.notifications.get(tenant_id, notification_id)
        if notification is None:
            raise UnsubscribeLinkInvalid("the link names no message of ours")
        newly = await uow.repos.suppressions.add(
            Suppression(
                tenant_id=tenant_id,
                channel=channel,
                address=normalised_address(channel, address),
                reason=SuppressionReason.OPTED_OUT,
                detail="unsubscribe link",
                debtor_id=notification.debtor_id,
                suppressed_at=now,
            )
        )
        if newly:
            uow.emit(
                ContactOptedOut(
                    debtor_id=notification.debtor_id,
                    channel=Channel(channel),
                    address=address,
                    source=OptOutSource.UNSUBSCRIBE_LINK,
                    dedup_key=notification.dedup_key,
                    opted_out_at=now,
                ),
                tenant_id=tenant_id,
                debtor_id=notification.debtor_id,
            )
        await uow.commit()
    return OptOut(tenant_id, notification.debtor_id, channel, address, newly)


@dataclass(frozen=True)
class AddSuppression:
    channel: str
    address: str
    debtor_id: str | None
    detail: str


async def suppress(uow: Work, tenant_id: str, command: AddSuppression) -> tuple[Suppression, bool]:
    """A collector records that the debtor asked to stop (``contact.opted_out`` if a debtor
    is named and the address was not already suppressed)."""
    async with uow:
        now = uow.clock.now()
        suppression = Suppression(
            tenant_id=tenant_id,
            channel=command.channel,
            address=normalised_address(command.channel, command.address),
            reason=SuppressionReason.OPTED_OUT,
            detail=command.detail,
            debtor_id=command.debtor_id,
            suppressed_at=now,
        )
        newly = await uow.repos.suppressions.add(suppression)
        if newly and command.debtor_id is not None:
            uow.emit(
                ContactOptedOut(
                    debtor_id=command.debtor_id,
                    channel=Channel(command.channel),
                    address=command.address,
                    source=OptOutSource.DEBTOR_REQUEST,
                    opted_out_at=now,
                ),
                tenant_id=tenant_id,
                debtor_id=command.debtor_id,
            )
        await uow.commit()
    return suppression, newly


async def list_suppressions(
    uow: Work, tenant_id: str, *, after: str | None, limit: int, channel: str | None
) -> list[Suppression]:
    async with uow:
        return await uow.repos.suppressions.list(
            tenant_id, after=after, limit=limit, channel=channel
        )
