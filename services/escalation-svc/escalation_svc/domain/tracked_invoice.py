"""escalation-svc's copy of each open invoice, from ``invoice.*`` and ``payment.*`` states.

Every invoice fact carries the invoice's version and resulting state, and facts of
different topics arrive in any order: a state older than the stored one is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from debtflow_shared.catalog.invoice import InvoiceState, InvoiceStatus

CLOSED = frozenset({InvoiceStatus.PAID, InvoiceStatus.WRITTEN_OFF, InvoiceStatus.CANCELLED})


@dataclass(frozen=True)
class TrackedInvoice:
    tenant_id: str
    invoice_id: str
    debtor_id: str
    number: str
    currency: str
    due_date: date
    open_minor: int
    status: InvoiceStatus
    version: int
    case_id: str | None = None
    closed_by: str | None = None
    """What took it out of collection: paid, credited, cancelled, written_off."""

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED and self.open_minor > 0

    @property
    def disputed(self) -> bool:
        return self.status is InvoiceStatus.DISPUTED

    @property
    def chased(self) -> bool:
        """Open and not paused by a dispute: the ladder runs on it."""
        return self.is_open and not self.disputed

    def reached(self, offset_days: int, today: date) -> bool:
        """Whether this invoice itself has reached a step at ``offset_days`` on ``today``."""
        return self.due_date + timedelta(days=offset_days) <= today

    def with_state(self, state: InvoiceState) -> TrackedInvoice:
        return tracked_from(self.tenant_id, state, case_id=self.case_id)


def tracked_from(
    tenant_id: str, state: InvoiceState, *, case_id: str | None = None, closed_by: str | None = None
) -> TrackedInvoice:
    status = state.status
    if closed_by is None and status in CLOSED:
        closed_by = status.value
    if closed_by is None and state.open_balance.amount_minor == 0:
        closed_by = "credited"
    if status not in CLOSED and state.open_balance.amount_minor > 0:
        closed_by = None  # back in collection (a payment reversed)
    return TrackedInvoice(
        tenant_id=tenant_id,
        invoice_id=state.invoice_id,
        debtor_id=state.debtor_id,
        number=state.number,
        currency=state.open_balance.currency,
        due_date=state.due_date,
        open_minor=state.open_balance.amount_minor,
        status=status,
        version=state.version,
        case_id=case_id,
        closed_by=closed_by,
    )
