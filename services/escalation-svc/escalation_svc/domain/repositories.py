"""What the use cases need from storage: the repositories behind ``uow.repos``.

``adapters/repositories.py`` implements them over SQL. Every query is scoped to one tenant
(the scheduler's claim of due timers is the one cross-tenant read, and it only yields the
tenant and debtor to work on).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from escalation_svc.domain.arrangements import Arrangement, ArrangementFilter
from escalation_svc.domain.case import Case, CaseFilter, TimelineEntry
from escalation_svc.domain.contact_restriction import Restriction
from escalation_svc.domain.debtor_profile import DebtorProfile
from escalation_svc.domain.ladder_run import Notification
from escalation_svc.domain.policy import Policy
from escalation_svc.domain.task import DebtorScore, Priority, Task, TaskFilter
from escalation_svc.domain.timer import Timer
from escalation_svc.domain.tracked_invoice import TrackedInvoice


class Profiles(Protocol):
    async def get(self, tenant_id: str, debtor_id: str) -> DebtorProfile | None: ...

    async def get_many(
        self, tenant_id: str, debtor_ids: Sequence[str]
    ) -> dict[str, DebtorProfile]: ...

    async def put_all_if_newer(self, profiles: Sequence[DebtorProfile]) -> None: ...


class Policies(Protocol):
    async def latest(self, tenant_id: str, policy_id: str) -> Policy | None: ...

    async def get(self, tenant_id: str, policy_id: str, version: int) -> Policy | None: ...

    async def list_latest(
        self, tenant_id: str, *, after: str | None, limit: int
    ) -> list[Policy]: ...

    async def add(self, policy: Policy) -> bool: ...

    async def archive(self, tenant_id: str, policy_id: str) -> None: ...


class Invoices(Protocol):
    async def get(self, tenant_id: str, invoice_id: str) -> TrackedInvoice | None: ...

    async def of_debtor(self, tenant_id: str, debtor_id: str) -> list[TrackedInvoice]: ...

    async def of_debtors(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[str, list[TrackedInvoice]]: ...

    async def join_cases(self, tenant_id: str, joined: Collection[tuple[str, str]]) -> None: ...

    async def of_case(self, tenant_id: str, case_id: str) -> list[TrackedInvoice]: ...

    async def debtors_with_invoices(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> set[str]: ...

    async def put(self, invoice: TrackedInvoice) -> None: ...

    async def join_case(
        self, tenant_id: str, invoice_ids: Collection[str], case_id: str
    ) -> None: ...

    async def leave_case(self, tenant_id: str, case_id: str) -> None: ...


class Cases(Protocol):
    async def get(self, tenant_id: str, case_id: str) -> Case | None: ...

    async def active_for(self, tenant_id: str, debtor_id: str) -> Case | None: ...

    async def current_for_many(
        self, tenant_id: str, debtor_ids: Sequence[str]
    ) -> dict[str, Case]: ...

    async def last_closed_for(self, tenant_id: str, debtor_id: str) -> Case | None: ...

    async def save_many(self, changed: Sequence[Case]) -> None: ...

    async def save(self, case: Case) -> None: ...

    async def find(
        self, tenant_id: str, where: CaseFilter, *, after: str | None, limit: int
    ) -> list[Case]: ...

    async def timeline(
        self, tenant_id: str, case_id: str, *, after: int | None, limit: int
    ) -> list[tuple[int, TimelineEntry]]: ...


class Notifications(Protocol):
    async def get(self, tenant_id: str, dedup_key: str) -> Notification | None: ...

    async def unsettled(self, tenant_id: str, case_id: str) -> list[Notification]: ...

    async def of_case(self, tenant_id: str, case_id: str) -> list[Notification]: ...

    async def unsettled_for_cases(
        self, tenant_id: str, case_ids: Collection[str]
    ) -> dict[str, list[Notification]]: ...

    async def settle_many(self, tenant_id: str, statuses: dict[str, str]) -> None: ...

    async def add_many(self, tenant_id: str, new: Sequence[tuple[str, Notification]]) -> None: ...

    async def set_status(
        self, tenant_id: str, dedup_key: str, status: str, *, fallback_done: bool = False
    ) -> None: ...


class Contacts(Protocol):
    async def add_attempt(
        self,
        tenant_id: str,
        debtor_id: str,
        attempt_id: str,
        channel: str,
        at: datetime,
        *,
        conversation: bool = False,
    ) -> bool: ...

    async def attempts_since(
        self, tenant_id: str, debtor_id: str, since: datetime
    ) -> list[tuple[datetime, bool]]: ...

    async def attempts_since_many(
        self, tenant_id: str, debtor_ids: Collection[str], since: datetime
    ) -> dict[str, list[tuple[datetime, bool]]]: ...

    async def restrictions_many(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[str, list[Restriction]]: ...

    async def failed_addresses_many(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[str, set[tuple[str, str]]]: ...

    async def all_attempts(self, tenant_id: str, debtor_id: str) -> list[dict[str, Any]]: ...

    async def restrictions(self, tenant_id: str, debtor_id: str) -> list[Restriction]: ...

    async def put_restriction(self, tenant_id: str, restriction: Restriction) -> None: ...

    async def remove_restriction(
        self, tenant_id: str, debtor_id: str, channel: str, kind: str
    ) -> bool: ...

    async def next_rule_version(self, tenant_id: str, debtor_id: str) -> int: ...

    async def add_failed_address(
        self, tenant_id: str, debtor_id: str, channel: str, address: str, reason: str, at: datetime
    ) -> None: ...

    async def failed_addresses(self, tenant_id: str, debtor_id: str) -> set[tuple[str, str]]: ...


class Timers(Protocol):
    async def lock(self, tenant_id: str, debtor_id: str) -> Timer: ...

    async def lock_many(self, tenant_id: str, debtor_ids: Collection[str]) -> list[Timer]: ...

    async def flag(
        self, tenant_id: str, debtor_id: str, *, overdue: bool = False, reversal: bool = False
    ) -> None: ...

    async def set(
        self,
        tenant_id: str,
        debtor_id: str,
        due_at: datetime | None,
        *,
        clear_flags: bool = False,
        failures: int = 0,
    ) -> None: ...

    async def set_many(
        self, tenant_id: str, due: dict[str, datetime | None], *, cleared: Collection[str] = ()
    ) -> None: ...

    async def claim_due(self, now: datetime, limit: int) -> list[Timer]: ...


class Arrangements(Protocol):
    """Promises, plans and settlements (``kind``: promise, plan, settlement)."""

    async def get(self, tenant_id: str, kind: str, arrangement_id: str) -> Arrangement | None: ...

    async def in_force_for_cases(
        self, tenant_id: str, case_ids: Collection[str]
    ) -> dict[str, Arrangement]: ...

    async def find(
        self, tenant_id: str, kind: str, where: ArrangementFilter, *, after: str | None, limit: int
    ) -> list[Arrangement]: ...

    async def put(self, arrangement: Arrangement) -> None: ...

    async def put_many(self, changed: Collection[Arrangement]) -> None: ...


class Tasks(Protocol):
    async def get(self, tenant_id: str, task_id: str) -> Task | None: ...

    async def add_many(self, new: Sequence[Task]) -> None: ...

    async def put(self, task: Task) -> None: ...

    async def find(
        self,
        tenant_id: str,
        where: TaskFilter,
        *,
        today: date,
        after: tuple[int, str] | None,
        limit: int,
    ) -> list[tuple[Task, Priority]]: ...

    async def put_score_if_newer(self, score: DebtorScore) -> None: ...


class Repositories(Protocol):
    """``uow.repos`` in escalation-svc."""

    @property
    def profiles(self) -> Profiles: ...

    @property
    def policies(self) -> Policies: ...

    @property
    def invoices(self) -> Invoices: ...

    @property
    def cases(self) -> Cases: ...

    @property
    def notifications(self) -> Notifications: ...

    @property
    def contacts(self) -> Contacts: ...

    @property
    def timers(self) -> Timers: ...

    @property
    def arrangements(self) -> Arrangements: ...

    @property
    def tasks(self) -> Tasks: ...
