"""A debtor's account statement as a value: open items, each with the lines that make up its
balance (the invoice as issued, then credit notes, payments and charges), aged, with totals
per currency.

Aging buckets are the product's: current, 1-30, 31-60, 61-90, 90+ days past due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from debtflow_shared.catalog.debtor import ContactKind
from debtflow_shared.catalog.invoice import ChargeKind, InvoiceStatus
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


class LineKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    CHARGE = "charge"
    # The part of a balance no recorded line explains (e.g. a charge added before charges
    # had rows): shown, so the lines still add up to what is owed.
    ADJUSTMENT = "adjustment"


@dataclass(frozen=True)
class InvoiceActivity:
    """A credit note, payment allocation or charge recorded against one invoice."""

    invoice_id: str
    kind: LineKind
    on: date
    amount_minor: int  # signed: + adds to what is owed, - takes off it
    recorded_at: datetime  # orders lines of one day
    detail: str | None = None  # credit note reason, payment reference
    charge_kind: ChargeKind | None = None
    period: tuple[date, date] | None = None  # interest: the days it covers


@dataclass(frozen=True)
class StatementLine:
    kind: LineKind
    on: date
    amount_minor: int  # signed, like ``InvoiceActivity.amount_minor``
    balance_minor: int  # the invoice's balance after this line
    detail: str | None = None
    charge_kind: ChargeKind | None = None
    period: tuple[date, date] | None = None


@dataclass(frozen=True)
class StatementItem:
    invoice_id: str
    number: str
    status: InvoiceStatus
    currency: str
    issue_date: date
    due_date: date
    amount_minor: int  # as it stands, after credit notes
    paid_minor: int  # principal paid so far (credit notes reduce the amount, not this)
    charges_open_minor: int
    open_balance_minor: int
    days_past_due: int
    bucket: str
    lines: tuple[StatementLine, ...] = ()

    @property
    def issued_minor(self) -> int:
        """The amount as invoiced, before any credit note."""
        return self.lines[0].amount_minor if self.lines else self.amount_minor


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
    as_of: date  # the day the items are aged at
    generated_at: datetime
    items: tuple[StatementItem, ...]
    totals: tuple[CurrencyTotals, ...]
    issued_on: date | None = None  # the business clock's day in the debtor's zone

    @property
    def statement_date(self) -> date:
        return self.issued_on or self.as_of

    @property
    def account(self) -> str:
        """The debtor's account number as the creditor knows it (the ERP's id if given)."""
        return self.debtor.profile.erp_id or self.debtor.id

    @property
    def number(self) -> str:
        """One number per debtor and statement date: a statement re-run that day keeps it."""
        return statement_number(self.account, self.statement_date)

    @property
    def postal_address(self) -> tuple[str, ...]:
        """The debtor's first usable postal address, one line per element."""
        for contact in self.debtor.profile.contacts:
            if contact.kind is ContactKind.POSTAL and contact.usable:
                return tuple(x.strip() for x in contact.value.splitlines() if x.strip())
        return ()


def statement_number(account: str, day: date) -> str:
    return f"ST-{account}-{day:%Y%m%d}"


def statement_item(
    invoice: Invoice, as_of: date, activity: tuple[InvoiceActivity, ...] = ()
) -> StatementItem:
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
        lines=statement_lines(invoice, activity),
    )


def statement_lines(
    invoice: Invoice, activity: tuple[InvoiceActivity, ...]
) -> tuple[StatementLine, ...]:
    """The invoice as issued, then its activity by date, running to its open balance."""
    credited = -sum(a.amount_minor for a in activity if a.kind is LineKind.CREDIT_NOTE)
    balance = invoice.amount_minor + credited
    lines = [StatementLine(LineKind.INVOICE, invoice.terms.issue_date, balance, balance)]
    for a in sorted(activity, key=lambda a: (a.on, a.recorded_at)):
        balance += a.amount_minor
        lines.append(
            StatementLine(a.kind, a.on, a.amount_minor, balance, a.detail, a.charge_kind, a.period)
        )
    if (gap := invoice.open_balance_minor - balance) != 0:
        lines.append(
            StatementLine(LineKind.ADJUSTMENT, lines[-1].on, gap, invoice.open_balance_minor)
        )
    return tuple(lines)


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
