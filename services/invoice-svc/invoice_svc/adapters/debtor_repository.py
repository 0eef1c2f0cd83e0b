"""Loading and saving debtors; every query is scoped to one tenant.

The ``contacts`` column holds the debtor's ways of reaching it as one JSON object,
``{"contacts": [...], "postal_address": {...} | null}``, so the structured address needed no
migration. A row written before it holds a bare list of v1 contacts: read as v2, with no
address, a phone not written internationally left out (:func:`contact_v2`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.debtor import (
    Channel,
    Contact,
    ContactsV2,
    CreditPolicy,
    DebtorAddress,
    contact_v2,
)
from debtflow_shared.db import insert_if_absent, insert_unless_present
from debtflow_shared.optimistic_lock import ConcurrentUpdate
from debtflow_shared.value_lists import one_of
from invoice_svc.adapters.tables import debtors
from invoice_svc.domain.debtor import Debtor, DebtorProfile

_v1_contacts = TypeAdapter(tuple[Contact, ...])


class _Reach(BaseModel):
    """What the ``contacts`` column holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    contacts: ContactsV2 = ()
    postal_address: DebtorAddress | None = None


def _reach_of(stored: str) -> _Reach:
    if stored.lstrip().startswith("["):
        upgraded = (contact_v2(c) for c in _v1_contacts.validate_json(stored))
        return _Reach(contacts=tuple(c for c in upgraded if c is not None))
    return _Reach.model_validate_json(stored)


class ErpIdTaken(Exception):
    """Another debtor of the tenant has the ERP id a change gives this one."""


class DebtorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str, debtor_id: str) -> Debtor | None:
        row = (
            (
                await self._session.execute(
                    select(debtors).where(
                        debtors.c.tenant_id == tenant_id, debtors.c.id == debtor_id
                    )
                )
            )
            .mappings()
            .first()
        )
        return _to_debtor(row) if row else None

    async def get_by_erp_id(self, tenant_id: str, erp_id: str) -> Debtor | None:
        row = (
            (
                await self._session.execute(
                    select(debtors).where(
                        debtors.c.tenant_id == tenant_id, debtors.c.erp_id == erp_id
                    )
                )
            )
            .mappings()
            .first()
        )
        return _to_debtor(row) if row else None

    async def lock_many(
        self, tenant_id: str, *, ids: Collection[str] = (), erp_ids: Collection[str] = ()
    ) -> list[Debtor]:
        """The debtors with these ids or ERP ids, locked in id order.

        One order for every caller: two transactions locking overlapping sets cannot each
        wait for a row the other holds.
        """
        named = [
            one_of(self._session, column, values)
            for column, values in ((debtors.c.id, ids), (debtors.c.erp_id, erp_ids))
            if values
        ]
        if not named:
            return []
        query = (
            select(debtors)
            .where(debtors.c.tenant_id == tenant_id, or_(*named))
            .order_by(debtors.c.id)
            .with_for_update()
        )
        return [_to_debtor(row) for row in (await self._session.execute(query)).mappings()]

    async def list(
        self, tenant_id: str, *, after: str | None, limit: int, erp_id: str | None = None
    ) -> list[Debtor]:
        query = select(debtors).where(debtors.c.tenant_id == tenant_id)
        if erp_id is not None:
            query = query.where(debtors.c.erp_id == erp_id)
        if after:
            query = query.where(debtors.c.id > after)
        rows = (await self._session.execute(query.order_by(debtors.c.id).limit(limit))).mappings()
        return [_to_debtor(row) for row in rows]

    async def add(self, debtor: Debtor) -> bool:
        """Insert a new debtor; False when a concurrent request took its ERP id first."""
        return await insert_if_absent(self._session, debtors, _new_row(debtor))

    async def add_many(self, new: Sequence[Debtor]) -> int:
        """:meth:`add` for many debtors in one statement; how many went in (fewer: a
        concurrent request registered an ERP id)."""
        if not new:
            return 0
        dialect = self._session.get_bind().dialect.name
        statement = insert_unless_present(debtors, dialect).returning(debtors.c.id)
        return len((await self._session.execute(statement, [_new_row(d) for d in new])).all())

    async def save(self, debtor: Debtor) -> None:
        """Write a changed debtor; optimistic: fails if the stored version moved meanwhile."""
        try:
            result = await self._session.execute(
                update(debtors)
                .where(debtors.c.id == debtor.id, debtors.c.version == debtor.version - 1)
                .values(version=debtor.version, **_profile_columns(debtor))
            )
        except IntegrityError as error:
            # The one unique key a profile change can break is (tenant, erp_id): another
            # debtor took the ERP id after this change was checked. The transaction is lost.
            raise ErpIdTaken(debtor.profile.erp_id) from error
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(debtor.id)


def _new_row(debtor: Debtor) -> dict[str, Any]:
    return {
        "id": debtor.id,
        "tenant_id": debtor.tenant_id,
        "version": debtor.version,
        "created_at": debtor.created_at,
        **_profile_columns(debtor),
    }


def _profile_columns(debtor: Debtor) -> dict[str, Any]:
    p = debtor.profile
    return {
        "erp_id": p.erp_id,
        "name": p.name,
        "country": p.country,
        "currency": p.currency,
        "language": p.language,
        "time_zone": p.time_zone,
        "preferred_channel": p.preferred_channel.value if p.preferred_channel else None,
        "contacts": _Reach(contacts=p.contacts, postal_address=p.postal_address).model_dump_json(),
        "tags": json.dumps(list(p.tags)),
        "credit_policy": p.credit_policy.model_dump_json(),
        "updated_at": debtor.updated_at,
    }


def _to_debtor(row: Any) -> Debtor:
    reach = _reach_of(row["contacts"])
    profile = DebtorProfile(
        name=row["name"],
        country=row["country"],
        currency=row["currency"],
        erp_id=row["erp_id"],
        postal_address=reach.postal_address,
        contacts=reach.contacts,
        preferred_channel=Channel(row["preferred_channel"]) if row["preferred_channel"] else None,
        language=row["language"],
        time_zone=row["time_zone"],
        tags=tuple(json.loads(row["tags"])),
        credit_policy=CreditPolicy.model_validate_json(row["credit_policy"]),
    )
    return Debtor(
        row["id"], row["tenant_id"], profile, row["version"], row["created_at"], row["updated_at"]
    )
