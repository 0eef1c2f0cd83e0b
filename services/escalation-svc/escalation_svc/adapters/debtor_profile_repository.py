"""escalation-svc's copy of debtor profiles, newest version wins."""

from __future__ import annotations

import json

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.debtor import CreditPolicy
from escalation_svc.adapters.tables import debtor_profiles
from escalation_svc.domain.debtor_profile import DebtorProfile

_PLAIN_COLUMNS = (
    "tenant_id",
    "debtor_id",
    "version",
    "name",
    "country",
    "currency",
    "language",
    "time_zone",
    "preferred_channel",
    "updated_at",
)


class DebtorProfileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str, debtor_id: str) -> DebtorProfile | None:
        row = (
            (
                await self._session.execute(
                    select(debtor_profiles).where(
                        debtor_profiles.c.tenant_id == tenant_id,
                        debtor_profiles.c.debtor_id == debtor_id,
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return DebtorProfile(
            **{k: row[k] for k in _PLAIN_COLUMNS},
            contacts_json=row["contacts"],
            tags=tuple(json.loads(row["tags"])),
            credit_policy=CreditPolicy.model_validate_json(row["credit_policy"]),
        )

    async def put_if_newer(self, profile: DebtorProfile) -> bool:
        """Store ``profile`` unless a newer (or the same) version is already stored."""
        values = {
            "version": profile.version,
            "name": profile.name,
            "country": profile.country,
            "currency": profile.currency,
            "language": profile.language,
            "time_zone": profile.time_zone,
            "preferred_channel": profile.preferred_channel,
            "contacts": profile.contacts_json,
            "tags": json.dumps(list(profile.tags)),
            "credit_policy": profile.credit_policy.model_dump_json(),
            "updated_at": profile.updated_at,
        }
        current = await self.get(profile.tenant_id, profile.debtor_id)
        if current is None:
            await self._session.execute(
                insert(debtor_profiles).values(
                    tenant_id=profile.tenant_id, debtor_id=profile.debtor_id, **values
                )
            )
            return True
        if current.version >= profile.version:
            return False  # stale or repeated: events can arrive out of order across topics
        await self._session.execute(
            update(debtor_profiles)
            .where(
                debtor_profiles.c.tenant_id == profile.tenant_id,
                debtor_profiles.c.debtor_id == profile.debtor_id,
                debtor_profiles.c.version < profile.version,
            )
            .values(**values)
        )
        return True
