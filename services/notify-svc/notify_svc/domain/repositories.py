"""What notify's use cases need from storage: the repositories behind ``uow.repos``.

Implemented over SQL in ``adapters/``; every query is scoped to one tenant except the
dispatcher's claim of due notifications, which spans tenants by design.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from notify_svc.domain.copies import ChargeCopy, CreditorCopy, DebtorCopy, InvoiceCopy
from notify_svc.domain.history import DebtorHistory
from notify_svc.domain.notification import Notification, Status
from notify_svc.domain.restrictions import ContactRestriction
from notify_svc.domain.suppression import Suppression
from notify_svc.domain.templates import Template


class Copies(Protocol):
    async def debtor(self, tenant_id: str, debtor_id: str) -> DebtorCopy | None: ...

    async def put_debtor(self, debtor: DebtorCopy) -> bool:
        """Store unless the same or a newer version is stored; whether it was stored."""
        ...

    async def creditor(self, tenant_id: str) -> CreditorCopy | None: ...

    async def put_creditor(self, creditor: CreditorCopy) -> bool: ...

    async def invoices(
        self, tenant_id: str, invoice_ids: Collection[str]
    ) -> dict[str, InvoiceCopy]: ...

    async def open_invoices(self, tenant_id: str, debtor_id: str) -> list[InvoiceCopy]: ...

    async def put_invoices(self, invoices: Sequence[InvoiceCopy]) -> None:
        """Store each unless the same or a newer version of it is stored."""
        ...

    async def put_charge(self, charge: ChargeCopy) -> None: ...

    async def charges(self, tenant_id: str, invoice_ids: Collection[str]) -> list[ChargeCopy]: ...


class Suppressions(Protocol):
    async def add(self, suppression: Suppression) -> bool:
        """Put the address on the list; False if it already was (the first reason stays)."""
        ...

    async def suppressed(
        self, tenant_id: str, channel: str, addresses: Collection[str]
    ) -> set[str]: ...

    async def list(
        self, tenant_id: str, *, after: str | None, limit: int, channel: str | None
    ) -> list[Suppression]: ...


class Restrictions(Protocol):
    async def put_if_newer(self, restriction: ContactRestriction) -> bool: ...

    async def for_debtor(self, tenant_id: str, debtor_id: str) -> list[ContactRestriction]: ...


@dataclass(frozen=True)
class NotificationFilter:
    debtor_id: str | None = None
    status: Status | None = None
    channel: str | None = None
    case_id: str | None = None


@dataclass(frozen=True)
class DueNotification:
    tenant_id: str
    notification_id: str
    channel: str


class Notifications(Protocol):
    async def add(self, notification: Notification) -> bool:
        """Insert; False when the tenant already has a notification with its dedup key."""
        ...

    async def get(self, tenant_id: str, notification_id: str) -> Notification | None: ...

    async def by_dedup_key(self, tenant_id: str, dedup_key: str) -> Notification | None: ...

    async def lock(self, tenant_id: str, notification_id: str) -> Notification | None:
        """The notification, its row locked until the transaction ends."""
        ...

    async def save(self, notification: Notification) -> None:
        """Write its state and attempts."""
        ...

    async def due(
        self,
        now: datetime,
        machine_now: datetime,
        limit: int,
        skip_channels: Collection[str] = (),
    ) -> list[DueNotification]:
        """Waiting ones whose time has come, and ``sending`` ones whose lease ran out, on
        any channel but ``skip_channels`` (their provider's breaker is open)."""
        ...

    async def list(
        self, tenant_id: str, where: NotificationFilter, *, after: str | None, limit: int
    ) -> list[Notification]: ...

    async def last_sent_at(
        self, tenant_id: str, debtor_id: str, *, other_than: tuple[str, str] | None = None
    ) -> datetime | None:
        """When the debtor's newest message went, not counting those of the step
        ``other_than`` (case id, step) names."""
        ...

    async def wake_unresolved(self, tenant_id: str, debtor_id: str | None, now: datetime) -> None:
        """Look again now at the debtor's (None: the tenant's) notifications waiting for a
        copy notify did not have."""
        ...

    async def by_message_id(self, message_id: str) -> Notification | None: ...

    async def mark_delivered(self, notification_id: str, at: datetime) -> bool:
        """Note the provider's delivery confirmation; False if it was already noted."""
        ...

    async def record_bounce(
        self, notification_id: str, bounce: str, reason: str, at: datetime
    ) -> bool:
        """Note a bounce of this kind for the message; False if it was already noted."""
        ...

    async def remember_cancel(
        self, tenant_id: str, dedup_key: str, reason: str, at: datetime
    ) -> None: ...

    async def early_cancel(self, tenant_id: str, dedup_key: str) -> str | None:
        """The reason of a cancel that came before its request, if one did."""
        ...


class Templates(Protocol):
    async def add(self, template: Template) -> Template:
        """Store as the next version of its key, locale and tone; the stored template."""
        ...

    async def newest(self, tenant_id: str, key: str, locale: str, tone: str) -> Template | None:
        """The newest version not retired."""
        ...

    async def retire(self, tenant_id: str, key: str, locale: str, tone: str, at: datetime) -> bool:
        """Retire every version (kept, never used again); False if none was in use."""
        ...

    async def version(
        self, tenant_id: str, key: str, locale: str, tone: str, version: int
    ) -> Template | None: ...

    async def list(
        self, tenant_id: str, *, after: str | None, limit: int, key: str | None
    ) -> list[Template]:
        """The newest version of each of the tenant's templates, by key, locale and tone."""
        ...


class History(Protocol):
    async def invoice_paid(
        self, tenant_id: str, invoice_id: str, debtor_id: str, due_date: date, paid_on: date
    ) -> None: ...

    async def payment_received(
        self,
        tenant_id: str,
        payment_id: str,
        debtor_id: str,
        received_on: date,
        amount_minor: int,
        currency: str,
    ) -> None: ...

    async def payment_reversed(self, tenant_id: str, payment_id: str) -> None: ...

    async def promise_broken(
        self, tenant_id: str, promise_id: str, debtor_id: str, broken_on: date
    ) -> None: ...

    async def history(self, tenant_id: str, debtor_id: str) -> DebtorHistory: ...


class Repositories(Protocol):
    @property
    def copies(self) -> Copies: ...

    @property
    def suppressions(self) -> Suppressions: ...

    @property
    def restrictions(self) -> Restrictions: ...

    @property
    def notifications(self) -> Notifications: ...

    @property
    def templates(self) -> Templates: ...

    @property
    def history(self) -> History: ...
