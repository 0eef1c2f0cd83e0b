"""What the guard and the channel choice read: attempts, restrictions, failed addresses."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.db import insert_if_absent
from debtflow_shared.value_lists import one_of
from escalation_svc.adapters.tables import (
    contact_attempts,
    contact_restrictions,
    contact_rule_versions,
    failed_addresses,
)
from escalation_svc.domain.contact_restriction import Restriction


def _restriction(row: Any) -> Restriction:
    return Restriction(
        debtor_id=row["debtor_id"],
        channel=row["channel"],
        kind=row["kind"],
        reason=row["reason"],
        recorded_by=row["recorded_by"],
        effective_at=row["effective_at"],
        until=row["until"],
    )


class ContactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_attempt(
        self,
        tenant_id: str,
        debtor_id: str,
        attempt_id: str,
        channel: str,
        at: datetime,
        *,
        conversation: bool = False,
    ) -> bool:
        return await insert_if_absent(
            self._session,
            contact_attempts,
            {
                "tenant_id": tenant_id,
                "debtor_id": debtor_id,
                "attempt_id": attempt_id,
                "channel": channel,
                "at": at,
                "conversation": conversation,
            },
        )

    async def attempts_since(
        self, tenant_id: str, debtor_id: str, since: datetime
    ) -> list[tuple[datetime, bool]]:
        rows = await self._session.execute(
            select(contact_attempts.c.at, contact_attempts.c.conversation).where(
                contact_attempts.c.tenant_id == tenant_id,
                contact_attempts.c.debtor_id == debtor_id,
                contact_attempts.c.at > since,
            )
        )
        return [(r.at, r.conversation) for r in rows]

    async def attempts_since_many(
        self, tenant_id: str, debtor_ids: Collection[str], since: datetime
    ) -> dict[str, list[tuple[datetime, bool]]]:
        rows = await self._session.execute(
            select(
                contact_attempts.c.debtor_id, contact_attempts.c.at, contact_attempts.c.conversation
            ).where(
                contact_attempts.c.tenant_id == tenant_id,
                one_of(self._session, contact_attempts.c.debtor_id, debtor_ids),
                contact_attempts.c.at > since,
            )
        )
        found: dict[str, list[tuple[datetime, bool]]] = {}
        for r in rows:
            found.setdefault(r.debtor_id, []).append((r.at, r.conversation))
        return found

    async def restrictions_many(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[str, list[Restriction]]:
        rows = await self._session.execute(
            select(contact_restrictions).where(
                contact_restrictions.c.tenant_id == tenant_id,
                one_of(self._session, contact_restrictions.c.debtor_id, debtor_ids),
            )
        )
        found: dict[str, list[Restriction]] = {}
        for row in rows.mappings():
            found.setdefault(row["debtor_id"], []).append(_restriction(row))
        return found

    async def failed_addresses_many(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[str, set[tuple[str, str]]]:
        rows = await self._session.execute(
            select(
                failed_addresses.c.debtor_id, failed_addresses.c.channel, failed_addresses.c.address
            ).where(
                failed_addresses.c.tenant_id == tenant_id,
                one_of(self._session, failed_addresses.c.debtor_id, debtor_ids),
            )
        )
        found: dict[str, set[tuple[str, str]]] = {}
        for r in rows:
            found.setdefault(r.debtor_id, set()).add((r.channel, r.address))
        return found

    async def all_attempts(self, tenant_id: str, debtor_id: str) -> list[dict[str, Any]]:
        rows = await self._session.execute(
            select(contact_attempts)
            .where(
                contact_attempts.c.tenant_id == tenant_id,
                contact_attempts.c.debtor_id == debtor_id,
            )
            .order_by(contact_attempts.c.at)
        )
        return [dict(r) for r in rows.mappings()]

    async def restrictions(self, tenant_id: str, debtor_id: str) -> list[Restriction]:
        rows = await self._session.execute(
            select(contact_restrictions)
            .where(
                contact_restrictions.c.tenant_id == tenant_id,
                contact_restrictions.c.debtor_id == debtor_id,
            )
            .order_by(contact_restrictions.c.channel, contact_restrictions.c.kind)
        )
        return [_restriction(r) for r in rows.mappings()]

    async def put_restriction(self, tenant_id: str, restriction: Restriction) -> None:
        values = {
            "reason": restriction.reason,
            "recorded_by": restriction.recorded_by,
            "effective_at": restriction.effective_at,
            "until": restriction.until,
        }
        key = {
            "tenant_id": tenant_id,
            "debtor_id": restriction.debtor_id,
            "channel": restriction.channel,
            "kind": restriction.kind,
        }
        if not await insert_if_absent(self._session, contact_restrictions, key | values):
            await self._session.execute(
                update(contact_restrictions)
                .where(*(contact_restrictions.c[k] == v for k, v in key.items()))
                .values(values)
            )

    async def remove_restriction(
        self, tenant_id: str, debtor_id: str, channel: str, kind: str
    ) -> bool:
        result = await self._session.execute(
            delete(contact_restrictions).where(
                contact_restrictions.c.tenant_id == tenant_id,
                contact_restrictions.c.debtor_id == debtor_id,
                contact_restrictions.c.channel == channel,
                contact_restrictions.c.kind == kind,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def next_rule_version(self, tenant_id: str, debtor_id: str) -> int:
        inserted = await insert_if_absent(
            self._session,
            contact_rule_versions,
            {"tenant_id": tenant_id, "debtor_id": debtor_id, "version": 1},
        )
        if inserted:
            return 1
        where = (
            contact_rule_versions.c.tenant_id == tenant_id,
            contact_rule_versions.c.debtor_id == debtor_id,
        )
        await self._session.execute(
            update(contact_rule_versions)
            .where(*where)
            .values(version=contact_rule_versions.c.version + 1)
        )
        version: int = (
            await self._session.execute(select(contact_rule_versions.c.version).where(*where))
        ).scalar_one()
        return version

    async def add_failed_address(
        self, tenant_id: str, debtor_id: str, channel: str, address: str, reason: str, at: datetime
    ) -> None:
        await insert_if_absent(
            self._session,
            failed_addresses,
            {
                "tenant_id": tenant_id,
                "debtor_id": debtor_id,
                "channel": channel,
                "address": address,
                "reason": reason[:1000],
                "at": at,
            },
        )

    async def failed_addresses(self, tenant_id: str, debtor_id: str) -> set[tuple[str, str]]:
        rows = await self._session.execute(
            select(failed_addresses.c.channel, failed_addresses.c.address).where(
                failed_addresses.c.tenant_id == tenant_id,
                failed_addresses.c.debtor_id == debtor_id,
            )
        )
        return {(r.channel, r.address) for r in rows}
