"""notify-svc's own copies of what its messages show, kept from invoice-svc's events.

Notify never asks another service at send time: the debtor, the creditor and the invoices
are read from these copies in the transaction that marks a notification ``sending``, so what
a message states is the ledger as notify last heard it, and nothing is sent after a payment
notify has seen. Each copy keeps the version of the event it came from; a stale or repeated
event never moves a copy back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from debtflow_shared.catalog.invoice import ChargeKind, InvoiceStatus

# Statuses in which an invoice is still asked for: a message never names another one.
COLLECTIBLE = frozenset({InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID})


@dataclass(frozen=True)
class EmailAddress:
    address: str
    usable: bool
    label: str | None = None


@dataclass(frozen=True)
class PhoneNumber:
    number: str
    """E.164, as invoice-svc checked it"""
    sms_capable: bool
    usable: bool = True
    label: str | None = None


@dataclass(frozen=True)
class PostalAddress:
    """Where letters go (invoice-svc's structured ``postal_address``)."""

    lines: tuple[str, ...]
    city: str
    country: str
    postcode: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class DebtorCopy:
    tenant_id: str
    debtor_id: str
    version: int
    name: str
    language: str
    time_zone: str
    country: str
    currency: str
    emails: tuple[EmailAddress, ...] = ()
    postal_lines: tuple[str, ...] = ()
    phones: tuple[PhoneNumber, ...] = ()
    postal_address: PostalAddress | None = None


@dataclass(frozen=True)
class BankDetails:
    account_name: str
    iban: str | None = None
    bic: str | None = None
    sort_code: str | None = None
    account_number: str | None = None


@dataclass(frozen=True)
class CreditorCopy:
    tenant_id: str
    version: int
    legal_name: str
    address_lines: tuple[str, ...]
    postcode: str | None
    city: str | None
    country: str
    registration_numbers: dict[str, str] = field(default_factory=dict)
    bank_accounts: tuple[BankDetails, ...] = ()
    pay_link: str | None = None
    dispute_email: str | None = None
    dispute_phone: str | None = None


@dataclass(frozen=True)
class InvoiceCopy:
    tenant_id: str
    invoice_id: str
    debtor_id: str
    number: str
    issue_date: date
    due_date: date
    currency: str
    amount_minor: int
    principal_open_minor: int
    charges_open_minor: int
    status: InvoiceStatus
    version: int

    @property
    def open_balance_minor(self) -> int:
        return self.principal_open_minor + self.charges_open_minor

    @property
    def collectible(self) -> bool:
        """Still asked for: open, not disputed, paid, written off or cancelled, and owing."""
        return self.status in COLLECTIBLE and self.open_balance_minor > 0


@dataclass(frozen=True)
class ChargeCopy:
    """A late fee, interest or compensation invoice-svc added to an invoice."""

    tenant_id: str
    charge_id: str
    invoice_id: str
    kind: ChargeKind
    amount_minor: int
    currency: str
    description: str
    period_from: date | None = None
    period_to: date | None = None
