"""A debtor's payment history as scoring and forecasting read it: each invoice's dated
changes, its promises and its disputes, from the ledger read model and the lifecycles.

Everything is asked "as known at the end of a day", so the same history answers for any
past day (a training example, a back-test) from what had happened by then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from analytics_svc.domain.ledger import EntryKind, LedgerEntry
from analytics_svc.domain.lifecycles import Lifecycle, LifecycleKind

_PAID_BY = frozenset({EntryKind.PAYMENT, EntryKind.CREDIT_SPENT})
_MONEY_IN = frozenset({EntryKind.PAYMENT, EntryKind.CREDIT_SPENT, EntryKind.REVERSAL})


@dataclass(frozen=True)
class Change:
    on_date: date
    kind: EntryKind
    delta_minor: int  # principal and charges together


@dataclass(frozen=True)
class InvoiceHistory:
    invoice_id: str
    debtor_id: str
    currency: str
    issue_date: date
    due_date: date
    changes: tuple[Change, ...]  # by day, then version

    def open_on(self, day: date) -> int:
        """What is open (principal and charges) at the end of ``day``."""
        return sum(c.delta_minor for c in self.changes if c.on_date <= day)

    def settled(self, known_through: date) -> tuple[date, bool] | None:
        """The day it was last brought to zero by ``known_through``, and whether a payment
        did it (not a credit note, write-off or cancellation); None while it is open."""
        running, last = 0, None
        for change in self.changes:
            if change.on_date > known_through:
                break
            running += change.delta_minor
            if running <= 0 and change.delta_minor < 0:
                last = (change.on_date, change.kind in _PAID_BY)
            elif running > 0:
                last = None
        return last if running <= 0 else None

    def paid_on(self, known_through: date) -> date | None:
        settled = self.settled(known_through)
        return settled[0] if settled and settled[1] else None

    def collected(self, start: date, end: date) -> int:
        """Money in (payments and spent credit, less reversals) from ``start`` to ``end``."""
        return -sum(
            c.delta_minor for c in self.changes if c.kind in _MONEY_IN and start <= c.on_date <= end
        )


@dataclass(frozen=True)
class Promise:
    made_on: date | None  # None: only its outcome has arrived so far
    closed_on: date | None
    outcome: str | None  # kept, broken, or None while open


@dataclass
class DebtorHistory:
    tenant_id: str
    debtor_id: str
    currency: str | None = None  # the debtor's own currency, from debtor.upserted
    credit_limit_minor: int | None = None
    invoices: list[InvoiceHistory] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)
    disputes_opened: list[date] = field(default_factory=list)

    @property
    def scoring_currency(self) -> str | None:
        """The debtor's currency, else that of its invoices (the first, by id)."""
        if self.currency:
            return self.currency
        return min((i.currency for i in self.invoices), default=None)


def invoice_histories(entries: Iterable[LedgerEntry]) -> list[InvoiceHistory]:
    """Each invoice's history from its ledger entries (the newest version's dates rule)."""
    by_invoice: dict[str, list[LedgerEntry]] = {}
    for entry in entries:
        by_invoice.setdefault(entry.invoice_id, []).append(entry)
    histories = []
    for invoice_id in sorted(by_invoice):
        found = sorted(by_invoice[invoice_id], key=lambda e: (e.on_date, e.version))
        newest = max(found, key=lambda e: e.version)
        histories.append(
            InvoiceHistory(
                invoice_id=invoice_id,
                debtor_id=newest.debtor_id,
                currency=newest.currency,
                issue_date=newest.issue_date,
                due_date=newest.due_date,
                changes=tuple(
                    Change(e.on_date, e.kind, e.principal_delta_minor + e.charges_delta_minor)
                    for e in found
                ),
            )
        )
    return histories


def add_lifecycles(history: DebtorHistory, found: Iterable[Lifecycle]) -> None:
    """Add the debtor's promises and disputes (other lifecycles say nothing of paying)."""
    for item in found:
        if item.kind is LifecycleKind.PROMISE:
            history.promises.append(Promise(item.opened_on, item.closed_on, item.outcome))
        elif item.kind is LifecycleKind.DISPUTE and item.opened_on is not None:
            history.disputes_opened.append(item.opened_on)
