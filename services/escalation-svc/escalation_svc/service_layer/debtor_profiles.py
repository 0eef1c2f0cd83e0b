"""escalation-svc's copy of each debtor, kept from ``debtor.upserted`` (newest version wins)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from debtflow_shared.catalog.debtor import DebtorUpserted, DebtorUpsertedV2
from debtflow_shared.event_consumer import ReceivedEvent
from debtflow_shared.unit_of_work import UnitOfWork
from escalation_svc.adapters.debtor_profile_repository import DebtorProfileRepository
from escalation_svc.domain.debtor_profile import DebtorProfile

AnyDebtorUpserted = DebtorUpserted | DebtorUpsertedV2


async def on_debtor_upserted(event: ReceivedEvent[AnyDebtorUpserted], uow: UnitOfWork) -> None:
    await DebtorProfileRepository(uow.session).put_if_newer(_profile(event))


async def on_debtor_upserted_batch(
    events: Sequence[ReceivedEvent[AnyDebtorUpserted]], uow: UnitOfWork
) -> None:
    """A batch's debtors in one statement (the set-based path of the consumer)."""
    await DebtorProfileRepository(uow.session).put_all_if_newer([_profile(e) for e in events])


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
    )


async def get_debtor_profile(
    uow: UnitOfWork, tenant_id: str, debtor_id: str
) -> DebtorProfile | None:
    async with uow:
        return await DebtorProfileRepository(uow.session).get(tenant_id, debtor_id)
