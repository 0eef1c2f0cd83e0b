"""The invoice aggregate: what one receivable owes, and every change to it.

Balances are integer minor units in the invoice's currency: ``principal_open`` (what is
left of the invoiced amount) and ``charges_open`` (fees and interest added later). The
status says where the invoice is in its life cycle; *overdue* is not a status but a fact
derived from ``overdue_at`` (the debtor-local midnight after the due date) and the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from debtflow_shared.aggregate import EventRecorder
from debtflow_shared.catalog import EventPayload
from debtflow_shared.catalog.invoice import (
    ChargeKind,
    CreditSpent,
    DisputeOutcome,
    InvoiceCancelled,
    InvoiceChargeApplied,
    InvoiceCredited,
    InvoiceDisputed,
    InvoiceDisputeResolved,
    InvoiceIssued,
    InvoicePaid,
    InvoiceState,
    InvoiceStatus,
    InvoiceUpdated,
    InvoiceWrittenOff,
)
from debtflow_shared.catalog.money import Money
from invoice_svc.domain import due_dates
from invoice_svc.domain.principal_history import ChangeKind, PrincipalChange

# Statuses in which money is still collected (and may be paid).
COLLECTIBLE = frozenset({InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.DISPUTED})
# Statuses the overdue sweeper and the "overdue" filter consider (disputes pause collection).
CHASED = frozenset({InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID})


class LedgerError(Exception):
    """A change the ledger refuses; ``field`` names the input at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AmountBelowPaid(LedgerError):
    """An amendment would make the invoice smaller than what was already paid on it."""


class InvoiceNotCollectible(LedgerError):
    """The invoice is paid, cancelled or written off: the change makes no sense any more."""


class CreditExceedsBalance(LedgerError):
    """A credit note larger than the principal still open."""


class InvoiceHasPayments(LedgerError):
    """Cancelling an invoice money was already applied to."""


class CurrencyIsFixed(LedgerError):
    """An amendment changing the currency: an issued invoice keeps its currency for good
    (cancel it and issue a new one), paid or not, since its events and statements name it."""


class CurrencyMismatch(LedgerError):
    """Money in one currency offered to an invoice or account in another (no conversion)."""


class DisputeAlreadyOpen(LedgerError):
    """The invoice already has an open dispute: one at a time."""


class DisputeNotOpen(LedgerError):
    """The dispute was already resolved."""


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    amount_minor: int
    quantity: str | None = None  # a decimal as text, shown as sent


@dataclass(frozen=True)
class InvoiceTerms:
    """What the ERP says about an invoice; comparing two tells whether an amendment changes it."""

    number: str
    currency: str
    issue_date: date
    due_date: date
    amount_minor: int
    lines: tuple[InvoiceLine, ...] = ()


DISPUTE_OPEN = "open"  # then "upheld" or "rejected" (DisputeOutcome)


@dataclass
class Dispute:
    """A disagreement about an invoice; part of the invoice aggregate (changed under its lock).

    While it is open the invoice is ``disputed`` and out of collection. The status to return
    to is not stored: it follows from the balances (open, partially paid or paid).
    """

    id: str
    tenant_id: str
    invoice_id: str
    debtor_id: str
    reason: str
    amount_minor: int
    currency: str
    raised_by: str
    status: str  # open | upheld | rejected
    request_id: str | None
    opened_at: datetime
    resolution_note: str | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class Charge:
    """A late fee, interest or compensation added to an invoice: its own line, never principal."""

    id: str
    tenant_id: str
    invoice_id: str
    kind: ChargeKind
    amount_minor: int
    currency: str
    request_id: str | None
    period_from: date | None
    period_to: date | None
    description: str
    created_at: datetime


_AMENDABLE = ("number", "currency", "issue_date", "due_date", "amount_minor", "lines")


