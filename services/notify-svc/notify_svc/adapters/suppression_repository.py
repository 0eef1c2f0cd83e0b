"""The suppression list and escalation's contact restrictions, per tenant."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.notification import RestrictionKind
from debtflow_shared.db import insert_if_absent, upsert_if_newer
from notify_svc.adapters.tables import contact_restrictions, suppressions
from notify_svc.domain.restrictions import ContactRestriction
from notify_svc.domain.suppression import Suppression, SuppressionReason, normalised_address

EVERY_CHANNEL = "*"


class SuppressionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, suppression: Suppression) -> bool:
        row = {
            "tenant_id": suppression.tenant_id,
            "channel": suppression.channel,
            "address": normalised_address(suppression.channel, suppression.address),
            "reason": suppression.reason.value,
            "detail": suppression.detail,
            "debtor_id": suppression.debtor_id,
            "suppressed_at": suppression.suppressed_at,
        }
        return await insert_if_absent(
            self._session, suppressions, row, on=["tenant_id", "channel", "address"]
        )

    async def suppressed(
        self, tenant_id: str, channel: str, addresses: Collection[str]
    ) -> set[str]:
        wanted = {normalised_address(channel, a) for a in addresses}
        if not wanted:
            return set()
        rows = await self._session.execute(
            select(suppressions.c.address).where(
                suppressions.c.tenant_id == tenant_id,
                suppressions.c.channel == channel,
                suppressions.c.address.in_(sorted(wanted)),
            )
        )
        return {r[0] for r in rows}

    async def list(
        self, tenant_id: str, *, after: str | None, limit: int, channel: str | None
    ) -> list[Suppression]:
        # The cursor is "channel address": a listing ordered by both.
        query = select(suppressions).where(suppressions.c.tenant_id == tenant_id)
        if channel is not None:
            query = query.where(suppressions.c.channel == channel)
        if after is not None:
            after_channel, _, after_address = after.partition(" ")
            query = query.where(
                (suppressions.c.channel > after_channel)
                | (
                    (suppressions.c.channel == after_channel)
                    & (suppressions.c.address > after_address)
                )
            )
        query = query.order_by(suppressions.c.channel, suppressions.c.address).limit(limit)
        return [_suppression(r) for r in (await self._session.execute(query)).mappings()]


def _suppression(row: Any) -> Suppression:
    return Suppression(
        tenant_id=row["tenant_id"],
        channel=row["channel"],
        address=row["address"],
        reason=SuppressionReason(row["reason"]),
        detail=row["detail"],
        debtor_id=row["debtor_id"],
        suppressed_at=row["suppressed_at"],
    )


class RestrictionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put_if_newer(self, restriction: ContactRestriction) -> bool:
        dialect = self._session.get_bind().dialect.name
        statement = upsert_if_newer(
            contact_restrictions, dialect, on=["tenant_id", "debtor_id", "channel_key"]
        ).values(
            tenant_id=restriction.tenant_id,
            debtor_id=restriction.debtor_id,
            channel_key=restriction.channel or EVERY_CHANNEL,
            version=restriction.version,
            restriction=restriction.restriction.value,
            reason=restriction.reason,
            effective_at=restriction.effective_at,
            until=restriction.until,
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def for_debtor(self, tenant_id: str, debtor_id: str) -> list[ContactRestriction]:
        rows = (
            await self._session.execute(
                select(contact_restrictions).where(
                    contact_restrictions.c.tenant_id == tenant_id,
                    contact_restrictions.c.debtor_id == debtor_id,
                )
            )
        ).mappings()
        return [
            ContactRestriction(
                tenant_id=r["tenant_id"],
                debtor_id=r["debtor_id"],
                version=r["version"],
                restriction=RestrictionKind(r["restriction"]),
                channel=None if r["channel_key"] == EVERY_CHANNEL else r["channel_key"],
                reason=r["reason"],
                effective_at=r["effective_at"],
                until=r["until"],
            )
            for r in rows
        ]
