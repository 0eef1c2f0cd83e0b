"""Whether a debtor is on credit hold, and why (``debtor_credit_state``)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.db import insert_if_absent
from debtflow_shared.value_lists import one_of
from invoice_svc.adapters.tables import credit_requests, debtor_credit_state
from invoice_svc.domain.credit_limit import CreditState


class CreditStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._stored: set[tuple[str, str]] = set()

    async def get(self, tenant_id: str, debtor_id: str) -> CreditState:
        """The debtor's state (never held, if nothing was ever recorded); callers hold its lock."""
        t = debtor_credit_state.c
        row = (
            (
                await self._session.execute(
                    select(debtor_credit_state).where(
                        t.tenant_id == tenant_id, t.debtor_id == debtor_id
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return CreditState(tenant_id, debtor_id)
        self._stored.add((tenant_id, debtor_id))
        return _to_state(row)

    async def get_many(self, tenant_id: str, debtor_ids: Collection[str]) -> dict[str, CreditState]:
        """:meth:`get` for many debtors at once, by debtor id."""
        t = debtor_credit_state.c
        query = select(debtor_credit_state).where(
            t.tenant_id == tenant_id, one_of(self._session, t.debtor_id, debtor_ids)
        )
        states = {d: CreditState(tenant_id, d) for d in debtor_ids}
        for row in (await self._session.execute(query)).mappings():
            self._stored.add((tenant_id, row["debtor_id"]))
            states[row["debtor_id"]] = _to_state(row)
        return states

    async def save(self, state: CreditState) -> None:
        key = (state.tenant_id, state.debtor_id)
        values = {
            "on_hold": state.on_hold,
            "held_for_limit": state.held_for_limit,
            "held_on_request": state.held_on_request,
            "updated_at": state.updated_at,
        }
        t = debtor_credit_state.c
        if key in self._stored:
            result = await self._session.execute(
                update(debtor_credit_state)
                .where(t.tenant_id == state.tenant_id, t.debtor_id == state.debtor_id)
                .values(**values)
            )
            # One repository serves a whole unit of work: a row it inserted may have been
            # undone by a savepoint since, so a missed update inserts after all.
            if result.rowcount == 1:  # type: ignore[attr-defined]
                return
        await self._session.execute(
            insert(debtor_credit_state).values(
                tenant_id=state.tenant_id, debtor_id=state.debtor_id, **values
            )
        )
        self._stored.add(key)

    async def remember_request(
        self, tenant_id: str, request_id: str, *, debtor_id: str, kind: str, now: datetime
    ) -> bool:
        """Note a hold/release request as acted on; False if it already was."""
        row = {
            "tenant_id": tenant_id,
            "request_id": request_id,
            "debtor_id": debtor_id,
            "kind": kind,
            "received_at": now,
        }
        return await insert_if_absent(self._session, credit_requests, row)


def _to_state(row: Any) -> CreditState:
    return CreditState(
        row["tenant_id"],
        row["debtor_id"],
        on_hold=row["on_hold"],
        held_for_limit=row["held_for_limit"],
        held_on_request=row["held_on_request"],
        updated_at=row["updated_at"],
    )
