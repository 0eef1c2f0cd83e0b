"""Invoice, payment and credit events (invoice-svc owns the ledger).

Every invoice- and payment-scoped payload carries the aggregate's ``version`` and its
resulting state, so a consumer that sees events out of order across topics can tell a
stale one from a new one without asking.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from debtflow_shared.catalog.common import ONE_LINE, EntityId, Name, Version
from debtflow_shared.catalog.money import Money
from debtflow_shared.catalog.registry import EventPayload, event


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    DISPUTED = "disputed"
    WRITTEN_OFF = "written_off"
    CANCELLED = "cancelled"


class ChargeKind(StrEnum):
    LATE_FEE = "late_fee"
    INTEREST = "interest"
    COMPENSATION = "compensation"


class InvoiceState(BaseModel):
    """An invoice as it stands after the change the event reports."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    invoice_id: EntityId
    erp_id: str | None = None
    number: str
    debtor_id: EntityId
    issue_date: date
    due_date: date
    amount: Money = Field(description="the principal as invoiced (after credit notes)")
    principal_open: Money
    charges_open: Money
    open_balance: Money = Field(description="principal_open + charges_open")
    status: InvoiceStatus
    version: Version


@event("invoice.issued", producer="invoice-svc")
class InvoiceIssued(EventPayload):
    """A new receivable exists."""

    invoice: InvoiceState


