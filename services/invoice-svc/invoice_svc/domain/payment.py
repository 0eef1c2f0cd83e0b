"""The payment aggregate: money received, where it went, and its reversal.

Allocation rules (documented in one place):

* To the invoices the payment names, in the order named; otherwise to the debtor's open
  invoices in the payment's currency, oldest due date first, then oldest issue date, then
  invoice id (a stable tie-break). Disputed invoices are only paid when named.
* Within an invoice, principal before charges unless the tenant's ledger settings say
  charges first (``domain/ledger_settings.py``).
* Whatever is left is unapplied credit on the account, in the payment's currency, and is
  spent on the debtor's next invoices in that currency *when they are issued*
  (:meth:`Payment.spend_credit`), oldest payment first.
* No conversion: a named invoice in another currency rejects the payment. A payment in a
  currency in which the debtor has no open invoice is rejected too, unless it is the
  debtor's own account currency (then it is a prepayment, kept as credit). A named invoice
  that is no longer collectible (paid, cancelled, written off) takes nothing.
* A reversal (bounce, chargeback) reopens exactly the allocations the payment made,
  including those made later from its credit, and takes back its unspent credit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from debtflow_shared.aggregate import EventRecorder
from debtflow_shared.catalog.invoice import Allocation, PaymentReceived, PaymentReversed
from debtflow_shared.catalog.money import Money
from invoice_svc.domain.invoice import (
    CHASED,
    COLLECTIBLE,
    CurrencyMismatch,
    Invoice,
    LedgerError,
)


class PaymentStatus(StrEnum):
    RECEIVED = "received"
    REVERSED = "reversed"


class PaymentAlreadyReversed(LedgerError):
    """A payment can bounce only once."""


@dataclass(frozen=True)
class AllocationLine:
    invoice_id: str
    principal_minor: int
    charges_minor: int

    @property
    def total_minor(self) -> int:
        return self.principal_minor + self.charges_minor


@dataclass(frozen=True)
class PaymentDetails:
    """What the ERP or the user says about the money received."""

    amount_minor: int
    currency: str
    received_on: date
    erp_id: str | None = None
    reference: str | None = None
    method: str | None = None


def oldest_due_first(invoices: Iterable[Invoice]) -> list[Invoice]:
    return sorted(invoices, key=lambda i: (i.terms.due_date, i.terms.issue_date, i.id))


@dataclass
class Payment(EventRecorder):
    id: str
    tenant_id: str
    debtor_id: str
    details: PaymentDetails
    status: PaymentStatus
    unapplied_minor: int
    version: int
    created_at: datetime
    allocations: list[AllocationLine] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.details.currency

    @classmethod
    def receive(
        cls,
        *,
        payment_id: str,
        tenant_id: str,
        debtor_id: str,
        details: PaymentDetails,
        named: Sequence[Invoice] | None,
        open_invoices: Sequence[Invoice] = (),
        account_currency: str,
        now: datetime,
        charges_first: bool = False,
    ) -> Payment:
        """Record money received and allocate it (``named`` wins over ``open_invoices``)."""
        if details.amount_minor <= 0:
            raise LedgerError("a payment amount must be positive", field="amount.amount_minor")
        targets = _targets(details.currency, named, open_invoices, account_currency)
        payment = cls(
            id=payment_id,
            tenant_id=tenant_id,
            debtor_id=debtor_id,
            details=details,
            status=PaymentStatus.RECEIVED,
            unapplied_minor=details.amount_minor,
            version=1,
            created_at=now,
        )
        touched = [i for i in targets if payment._allocate_to(i, now, charges_first)]
        payment._events.append(
            (
                PaymentReceived(
                    payment_id=payment.id,
                    erp_id=details.erp_id,
                    debtor_id=debtor_id,
                    amount=payment._money(details.amount_minor),
                    received_on=details.received_on,
                    reference=details.reference,
                    method=details.method,
                    allocations=payment._allocations_of(touched),
                    unapplied=payment._money(payment.unapplied_minor),
                    version=payment.version,
                ),
                tenant_id,
                debtor_id,
            )
        )
        return payment

    def spend_credit(self, invoice: Invoice, now: datetime) -> int:
        """Use this payment's unapplied credit on a new (or newly raised) invoice; what was used."""
        if self.status is not PaymentStatus.RECEIVED or invoice.currency != self.currency:
            return 0
        before = self.unapplied_minor
        if self._allocate_to(invoice, now, charges_first=False, from_credit=True):
            self.version += 1
        return before - self.unapplied_minor

    def reverse(self, *, reason: str, invoices: Mapping[str, Invoice], now: datetime) -> int:
        """Reopen what the payment paid; returns the unspent credit taken back from the account."""
        if self.status is PaymentStatus.REVERSED:
            raise PaymentAlreadyReversed(f"payment {self.id} was already reversed")
        touched = []
        for line in self.allocations:
            invoice = invoices[line.invoice_id]
            invoice.reopen(
                payment_id=self.id,
                principal_minor=line.principal_minor,
                charges_minor=line.charges_minor,
                now=now,
            )
            touched.append(invoice)
        taken_back, self.unapplied_minor = self.unapplied_minor, 0
        self.status = PaymentStatus.REVERSED
        self.version += 1
        self._events.append(
            (
                PaymentReversed(
                    payment_id=self.id,
                    debtor_id=self.debtor_id,
                    amount=self._money(self.details.amount_minor),
                    reason=reason,
                    reopened=self._allocations_of(touched),
                    version=self.version,
                ),
                self.tenant_id,
                self.debtor_id,
            )
        )
        return taken_back

    # -- internals --------------------------------------------------------------------------
    def _allocate_to(
        self, invoice: Invoice, now: datetime, charges_first: bool, from_credit: bool = False
    ) -> bool:
        if self.unapplied_minor <= 0 or invoice.status not in COLLECTIBLE:
            return False
        if from_credit:
            principal, charges = invoice.apply_account_credit(
                self.unapplied_minor,
                payment_id=self.id,
                received_on=self.details.received_on,
                now=now,
            )
        else:
            principal, charges = invoice.apply_payment(
                self.unapplied_minor,
                payment_id=self.id,
                now=now,
                paid_on=self.details.received_on,
                charges_first=charges_first,
            )
        if principal + charges == 0:
            return False
        self.unapplied_minor -= principal + charges
        self._add_allocation(AllocationLine(invoice.id, principal, charges))
        return True

    def _add_allocation(self, new: AllocationLine) -> None:
        # One line per invoice: credit may pay an invoice the payment already paid once.
        for index, line in enumerate(self.allocations):
            if line.invoice_id == new.invoice_id:
                self.allocations[index] = AllocationLine(
                    new.invoice_id,
                    line.principal_minor + new.principal_minor,
                    line.charges_minor + new.charges_minor,
                )
                return
        self.allocations.append(new)

    def _allocations_of(self, invoices: Sequence[Invoice]) -> tuple[Allocation, ...]:
        by_id = {i.id: i for i in invoices}
        return tuple(
            Allocation(
                invoice_id=line.invoice_id,
                principal=self._money(line.principal_minor),
                charges=self._money(line.charges_minor),
                invoice=by_id[line.invoice_id].state(),
            )
            for line in self.allocations
            if line.invoice_id in by_id
        )

    def _money(self, minor: int) -> Money:
        return Money(amount_minor=minor, currency=self.currency)


def _targets(
    currency: str,
    named: Sequence[Invoice] | None,
    open_invoices: Sequence[Invoice],
    account_currency: str,
) -> list[Invoice]:
    if named is not None:
        for index, invoice in enumerate(named):
            if invoice.currency != currency:
                raise CurrencyMismatch(
                    f"invoice {invoice.id} is in {invoice.currency}, the payment in {currency}; "
                    "debtflow does not convert currencies",
                    field=f"invoice_ids[{index}]",
                )
        return list(named)
    chased = [i for i in open_invoices if i.status in CHASED]
    same = [i for i in chased if i.currency == currency]
    if not same and currency != account_currency:
        owed = sorted({i.currency for i in chased}) or [account_currency]
        raise CurrencyMismatch(
            f"the debtor owes in {', '.join(owed)}, not {currency}; "
            "debtflow does not convert currencies",
            field="amount.currency",
        )
    return oldest_due_first(same)
