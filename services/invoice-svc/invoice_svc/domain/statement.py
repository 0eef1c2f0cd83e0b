"""A debtor's account statement as a value: open items, aged, with totals per currency.

Aging buckets are the product's: current, 1-30, 31-60, 61-90, 90+ days past due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from debtflow_shared.catalog.debtor import ContactKind
from debtflow_shared.catalog.invoice import InvoiceStatus
from invoice_svc.domain.creditor_profile import CreditorDetails
from invoice_svc.domain.debtor import Debtor
from invoice_svc.domain.invoice import Invoice

# (label, lowest days past due) in ascending order; an item falls in the last bucket it reaches.
AGING_BUCKETS: tuple[tuple[str, int], ...] = (
    ("current", 0),
    ("1-30", 1),
    ("31-60", 31),
    ("61-90", 61),
    ("90+", 91),
)


def aging_bucket(days_past_due: int) -> str:
    return next(label for label, low in reversed(AGING_BUCKETS) if days_past_due >= low)


@dataclass(frozen=True)
class StatementItem:
    invoice_id: str
    number: str
    status: InvoiceStatus
    currency: str
    issue_date: date
    due_date: date
    amount_minor: int
    paid_minor: int  # principal paid so far (credit notes reduce the amount, not this)
    charges_open_minor: int
    open_balance_minor: int
    days_past_due: int
    bucket: str


@dataclass
class CurrencyTotals:
    currency: str
    buckets: dict[str, int] = field(default_factory=lambda: {b: 0 for b, _ in AGING_BUCKETS})
    open_balance_minor: int = 0
    unapplied_credit_minor: int = 0

    @property
    def balance_due_minor(self) -> int:
        """What the debtor still has to pay once its unapplied credit is used."""
        return self.open_balance_minor - self.unapplied_credit_minor


@dataclass(frozen=True)
class Statement:
    debtor: Debtor
    creditor: CreditorDetails | None
    as_of: date
    generated_at: datetime
    items: tuple[StatementItem, ...]
    totals: tuple[CurrencyTotals, ...]

    @property
    def postal_address(self) -> tuple[str, ...]:
        """The debtor's first usable postal address, one line per element."""
        for contact in self.debtor.profile.contacts:
            if contact.kind is ContactKind.POSTAL and contact.usable:
                return tuple(x.strip() for x in contact.value.splitlines() if x.strip())
        return ()


def statement_item(invoice: Invoice, as_of: date) -> StatementItem:
    days = max(0, (as_of - invoice.terms.due_date).days)
    return StatementItem(
        invoice_id=invoice.id,
        number=invoice.terms.number,
        status=invoice.status,
        currency=invoice.currency,
        issue_date=invoice.terms.issue_date,
        due_date=invoice.terms.due_date,
        amount_minor=invoice.amount_minor,
        paid_minor=invoice.principal_paid_minor,
        charges_open_minor=invoice.charges_open_minor,
        open_balance_minor=invoice.open_balance_minor,
        days_past_due=days,
        bucket=aging_bucket(days),
    )


def statement_totals(
    items: tuple[StatementItem, ...], credit: dict[str, int]
) -> tuple[CurrencyTotals, ...]:
    totals: dict[str, CurrencyTotals] = {}
    for item in items:
        entry = totals.setdefault(item.currency, CurrencyTotals(item.currency))
        entry.buckets[item.bucket] += item.open_balance_minor
        entry.open_balance_minor += item.open_balance_minor
    for currency, amount in credit.items():
        if amount:
            totals.setdefault(currency, CurrencyTotals(currency)).unapplied_credit_minor = amount
    return tuple(totals[c] for c in sorted(totals))
