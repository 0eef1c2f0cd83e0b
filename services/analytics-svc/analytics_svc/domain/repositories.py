"""What analytics-svc's use cases need from storage: the repositories behind ``uow.repos``.

Every query is scoped to one tenant, except the event log's reads for a rebuild, which
replays every tenant's events.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from analytics_svc.domain.aging import OpenItem
from analytics_svc.domain.effectiveness import TouchOutcome
from analytics_svc.domain.ledger import LedgerEntry
from analytics_svc.domain.lifecycles import Lifecycle
from analytics_svc.domain.observations import DebtorFact, Facts, InvoiceObservation, PaymentFact
from analytics_svc.domain.payment_history import DebtorHistory, InvoiceHistory
from analytics_svc.domain.propensity import DebtorScore, PublishedScore
from analytics_svc.domain.propensity_model import ModelInForce
from analytics_svc.domain.touches import TouchFact, TouchKind

InvoiceKey = tuple[str, str]
"""(tenant id, invoice id)."""


@dataclass(frozen=True)
class LoggedEvent:
    """An event as the log keeps it: the envelope exactly as received."""

    seq: int
    event_id: str
    tenant_id: str
    topic: str
    dataschema: str
    subject: str
    occurred_at: datetime
    envelope_json: str


class EventLog(Protocol):
    async def append(self, events: Sequence[LoggedEvent], *, recorded_at: datetime) -> None:
        """Add events not logged yet (an event id already there is left as it is)."""
        ...

    async def count(self) -> int: ...

    async def read_after(self, seq: int, limit: int) -> list[LoggedEvent]:
        """The next ``limit`` events after position ``seq``, in the order they were logged."""
        ...


class Ledger(Protocol):
    async def add(self, facts: Facts) -> set[InvoiceKey]:
        """Keep the facts (each observation once, the newest of each payment and debtor);
        returns the invoices whose entries must be derived again."""
        ...

    async def lock(self, keys: Collection[InvoiceKey]) -> None:
        """Hold these invoices until commit: one transaction at a time derives an invoice's
        entries from every observation committed before it."""
        ...

    async def observations(
        self, keys: Collection[InvoiceKey]
    ) -> dict[InvoiceKey, list[InvoiceObservation]]: ...

    async def received_on(
        self, tenant_id: str, payment_ids: Collection[str]
    ) -> dict[str, date]: ...

    async def replace_entries(
        self, keys: Collection[InvoiceKey], entries: Sequence[LedgerEntry]
    ) -> None: ...

    async def open_items(
        self, tenant_id: str, currency: str, as_of: date, *, after_debtor: str | None = None
    ) -> list[OpenItem]:
        """Every invoice in ``currency`` with something open at the end of ``as_of`` (of the
        debtors after ``after_debtor`` by id, if given), by debtor id."""
        ...

    async def currencies(self, tenant_id: str) -> list[str]: ...

    async def daily_sales(self, tenant_id: str, currency: str, end: date) -> dict[date, int]:
        """Credit sales by day, up to and including ``end`` (days with none left out)."""
        ...

    async def debtor_entries(
        self, tenant_id: str, debtor_id: str, as_of: date
    ) -> list[LedgerEntry]: ...

    async def debtor(self, tenant_id: str, debtor_id: str) -> DebtorFact | None: ...

    async def debtor_names(self, tenant_id: str, debtor_ids: Collection[str]) -> dict[str, str]: ...

    async def debtor_payments(self, tenant_id: str, debtor_id: str) -> list[PaymentFact]: ...

    async def has_debtor_entries(self, tenant_id: str, debtor_id: str) -> bool: ...

    async def issued_invoices(self, tenant_id: str, start: date, end: date) -> set[str]:
        """The invoices issued from ``start`` to ``end``, in any currency."""
        ...

    async def clear(self) -> None:
        """Empty every read model (a rebuild fills them again from the event log)."""
        ...


class Touches(Protocol):
    async def add(self, facts: Sequence[TouchFact]) -> None:
        """Keep each touch, merged with what earlier events said of it."""
        ...

    async def outcomes(
        self, tenant_id: str, kind: TouchKind, start: date, end: date
    ) -> list[TouchOutcome]: ...


class Lifecycles(Protocol):
    async def add(self, facts: Sequence[Lifecycle]) -> None: ...

    async def touching(
        self, tenant_id: str, start: date, end: date, subjects: Collection[str]
    ) -> list[Lifecycle]: ...


class Risk(Protocol):
    async def tenants(self) -> list[str]:
        """Every tenant with a debtor or an invoice."""
        ...

    async def lock_debtors(self, tenant_id: str, debtor_ids: Collection[str]) -> None:
        """Hold these debtors' scores until commit (one transaction rescores one at a time)."""
        ...

    async def debtor_ids(self, tenant_id: str) -> list[str]:
        """Every debtor with an invoice, by id."""
        ...

    async def lock_daily_run(self, tenant_id: str) -> None:
        """Hold the tenant's daily run until commit (one replica runs it)."""
        ...

    async def histories(
        self, tenant_id: str, debtor_ids: Collection[str] | None = None
    ) -> list[DebtorHistory]:
        """Each debtor's invoices, promises and disputes (every debtor's, if None), by id."""
        ...

    async def invoices(self, tenant_id: str, currency: str) -> list[InvoiceHistory]:
        """Every invoice in ``currency`` with its dated changes (forecasts read them)."""
        ...

    async def model(self, tenant_id: str) -> ModelInForce | None: ...

    async def save_model(self, model: ModelInForce) -> None: ...

    async def published(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[str, PublishedScore]: ...

    async def save_published(
        self, tenant_id: str, published: dict[str, PublishedScore], at: datetime
    ) -> None: ...

    async def save_scores(self, scores: Sequence[DebtorScore], at: datetime) -> None: ...

    async def score(self, tenant_id: str, debtor_id: str) -> DebtorScore | None: ...

    async def by_expected_recovery(
        self, tenant_id: str, currency: str, after: tuple[int, str] | None, limit: int
    ) -> list[DebtorScore]:
        """Scores in ``currency``, largest expected recovery first (then by debtor id),
        after the key ``after`` (expected recovery, debtor id)."""
        ...


class Repositories(Protocol):
    """``uow.repos`` in analytics-svc."""

    @property
    def events(self) -> EventLog: ...

    @property
    def ledger(self) -> Ledger: ...

    @property
    def touches(self) -> Touches: ...

    @property
    def lifecycles(self) -> Lifecycles: ...

    @property
    def risk(self) -> Risk: ...