@dataclass
class Invoice(EventRecorder):
    id: str
    tenant_id: str
    debtor_id: str
    erp_id: str | None
    terms: InvoiceTerms
    principal_open_minor: int
    charges_open_minor: int
    status: InvoiceStatus
    version: int
    overdue_at: datetime
    due_soon_at: datetime
    overdue_announced: bool
    due_soon_announced: bool
    interest_charged_to: date | None
    created_at: datetime
    updated_at: datetime
    # Changes of the open principal not yet written (``principal_history``), and the day the
    # debt last grew (issue or a raising amendment), which account credit spent on it dates.
    _principal_changes: list[PrincipalChange] = field(
        default_factory=list, init=False, repr=False, compare=False
    )
    _raised_on: date | None = field(default=None, init=False, repr=False, compare=False)

    # -- reading ----------------------------------------------------------------------------
    @property
    def currency(self) -> str:
        return self.terms.currency

    @property
    def amount_minor(self) -> int:
        return self.terms.amount_minor

    @property
    def open_balance_minor(self) -> int:
        return self.principal_open_minor + self.charges_open_minor

    @property
    def principal_paid_minor(self) -> int:
        return self.terms.amount_minor - self.principal_open_minor

    def is_overdue(self, now: datetime) -> bool:
        return self.status in CHASED and now >= self.overdue_at

    def money(self, minor: int) -> Money:
        # Not validated again: the currency was checked when the invoice came in, and six of
        # these per invoice state were a tenth of an ERP batch's CPU.
        return Money.model_construct(amount_minor=minor, currency=self.currency)

    def state(self) -> InvoiceState:
        t = self.terms
        return InvoiceState(
            invoice_id=self.id,
            erp_id=self.erp_id,
            number=t.number,
            debtor_id=self.debtor_id,
            issue_date=t.issue_date,
            due_date=t.due_date,
            amount=self.money(t.amount_minor),
            principal_open=self.money(self.principal_open_minor),
            charges_open=self.money(self.charges_open_minor),
            open_balance=self.money(self.open_balance_minor),
            status=self.status,
            version=self.version,
        )

    # -- life cycle -------------------------------------------------------------------------
    @classmethod
    def issue(
        cls,
        *,
        invoice_id: str,
        tenant_id: str,
        debtor_id: str,
        erp_id: str | None,
        terms: InvoiceTerms,
        time_zone: str,
        now: datetime,
    ) -> Invoice:
        if terms.amount_minor <= 0:
            raise LedgerError("an invoice amount must be positive", field="amount")
        invoice = cls(
            id=invoice_id,
            tenant_id=tenant_id,
            debtor_id=debtor_id,
            erp_id=erp_id,
            terms=terms,
            principal_open_minor=terms.amount_minor,
            charges_open_minor=0,
            status=InvoiceStatus.OPEN,
            version=1,
            overdue_at=due_dates.overdue_at(terms.due_date, time_zone),
            due_soon_at=due_dates.due_soon_at(terms.due_date, time_zone),
            overdue_announced=False,
            due_soon_announced=False,
            interest_charged_to=None,
            created_at=now,
            updated_at=now,
        )
        invoice._principal_moved(ChangeKind.ISSUED, terms.amount_minor, terms.issue_date)
        invoice._raised_on = terms.issue_date
        invoice._record(InvoiceIssued(invoice=invoice.state()))
        return invoice

    def principal_changes_to_write(self) -> tuple[PrincipalChange, ...]:
        """The principal changes made since they were last written."""
        return tuple(self._principal_changes)

    def principal_changes_written(self) -> None:
        """Forget them: they are stored (a failed write keeps them for the next try)."""
        self._principal_changes = []

    def amendment(self, terms: InvoiceTerms) -> tuple[str, ...]:
        """The fields :meth:`amend` with ``terms`` would change (none: it would do nothing)."""
        return tuple(f for f in _AMENDABLE if getattr(terms, f) != getattr(self.terms, f))

    def amend(self, terms: InvoiceTerms, *, time_zone: str, now: datetime) -> tuple[str, ...]:
        """Apply the ERP's new version; returns the changed fields (none: nothing happens)."""
        changed = self.amendment(terms)
        if not changed:
            return ()
        self._require(COLLECTIBLE | {InvoiceStatus.PAID}, "amended")
        if terms.amount_minor <= 0:
            raise LedgerError("an invoice amount must be positive", field="amount")
        if "currency" in changed:
            raise CurrencyIsFixed(
                f"the invoice was issued in {self.currency}, its currency cannot change to "
                f"{terms.currency}: cancel it and issue a new one",
                field="amount.currency",
            )
        delta = terms.amount_minor - self.terms.amount_minor
        if self.principal_open_minor + delta < 0:
            raise AmountBelowPaid(
                f"{self.principal_paid_minor} was already paid or credited on this invoice; "
                f"the amount cannot drop to {terms.amount_minor}",
                field="amount",
            )
        self.principal_open_minor += delta
        if delta:
            today = now.astimezone(ZoneInfo(time_zone)).date()
            self._principal_moved(ChangeKind.AMENDED, delta, today)
            if delta > 0:
                self._raised_on = today
        self.terms = terms
        was_paid = self.status is InvoiceStatus.PAID
        if was_paid:
            self.status = InvoiceStatus.OPEN  # _settle decides again from the balances
        if "due_date" in changed:
            self._reschedule(time_zone, now)
        self._settle(now)
        if was_paid:
            self._owed_again(now)
        self._bump(now)
        self._record(InvoiceUpdated(invoice=self.state(), changed=changed))
        if self.status is InvoiceStatus.PAID and delta:
            self._record(InvoicePaid(invoice=self.state(), paid_on=now.date()))
        return changed

    def credit(self, *, credit_note_id: str, amount_minor: int, reason: str, now: datetime) -> None:
        """A credit note: the invoiced principal (and what is open of it) shrinks."""
        self._require(COLLECTIBLE, "credited")
        if amount_minor <= 0:
            raise LedgerError("a credit note amount must be positive", field="amount")
        if amount_minor > self.principal_open_minor:
            raise CreditExceedsBalance(
                f"only {self.principal_open_minor} of principal is open", field="amount"
            )
        self.terms = replace(self.terms, amount_minor=self.terms.amount_minor - amount_minor)
        self.principal_open_minor -= amount_minor
        self._principal_moved(
            ChangeKind.CREDITED, -amount_minor, now.date(), reference=credit_note_id
        )
        self._settle(now)
        self._bump(now)
        self._record(
            InvoiceCredited(
                invoice=self.state(),
                credit_note_id=credit_note_id,
                amount=self.money(amount_minor),
                reason=reason,
            )
        )
        self._announce_if_paid(now)

    def cancel(self, *, reason: str, now: datetime) -> None:
        self._require(COLLECTIBLE, "cancelled")
        if self.principal_paid_minor:
            raise InvoiceHasPayments(
                "money was applied to this invoice; credit it or reverse the payment instead"
            )
        self._principal_moved(ChangeKind.CANCELLED, -self.principal_open_minor, now.date())
        self.principal_open_minor = self.charges_open_minor = 0
        self.status = InvoiceStatus.CANCELLED
        self._bump(now)
        self._record(InvoiceCancelled(invoice=self.state(), reason=reason))

    def write_off(self, *, reason: str, now: datetime, request_id: str | None = None) -> None:
        """Write off what is open; ``request_id`` names the ``write_off.requested`` it answers."""
        self._require(COLLECTIBLE, "written off")
        written = self.open_balance_minor
        self._principal_moved(ChangeKind.WRITTEN_OFF, -self.principal_open_minor, now.date())
        self.principal_open_minor = self.charges_open_minor = 0
        self.status = InvoiceStatus.WRITTEN_OFF
        self._bump(now)
        self._record(
            InvoiceWrittenOff(
                invoice=self.state(),
                amount=self.money(written),
                reason=reason,
                request_id=request_id,
            )
        )

    def add_charge(self, amount_minor: int, now: datetime) -> None:
        """Raise the charges balance (the charge itself and its event belong to the caller)."""
        self._require(COLLECTIBLE, "charged")
        self.charges_open_minor += amount_minor
        self._settle(now)
        self._bump(now)

    def apply_charge(
        self,
        *,
        charge_id: str,
        kind: ChargeKind,
        amount_minor: int,
        description: str,
        now: datetime,
        request_id: str | None = None,
        period: tuple[date, date] | None = None,
        correction: bool = False,
    ) -> Charge:
        """Add a charge; interest also moves ``interest_charged_to`` to the period's last day.

        An interest ``correction`` (of days charged before) may make the charge negative, or
        cover no new days, but never takes the charges balance below zero.
        """
        self._require(CHASED, "charged")
        if correction and kind is not ChargeKind.INTEREST:
            raise LedgerError("only interest is corrected", field="kind")
        if amount_minor == 0 or (amount_minor < 0 and not correction):
            raise LedgerError("a charge must be positive", field="amount")
        if amount_minor < -self.charges_open_minor:
            raise LedgerError("a correction cannot exceed the open charges", field="amount")
        if kind is ChargeKind.INTEREST:
            if period is None and not correction:
                raise LedgerError("interest covers a period", field="period")
            if period is not None:
                if self.interest_charged_to is not None and period[0] <= self.interest_charged_to:
                    raise LedgerError(f"interest is charged up to {self.interest_charged_to}")
                self.interest_charged_to = period[1]
        self.add_charge(amount_minor, now)
        charge = Charge(
            id=charge_id,
            tenant_id=self.tenant_id,
            invoice_id=self.id,
            kind=kind,
            amount_minor=amount_minor,
            currency=self.currency,
            request_id=request_id,
            period_from=period[0] if period else None,
            period_to=period[1] if period else None,
            description=description,
            created_at=now,
        )
        self._record(
            InvoiceChargeApplied(
                invoice=self.state(),
                charge_id=charge_id,
                kind=kind,
                amount=self.money(amount_minor),
                request_id=request_id,
                period_from=charge.period_from,
                period_to=charge.period_to,
                description=description,
            )
        )
        if amount_minor < 0:
            self._announce_if_paid(now)  # the credit may have settled what was left
        return charge

    def open_dispute(
        self,
        *,
        dispute_id: str,
        reason: str,
        amount_minor: int | None,
        raised_by: str,
        now: datetime,
        request_id: str | None = None,
    ) -> Dispute:
        """Pause collection; ``amount_minor`` defaults to the open balance.

        The caller checks that no other dispute is open (``DisputeAlreadyOpen``).
        """
        if self.status is InvoiceStatus.DISPUTED:
            raise DisputeAlreadyOpen(f"invoice {self.id} is already disputed")
        self._require(CHASED, "disputed")
        disputed = self.open_balance_minor if amount_minor is None else amount_minor
        if disputed <= 0 or disputed > self.open_balance_minor:
            raise LedgerError(
                f"the disputed amount must be between 1 and the open {self.open_balance_minor}",
                field="disputed_amount",
            )
        dispute = Dispute(
            id=dispute_id,
            tenant_id=self.tenant_id,
            invoice_id=self.id,
            debtor_id=self.debtor_id,
            reason=reason,
            amount_minor=disputed,
            currency=self.currency,
            raised_by=raised_by,
            status=DISPUTE_OPEN,
            request_id=request_id,
            opened_at=now,
        )
        self.status = InvoiceStatus.DISPUTED
        self._bump(now)
        self._record(
            InvoiceDisputed(
                invoice=self.state(),
                dispute_id=dispute_id,
                reason=reason,
                disputed_amount=self.money(disputed),
                raised_by=raised_by,
            )
        )
        return dispute

    def resolve_dispute(
        self,
        dispute: Dispute,
        outcome: DisputeOutcome,
        *,
        now: datetime,
        note: str | None = None,
        credit_note_id: str | None = None,
    ) -> int:
        """Close ``dispute``; returns the principal credited (upheld: the disputed amount, as
        far as principal is still open, by a credit note with ``credit_note_id``).

        Either way the invoice goes back to the status its balances give. A rejected dispute
        on a past-due invoice is announced overdue again, so collection restarts from there.
        """
        if dispute.status != DISPUTE_OPEN:
            raise DisputeNotOpen(f"dispute {dispute.id} is already {dispute.status}")
        credited = 0
        if outcome is DisputeOutcome.UPHELD:
            credited = min(dispute.amount_minor, self.principal_open_minor)
            if credited and self.status in COLLECTIBLE:
                assert credit_note_id is not None, "an upheld dispute needs a credit note id"
                self.credit(
                    credit_note_id=credit_note_id,
                    amount_minor=credited,
                    reason=f"dispute upheld: {dispute.reason}",
                    now=now,
                )
            else:
                credited = 0
        if self.status is InvoiceStatus.DISPUTED:
            self.status = InvoiceStatus.OPEN  # _settle refines it from the balances
            self._settle(now)
            if outcome is DisputeOutcome.REJECTED:
                self._owed_again(now)
        self._bump(now)
        dispute.status = outcome.value
        dispute.resolution_note = note
        dispute.resolved_at = now
        self._record(
            InvoiceDisputeResolved(
                invoice=self.state(),
                dispute_id=dispute.id,
                outcome=outcome,
                credited=self.money(credited) if credited else None,
                note=note,
            )
        )
        return credited

    def apply_payment(
        self,
        available_minor: int,
        *,
        payment_id: str,
        now: datetime,
        paid_on: date,
        charges_first: bool = False,
    ) -> tuple[int, int]:
        """Take up to ``available_minor`` of the money ``payment_id`` received on ``paid_on``:
        principal before charges unless told otherwise.

        Returns ``(principal, charges)`` taken; emits ``invoice.paid`` if nothing is left.
        """
        return self._take(available_minor, ChangeKind.PAID, payment_id, paid_on, now, charges_first)

    def _take(
        self,
        available_minor: int,
        kind: ChangeKind,
        payment_id: str,
        on: date,
        now: datetime,
        charges_first: bool,
    ) -> tuple[int, int]:
        self._require(COLLECTIBLE, "paid")
        take = min(available_minor, self.open_balance_minor)
        if take <= 0:
            return 0, 0
        if charges_first:
            charges = min(take, self.charges_open_minor)
            principal = take - charges
        else:
            principal = min(take, self.principal_open_minor)
            charges = take - principal
        self.principal_open_minor -= principal
        self.charges_open_minor -= charges
        if principal:
            self._principal_moved(kind, -principal, on, payment_id=payment_id)
        self._settle(now)
        self._bump(now)
        self._announce_if_paid(now, on)
        return principal, charges

    def apply_account_credit(
        self, available_minor: int, *, payment_id: str, received_on: date, now: datetime
    ) -> tuple[int, int]:
        """Spend ``payment_id``'s unapplied account credit on this invoice (on issue, or when an
        amendment raises its amount), as ``invoice.updated`` naming the payment.

        It pays from the later of the day the money arrived and the day the debt arose.
        """
        first_event = len(self._events)
        status_before = self.status
        on = max(received_on, self._raised_on or received_on)
        principal, charges = self._take(
            available_minor, ChangeKind.CREDIT_SPENT, payment_id, on, now, charges_first=False
        )
        if principal + charges:
            changed: tuple[str, ...] = ("principal_open", "status")
            if self.status is status_before:
                changed = ("principal_open",)
            spent = CreditSpent(
                payment_id=payment_id, principal=self.money(principal), charges=self.money(charges)
            )
            update = InvoiceUpdated(invoice=self.state(), changed=changed, credit_spent=spent)
            self._events.insert(first_event, (update, self.tenant_id, self.debtor_id))
        return principal, charges

    def reopen(
        self, *, payment_id: str, principal_minor: int, charges_minor: int, now: datetime
    ) -> None:
        """Put back what the reversed payment ``payment_id`` had paid (as never received)."""
        was_paid = self.status is InvoiceStatus.PAID
        if principal_minor:
            self._principal_moved(
                ChangeKind.REVERSED, principal_minor, now.date(), payment_id=payment_id
            )
        self.principal_open_minor += principal_minor
        self.charges_open_minor += charges_minor
        if self.status in {InvoiceStatus.PAID, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.OPEN}:
            self.status = InvoiceStatus.OPEN  # _settle refines it to partially_paid
        self._settle(now)
        if was_paid:
            self._owed_again(now)
        self._bump(now)

    # -- internals --------------------------------------------------------------------------
    def _require(self, allowed: frozenset[InvoiceStatus], verb: str) -> None:
        if self.status not in allowed:
            raise InvoiceNotCollectible(f"a {self.status.value} invoice cannot be {verb}")

    def _reschedule(self, time_zone: str, now: datetime) -> None:
        self.overdue_at = due_dates.overdue_at(self.terms.due_date, time_zone)
        self.due_soon_at = due_dates.due_soon_at(self.terms.due_date, time_zone)
        if self.overdue_at > now:
            self.overdue_announced = False
        if self.due_soon_at > now:
            self.due_soon_announced = False

    def _owed_again(self, now: datetime) -> None:
        """Back in collection (paid, then owing again; or a dispute rejected): if past due,
        the sweeper announces a new overdue transition (escalation had closed its case)."""
        if self.status is not InvoiceStatus.PAID and now >= self.overdue_at:
            self.overdue_announced = False

    def _settle(self, now: datetime) -> None:
        if self.status not in COLLECTIBLE:
            return
        if self.open_balance_minor == 0:
            self.status = InvoiceStatus.PAID
        elif self.status is not InvoiceStatus.DISPUTED:
            paid_something = self.principal_open_minor < self.terms.amount_minor
            self.status = InvoiceStatus.PARTIALLY_PAID if paid_something else InvoiceStatus.OPEN

    def _announce_if_paid(self, now: datetime, paid_on: date | None = None) -> None:
        if self.status is InvoiceStatus.PAID:
            self._record(InvoicePaid(invoice=self.state(), paid_on=paid_on or now.date()))

    def _bump(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now

    def _record(self, payload: EventPayload) -> None:
        self._events.append((payload, self.tenant_id, self.debtor_id))

    def _principal_moved(
        self,
        kind: ChangeKind,
        delta_minor: int,
        on: date,
        *,
        payment_id: str | None = None,
        reference: str | None = None,
    ) -> None:
        self._principal_changes.append(
            PrincipalChange(kind, delta_minor, on, payment_id=payment_id, reference=reference)
        )
