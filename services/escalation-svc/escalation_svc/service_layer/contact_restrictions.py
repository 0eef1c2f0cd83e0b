"""Escalation's own do-not-contact and cease-contact decisions, set and lifted over the API.

Each change is a ``contact.restricted`` (notify applies it at send time too) carrying the
debtor's contact-rule version, so a stale decision is ignored downstream. A restriction
covering every channel pauses the debtor's case (``contact_restricted``): nothing is
dropped silently, the ladder waits until it is lifted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from debtflow_shared.catalog.debtor import Channel
from debtflow_shared.catalog.escalation import PauseReason
from debtflow_shared.catalog.notification import ContactRestricted
from debtflow_shared.catalog.notification import RestrictionKind as CatalogKind
from escalation_svc.domain.case import Pause
from escalation_svc.domain.contact_restriction import (
    ALL_CHANNELS,
    Restriction,
    RestrictionKind,
    RestrictionNotFound,
)
from escalation_svc.service_layer.collection import Note, UnitOfWork, advance_in


class UnknownDebtor(LookupError):
    pass


@dataclass(frozen=True)
class RestrictContact:
    kind: RestrictionKind
    channel: Channel | None
    reason: str
    until: datetime | None = None


async def list_restrictions(uow: UnitOfWork, tenant_id: str, debtor_id: str) -> list[Restriction]:
    async with uow:
        await _known(uow, tenant_id, debtor_id)
        return await uow.repos.contacts.restrictions(tenant_id, debtor_id)


async def restrict_contact(
    uow: UnitOfWork, tenant_id: str, debtor_id: str, command: RestrictContact, *, actor: str
) -> Restriction:
    async with uow:
        await _known(uow, tenant_id, debtor_id)
        await uow.repos.timers.lock(tenant_id, debtor_id)
        now = uow.clock.now()
        channel = command.channel.value if command.channel else ALL_CHANNELS
        restriction = Restriction(
            debtor_id=debtor_id,
            channel=channel,
            kind=command.kind.value,
            reason=command.reason,
            recorded_by=actor,
            effective_at=now,
            until=command.until,
        )
        await uow.repos.contacts.put_restriction(tenant_id, restriction)
        await _announce(uow, tenant_id, restriction, command.channel, until=command.until)
        case = await uow.repos.cases.active_for(tenant_id, debtor_id)
        if channel == ALL_CHANNELS and case is not None and case.active and not _restricted(case):
            case.pause(
                Pause(PauseReason.CONTACT_RESTRICTED, note=command.reason, since=now), now=now
            )
            await uow.repos.cases.save(case)
            uow.track(case)
        note = Note(
            "contact_restricted",
            f"{command.kind.value} on {channel} by {actor}: {command.reason}",
            {"channel": channel, "kind": command.kind.value},
        )
        await advance_in(uow, tenant_id, debtor_id, notes=[note])
        await uow.commit()
        return restriction


async def lift_restriction(
    uow: UnitOfWork,
    tenant_id: str,
    debtor_id: str,
    kind: RestrictionKind,
    channel: Channel | None,
    *,
    actor: str,
) -> None:
    async with uow:
        await _known(uow, tenant_id, debtor_id)
        await uow.repos.timers.lock(tenant_id, debtor_id)
        now = uow.clock.now()
        key = channel.value if channel else ALL_CHANNELS
        current = [
            r
            for r in await uow.repos.contacts.restrictions(tenant_id, debtor_id)
            if r.channel == key and r.kind == kind.value
        ]
        if not current:
            raise RestrictionNotFound(f"no {kind.value} restriction on {key}")
        await uow.repos.contacts.remove_restriction(tenant_id, debtor_id, key, kind.value)
        lifted = Restriction(debtor_id, key, kind.value, f"lifted by {actor}", actor, now, now)
        await _announce(uow, tenant_id, lifted, channel, until=now)
        remaining = await uow.repos.contacts.restrictions(tenant_id, debtor_id)
        case = await uow.repos.cases.active_for(tenant_id, debtor_id)
        if (
            case is not None
            and case.active
            and _restricted(case)
            and not any(r.channel == ALL_CHANNELS and r.in_force(now) for r in remaining)
        ):
            case.resume(PauseReason.CONTACT_RESTRICTED, now=now, note=f"lifted by {actor}")
            await uow.repos.cases.save(case)
            uow.track(case)
        await advance_in(
            uow,
            tenant_id,
            debtor_id,
            notes=[Note("contact_restriction_lifted", f"{kind.value} on {key} lifted by {actor}")],
        )
        await uow.commit()


def _restricted(case: object) -> bool:
    pauses = getattr(case, "pauses", ())
    return any(p.reason is PauseReason.CONTACT_RESTRICTED for p in pauses)


async def _known(uow: UnitOfWork, tenant_id: str, debtor_id: str) -> None:
    if await uow.repos.profiles.get(tenant_id, debtor_id) is None:
        raise UnknownDebtor(f"debtor {debtor_id} not found")


async def _announce(
    uow: UnitOfWork,
    tenant_id: str,
    restriction: Restriction,
    channel: Channel | None,
    *,
    until: datetime | None,
) -> None:
    if restriction.kind == RestrictionKind.OPTED_OUT.value:
        return  # the debtor's own opt-out: notify announced it
    version = await uow.repos.contacts.next_rule_version(tenant_id, restriction.debtor_id)
    uow.emit(
        ContactRestricted(
            debtor_id=restriction.debtor_id,
            version=version,
            restriction=CatalogKind(restriction.kind),
            channel=channel,
            reason=restriction.reason,
            recorded_by=restriction.recorded_by,
            effective_at=restriction.effective_at,
            until=until,
        ),
        tenant_id=tenant_id,
        debtor_id=restriction.debtor_id,
    )
