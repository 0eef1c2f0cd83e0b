"""An invoice's ledger: what each of its versions changed, on which business day.

Derived from every state the events reported (:class:`InvoiceObservation`), never from
their arrival order: states are taken in version order and each entry is the difference
from the version before it. A version not seen yet leaves its change in the next one seen,
and moves it back when it arrives; the sums are the same either way. When version 1 (the
issue) has not been seen, the invoice's first known state stands for it (its amount issued
on its issue date) until it arrives.

Sales (``sales_delta_minor``): the amount an invoice was issued for on its issue date, less
each credit note (and upheld dispute) on its day, plus or minus an ERP amendment of the
amount on its day; a cancelled invoice counts as credited in full on the day it was
cancelled. Write-offs and payments are not sales: they only reduce what is open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from analytics_svc.domain.observations import InvoiceObservation


class EntryKind(StrEnum):
    ISSUED = "issued"
    PAYMENT = "payment"
    CREDIT_SPENT = "credit_spent"
    REVERSAL = "reversal"
    CREDIT_NOTE = "credit_note"
    CHARGE = "charge"
    AMENDMENT = "amendment"
    WRITE_OFF = "write_off"
    CANCELLED = "cancelled"
    STATUS = "status"  # a dispute opened or rejected: nothing owed changed


# When several events report one version, the one that caused it names the entry (a
# payment's invoice.paid reports the state payment.received made).
_CAUSES: tuple[tuple[str, EntryKind], ...] = (
    ("invoice.issued", EntryKind.ISSUED),
    ("payment.received", EntryKind.PAYMENT),
    ("payment.reversed", EntryKind.REVERSAL),
    ("invoice.credited", EntryKind.CREDIT_NOTE),
    ("invoice.dispute_resolved", EntryKind.CREDIT_NOTE),
    ("invoice.charge_applied", EntryKind.CHARGE),
    ("invoice.updated", EntryKind.AMENDMENT),
    ("invoice.written_off", EntryKind.WRITE_OFF),
    ("invoice.cancelled", EntryKind.CANCELLED),
    ("invoice.disputed", EntryKind.STATUS),
    ("invoice.paid", EntryKind.PAYMENT),
    ("invoice.overdue", EntryKind.STATUS),
    ("invoice.due_soon", EntryKind.STATUS),
)
_RANK = {topic: rank for rank, (topic, _) in enumerate(_CAUSES)}
_KIND = dict(_CAUSES)


@dataclass(frozen=True)
class LedgerEntry:
    tenant_id: str
    invoice_id: str
    version: int
    debtor_id: str
    currency: str
    number: str
    kind: EntryKind
    on_date: date
    issue_date: date
    due_date: date
    principal_delta_minor: int
    charges_delta_minor: int
    sales_delta_minor: int
    payment_id: str | None = None


def _cause(observations: list[InvoiceObservation]) -> InvoiceObservation:
    return min(observations, key=lambda o: (_RANK.get(o.topic, len(_RANK)), o.event_id))


def _entry(
    seen: InvoiceObservation,
    kind: EntryKind,
    on: date,
    principal: int,
    charges: int,
    sales: int,
    version: int | None = None,
) -> LedgerEntry:
    return LedgerEntry(
        tenant_id=seen.tenant_id,
        invoice_id=seen.invoice_id,
        version=seen.version if version is None else version,
        debtor_id=seen.debtor_id,
        currency=seen.currency,
        number=seen.number,
        kind=kind,
        on_date=on,
        issue_date=seen.issue_date,
        due_date=seen.due_date,
        principal_delta_minor=principal,
        charges_delta_minor=charges,
        sales_delta_minor=sales,
        payment_id=seen.payment_id,
    )


def ledger_entries(
    observations: Iterable[InvoiceObservation], received_on: Mapping[str, date]
) -> list[LedgerEntry]:
    """One invoice's entries from its observations; ``received_on`` dates the payments
    whose account credit was spent on it (credit is spent from the later of the day the
    money arrived and the day the debt last grew, as invoice-svc books it)."""
    by_version: dict[int, list[InvoiceObservation]] = {}
    for seen in observations:
        by_version.setdefault(seen.version, []).append(seen)
    entries: list[LedgerEntry] = []
    principal = charges = amount = 0
    raised_on: date | None = None
    for version in sorted(by_version):
        seen = _cause(by_version[version])
        kind = _KIND.get(seen.topic, EntryKind.STATUS)
        on = seen.on_date
        if not entries and version == 1:
            kind, on = EntryKind.ISSUED, seen.issue_date
        elif not entries:
            # Version 1 not seen yet: the first known state's amount stands for the issue.
            entries.append(
                _entry(
                    seen,
                    EntryKind.ISSUED,
                    seen.issue_date,
                    seen.amount_minor,
                    0,
                    seen.amount_minor,
                    version=0,
                )
            )
            principal = amount = seen.amount_minor
            raised_on = seen.issue_date
        if kind is EntryKind.ISSUED:
            raised_on = seen.issue_date
        sales = seen.amount_minor - amount
        if kind is EntryKind.CANCELLED:
            sales = -principal
        if kind is EntryKind.AMENDMENT and seen.payment_id is not None:
            kind = EntryKind.CREDIT_SPENT
            arrived = received_on.get(seen.payment_id, on)
            on = max(arrived, raised_on or seen.issue_date)
        elif kind is EntryKind.AMENDMENT and sales > 0:
            raised_on = on
        entries.append(
            _entry(
                seen,
                kind,
                on,
                seen.principal_open_minor - principal,
                seen.charges_open_minor - charges,
                sales,
            )
        )
        principal, charges = seen.principal_open_minor, seen.charges_open_minor
        amount = seen.amount_minor
    return entries
