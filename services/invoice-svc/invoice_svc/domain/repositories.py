"""What the use cases need from storage: the repositories behind ``uow.repos``.

The service layer is written against these protocols; ``adapters/repositories.py``
implements them over SQL, and the use-case tests implement them in memory
(``tests/invoice_svc/fakes.py``) to exercise a use case with no database. Every query is
scoped to one tenant.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from invoice_svc.domain.credit_limit import CreditState
from invoice_svc.domain.debtor import Debtor


class Debtors(Protocol):
    async def get(self, tenant_id: str, debtor_id: str) -> Debtor | None: ...

    async def get_by_erp_id(self, tenant_id: str, erp_id: str) -> Debtor | None: ...

    async def lock_many(
        self, tenant_id: str, *, ids: Collection[str] = (), erp_ids: Collection[str] = ()
    ) -> list[Debtor]:
        """The debtors with these ids or ERP ids, locked in id order."""
        ...

    async def list(
        self, tenant_id: str, *, after: str | None, limit: int, erp_id: str | None = None
    ) -> list[Debtor]: ...

    async def add(self, debtor: Debtor) -> bool:
        """Insert a new debtor; False when a concurrent request took its ERP id first."""
        ...

    async def add_many(self, new: Sequence[Debtor]) -> int: ...

    async def save(self, debtor: Debtor) -> None:
        """Write a changed debtor; raises if its ERP id is taken or its version moved."""
        ...


class CreditStates(Protocol):
    async def get(self, tenant_id: str, debtor_id: str) -> CreditState:
        """The debtor's state (never held, if nothing was ever recorded)."""
        ...

    async def get_many(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[str, CreditState]: ...

    async def save(self, state: CreditState) -> None: ...

    async def remember_request(
        self, tenant_id: str, request_id: str, *, debtor_id: str, kind: str, now: datetime
    ) -> bool:
        """Note a hold/release request as acted on; False if it already was."""
        ...


class Balances(Protocol):
    async def open_balance(self, tenant_id: str, debtor_id: str, currency: str) -> int:
        """Open principal plus open charges of the debtor's collectible invoices."""
        ...

    async def open_balances(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[tuple[str, str], int]:
        """:meth:`open_balance` of many debtors at once, by ``(debtor id, currency)``."""
        ...


class Repositories(Protocol):
    """``uow.repos`` in invoice-svc."""

    @property
    def debtors(self) -> Debtors: ...

    @property
    def credit_states(self) -> CreditStates: ...

    @property
    def balances(self) -> Balances: ...
