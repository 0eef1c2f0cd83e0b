"""escalation-svc's copy of debtor profiles, newest version wins."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.debtor import CreditPolicy
from debtflow_shared.db import upsert_if_newer
from debtflow_shared.value_lists import one_of
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
        return _profile(row) if row is not None else None

    async def get_many(self, tenant_id: str, debtor_ids: Sequence[str]) -> dict[str, DebtorProfile]:
        rows = await self._session.execute(
            select(debtor_profiles).where(
                debtor_profiles.c.tenant_id == tenant_id,
                one_of(self._session, debtor_profiles.c.debtor_id, debtor_ids),
            )
        )
        return {r["debtor_id"]: _profile(r) for r in rows.mappings()}

    async def put_if_newer(self, profile: DebtorProfile) -> None:
        """Store ``profile`` unless a newer (or the same) version is already stored."""
        await self.put_all_if_newer([profile])

    async def put_all_if_newer(self, profiles: Sequence[DebtorProfile]) -> None:
        """Store each profile unless a newer (or the same) version is already stored: one
        statement for all, since events can arrive twice or out of order across topics."""
        newest: dict[tuple[str, str], DebtorProfile] = {}
        for profile in profiles:
            key = (profile.tenant_id, profile.debtor_id)
            if key not in newest or newest[key].version < profile.version:
                newest[key] = profile
        if not newest:
            return
        dialect = self._session.get_bind().dialect.name
        await self._session.execute(
            upsert_if_newer(debtor_profiles, dialect, on=("tenant_id", "debtor_id")),
            [_row(profile) for profile in newest.values()],
        )


def _row(profile: DebtorProfile) -> dict[str, object]:
    return {
        "tenant_id": profile.tenant_id,
        "debtor_id": profile.debtor_id,
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
        "postal_address": profile.postal_address_json,
        "updated_at": profile.updated_at,
    }


def _profile(row: Any) -> DebtorProfile:
    return DebtorProfile(
        **{k: row[k] for k in _PLAIN_COLUMNS},
        contacts_json=row["contacts"],
        tags=tuple(json.loads(row["tags"])),
        credit_policy=_credit_policy(row["credit_policy"]),
        postal_address_json=row["postal_address"],
    )


@lru_cache(maxsize=1024)
def _credit_policy(text: str) -> CreditPolicy:
    # Frozen, and debtors share a few policies: a batch validates each distinct one once.
    return CreditPolicy.model_validate_json(text)
