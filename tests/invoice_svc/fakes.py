"""In-memory versions of invoice-svc's repositories (``invoice_svc.domain.repositories``).

They keep the rules a use case relies on (tenant scoping, one ERP id per debtor of a
tenant, optimistic versions) and nothing else.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from debtflow_shared.optimistic_lock import ConcurrentUpdate
from invoice_svc.adapters.debtor_repository import ErpIdTaken
from invoice_svc.domain.credit_limit import CreditState
from invoice_svc.domain.debtor import Debtor

T = TypeVar("T", Debtor, CreditState)


def stored(aggregate: T) -> T:
    """A copy as a database row would hold it: the state, without events still to send."""
    row = copy.deepcopy(aggregate)
    row.pull_events()
    return row


class FakeDebtors:
    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], Debtor] = {}  # stored copies, by (tenant, id)

    async def get(self, tenant_id: str, debtor_id: str) -> Debtor | None:
        row = self._rows.get((tenant_id, debtor_id))
        return copy.deepcopy(row) if row else None

    async def get_by_erp_id(self, tenant_id: str, erp_id: str) -> Debtor | None:
        found = self._with_erp_id(tenant_id, erp_id)
        return copy.deepcopy(found) if found else None

    async def lock_many(
        self, tenant_id: str, *, ids: Collection[str] = (), erp_ids: Collection[str] = ()
    ) -> list[Debtor]:
        return [
            copy.deepcopy(d)
            for (tenant, _), d in sorted(self._rows.items())
            if tenant == tenant_id and (d.id in ids or d.profile.erp_id in erp_ids)
        ]

    async def list(
        self, tenant_id: str, *, after: str | None, limit: int, erp_id: str | None = None
    ) -> list[Debtor]:
        found = [
            copy.deepcopy(d)
            for (tenant, debtor_id), d in sorted(self._rows.items())
            if tenant == tenant_id
            and (after is None or debtor_id > after)
            and (erp_id is None or d.profile.erp_id == erp_id)
        ]
        return found[:limit]

    async def add(self, debtor: Debtor) -> bool:
        erp_id = debtor.profile.erp_id
        if erp_id is not None and self._with_erp_id(debtor.tenant_id, erp_id) is not None:
            return False
        self._rows[(debtor.tenant_id, debtor.id)] = stored(debtor)
        return True

    async def add_many(self, new: Sequence[Debtor]) -> int:
        return sum([await self.add(debtor) for debtor in new])

    async def save(self, debtor: Debtor) -> None:
        row = self._rows.get((debtor.tenant_id, debtor.id))
        if row is None or row.version != debtor.version - 1:
            raise ConcurrentUpdate(f"debtor {debtor.id}")
        holder = self._with_erp_id(debtor.tenant_id, debtor.profile.erp_id or "")
        if holder is not None and holder.id != debtor.id:
            raise ErpIdTaken(debtor.profile.erp_id)
        self._rows[(debtor.tenant_id, debtor.id)] = stored(debtor)

    def _with_erp_id(self, tenant_id: str, erp_id: str) -> Debtor | None:
        return next(
            (
                d
                for (tenant, _), d in self._rows.items()
                if tenant == tenant_id and erp_id and d.profile.erp_id == erp_id
            ),
            None,
        )


class FakeCreditStates:
    def __init__(self) -> None:
        self.states: dict[tuple[str, str], CreditState] = {}
        self.requests: set[tuple[str, str]] = set()

    async def get(self, tenant_id: str, debtor_id: str) -> CreditState:
        row = self.states.get((tenant_id, debtor_id))
        return copy.deepcopy(row) if row else CreditState(tenant_id, debtor_id)

    async def get_many(self, tenant_id: str, debtor_ids: Collection[str]) -> dict[str, CreditState]:
        return {debtor_id: await self.get(tenant_id, debtor_id) for debtor_id in debtor_ids}

    async def save(self, state: CreditState) -> None:
        self.states[(state.tenant_id, state.debtor_id)] = stored(state)

    async def remember_request(
        self, tenant_id: str, request_id: str, *, debtor_id: str, kind: str, now: datetime
    ) -> bool:
        if (tenant_id, request_id) in self.requests:
            return False
        self.requests.add((tenant_id, request_id))
        return True


class FakeBalances:
    """Open balances a test sets directly: ``balances.open[(tenant, debtor, currency)]``."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str, str], int] = {}

    async def open_balance(self, tenant_id: str, debtor_id: str, currency: str) -> int:
        return self.open.get((tenant_id, debtor_id, currency), 0)

    async def open_balances(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[tuple[str, str], int]:
        return {
            (debtor, currency): amount
            for (tenant, debtor, currency), amount in self.open.items()
            if tenant == tenant_id and debtor in debtor_ids
        }


@dataclass
class FakeRepositories:
    debtors: FakeDebtors = field(default_factory=FakeDebtors)
    credit_states: FakeCreditStates = field(default_factory=FakeCreditStates)
    balances: FakeBalances = field(default_factory=FakeBalances)