class CreditSpent(BaseModel):
    """Unapplied account credit, left by an earlier payment, spent on an invoice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    payment_id: EntityId = Field(description="the payment whose unapplied credit was used")
    principal: Money
    charges: Money


@event("invoice.updated", producer="invoice-svc")
class InvoiceUpdated(EventPayload):
    """An ERP amendment changed the invoice (amount, dates, number), or account credit paid
    part of it (``credit_spent``; the payment's unapplied credit shrinks by as much)."""

    invoice: InvoiceState
    changed: tuple[str, ...] = Field(description="names of the fields that changed")
    credit_spent: CreditSpent | None = None


@event("invoice.credited", producer="invoice-svc")
class InvoiceCredited(EventPayload):
    """A credit note reduced what is owed on the invoice."""

    invoice: InvoiceState
    credit_note_id: EntityId
    amount: Money
    reason: str


@event("invoice.due_soon", producer="invoice-svc")
class InvoiceDueSoon(EventPayload):
    """The invoice falls due in a few days (pre-due reminders)."""

    invoice: InvoiceState
    days_until_due: int = Field(ge=0)


@event("invoice.overdue", producer="invoice-svc")
class InvoiceOverdue(EventPayload):
    """The invoice passed its due date unpaid (once per overdue transition)."""

    invoice: InvoiceState
    overdue_since: date = Field(description="the debtor-local day after the due date")


@event("invoice.charge_applied", producer="invoice-svc")
class InvoiceChargeApplied(EventPayload):
    """A late fee, statutory interest or compensation was added to the invoice as a charge."""

    invoice: InvoiceState
    charge_id: EntityId
    kind: ChargeKind
    amount: Money
    request_id: str | None = Field(default=None, description="the charge.requested it answers")
    period_from: date | None = None
    period_to: date | None = None
    description: str


@event("invoice.paid", producer="invoice-svc")
class InvoicePaid(EventPayload):
    """The invoice's principal and charges are both zero."""

    invoice: InvoiceState
    paid_on: date


class DisputeOutcome(StrEnum):
    UPHELD = "upheld"
    REJECTED = "rejected"


@event("invoice.disputed", producer="invoice-svc")
class InvoiceDisputed(EventPayload):
    """A dispute was opened on the invoice: collection of it pauses."""

    invoice: InvoiceState
    dispute_id: EntityId
    reason: str
    disputed_amount: Money
    raised_by: str


@event("invoice.dispute_resolved", producer="invoice-svc")
class InvoiceDisputeResolved(EventPayload):
    """A dispute was closed: upheld (credited) or rejected (back into collection)."""

    invoice: InvoiceState
    dispute_id: EntityId
    outcome: DisputeOutcome
    credited: Money | None = None
    note: str | None = None


@event("invoice.written_off", producer="invoice-svc")
class InvoiceWrittenOff(EventPayload):
    """The rest of the invoice will not be collected."""

    invoice: InvoiceState
    amount: Money = Field(description="what was written off")
    reason: str
    request_id: str | None = Field(
        default=None, description="the write_off.requested it answers (none if written off by hand)"
    )


@event("invoice.cancelled", producer="invoice-svc")
class InvoiceCancelled(EventPayload):
    """The invoice was cancelled in the ERP and leaves collection."""

    invoice: InvoiceState
    reason: str


class Allocation(BaseModel):
    """What part of a payment went to one invoice, and the invoice after it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    invoice_id: EntityId
    principal: Money
    charges: Money
    invoice: InvoiceState


@event("payment.received", producer="invoice-svc")
class PaymentReceived(EventPayload):
    """Money was received and allocated to invoices (and any rest kept as account credit)."""

    payment_id: EntityId
    erp_id: str | None = None
    debtor_id: EntityId
    amount: Money
    received_on: date
    reference: str | None = None
    method: str | None = None
    allocations: tuple[Allocation, ...]
    unapplied: Money = Field(description="what is left as credit on the account")
    version: Version


@event("payment.reversed", producer="invoice-svc")
class PaymentReversed(EventPayload):
    """A payment bounced or was charged back: the invoices it paid reopen."""

    payment_id: EntityId
    debtor_id: EntityId
    amount: Money
    reason: str
    reopened: tuple[Allocation, ...]
    version: Version


class CreditHoldReason(StrEnum):
    LIMIT_EXCEEDED = "limit_exceeded"
    REQUESTED = "requested"


@event("debtor.credit_hold", producer="invoice-svc")
class DebtorCreditHold(EventPayload):
    """The ERP should stop selling to the debtor on credit."""

    debtor_id: EntityId
    reason: CreditHoldReason
    open_balance: Money
    credit_limit: Money | None = None
    request_id: str | None = None


@event("debtor.credit_released", producer="invoice-svc")
class DebtorCreditReleased(EventPayload):
    """The ERP may sell to the debtor on credit again."""

    debtor_id: EntityId
    reason: str
    open_balance: Money
    request_id: str | None = None


MAX_ADDRESS_LINES = 6
MAX_BANK_ACCOUNTS = 10


class PostalAddress(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lines: tuple[Annotated[str, Field(min_length=1, max_length=200), ONE_LINE], ...] = Field(
        min_length=1, max_length=MAX_ADDRESS_LINES
    )
    postcode: Annotated[str, Field(min_length=1, max_length=20), ONE_LINE] | None = None
    city: Annotated[str, Field(min_length=1, max_length=100), ONE_LINE] | None = None
    country: str = Field(pattern=r"^[A-Z]{2}$")


class BankAccount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    account_name: Name
    iban: Annotated[str, Field(min_length=1, max_length=34), ONE_LINE] | None = None
    bic: Annotated[str, Field(min_length=1, max_length=11), ONE_LINE] | None = None
    sort_code: Annotated[str, Field(min_length=1, max_length=20), ONE_LINE] | None = None
    account_number: Annotated[str, Field(min_length=1, max_length=34), ONE_LINE] | None = None


@event("creditor.profile_updated", producer="invoice-svc")
class CreditorProfileUpdated(EventPayload):
    """The tenant's creditor profile changed; notify-svc keeps a copy for its messages."""

    legal_name: str
    address: PostalAddress
    registration_numbers: dict[str, str] = Field(default_factory=dict)
    bank_accounts: tuple[BankAccount, ...] = Field(default=(), max_length=MAX_BANK_ACCOUNTS)
    pay_link: str | None = None
    dispute_email: str | None = None
    dispute_phone: str | None = None
    version: Version
