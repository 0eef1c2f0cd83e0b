"""escalation-svc's copy of each debtor, kept from ``debtor.upserted`` (newest version wins).

A debtor with invoices escalation tracks is then brought up to date: facts that overtook
the profile run now, and a new zone or contact re-times what is pending.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

from debtflow_shared.catalog.debtor import DebtorUpserted, DebtorUpsertedV2
from debtflow_shared.event_consumer import ReceivedEvent
from escalation_svc.domain.debtor_profile import DebtorProfile
from escalation_svc.service_layer.collection import UnitOfWork, advance_batch

AnyDebtorUpserted = DebtorUpserted | DebtorUpsertedV2


async def on_debtor_upserted(event: ReceivedEvent[AnyDebtorUpserted], uow: UnitOfWork) -> None:
    await on_debtor_upserted_batch([event], uow)


async def on_debtor_upserted_batch(
    events: Sequence[ReceivedEvent[AnyDebtorUpserted]], uow: UnitOfWork
) -> None:
    """A batch's debtors in one statement (the set-based path of the consumer); only the
    debtors with invoices in escalation's copy have a ladder to run."""
    profiles = [_profile(e) for e in events]
    await uow.repos.profiles.put_all_if_newer(profiles)
    by_tenant: dict[str, set[str]] = defaultdict(set)
    for profile in profiles:
        by_tenant[profile.tenant_id].add(profile.debtor_id)
    for tenant_id, debtor_ids in sorted(by_tenant.items()):
        # Locked before looking for invoices: an invoice fact handled at the same moment
        # either committed already (seen here) or waits and then sees this profile.
        locked = await uow.repos.timers.lock_many(tenant_id, debtor_ids)
        chased = await uow.repos.invoices.debtors_with_invoices(tenant_id, debtor_ids)
        await advance_batch(uow, tenant_id, [t for t in locked if t.debtor_id in chased])


def _profile(event: ReceivedEvent[AnyDebtorUpserted]) -> DebtorProfile:
    # Both versions are on the topic (v1 from before invoice-svc published v2): read as v2.
    data = event.payload
    if isinstance(data, DebtorUpserted):
        data = DebtorUpsertedV2.from_v1(data)
    return DebtorProfile(
        tenant_id=event.tenant_id,
        debtor_id=data.debtor_id,
        version=data.version,
        name=data.name,
        country=data.country,
        currency=data.currency,
        language=data.language,
        time_zone=data.time_zone,
        preferred_channel=data.preferred_channel.value if data.preferred_channel else None,
        contacts_json=json.dumps([c.model_dump(mode="json") for c in data.contacts]),
        updated_at=event.envelope.time,
        tags=data.tags,
        credit_policy=data.credit_policy,
        postal_address_json=(
            data.postal_address.model_dump_json() if data.postal_address else None
        ),
    )


async def get_debtor_profile(
    uow: UnitOfWork, tenant_id: str, debtor_id: str
) -> DebtorProfile | None:
    async with uow:
        return await uow.repos.profiles.get(tenant_id, debtor_id)
