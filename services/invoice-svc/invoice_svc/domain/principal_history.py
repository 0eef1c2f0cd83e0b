"""What an invoice's principal was on each day: the ledger facts, and how interest reads them.

Every change to an invoice's open principal is kept as a :class:`PrincipalChange` with the
business date it happened on. Interest and fixed compensation are priced on the principal
outstanding *each day*, read through the conventions below (the one place they live):

- **Issue and amendments** change the principal from their own date on: an amendment that
  raises or lowers the amount after the due date counts from the day the ERP sent it (the
  debtor-local business date).
- **Payments** (and account credit spent on the invoice) reduce the principal from the day
  the money arrived: *the day a payment arrives bears no interest on what it paid*; a debt
  paid during day P accrues through P - 1.
- **A reversed payment** (bounce, chargeback) counts as never received: its payments on the
  invoice are ignored on every day, as if they had never been recorded.
- **A credit note corrects the invoice**: the credited amount was never owed, so it is taken
  off from the invoice's issue date, not from the day the credit note was raised. (A later
  reduction that should not look back is an amendment of the amount.)
- **Cancellation and write-off** end collection; they are recorded for the ledger's sake
  (the sum of all changes always equals the open principal) and count from their own day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class ChangeKind(StrEnum):
    ISSUED = "issued"
    AMENDED = "amended"
    CREDITED = "credited"
    PAID = "paid"
    CREDIT_SPENT = "credit_spent"
    REVERSED = "reversed"
    CANCELLED = "cancelled"
    WRITTEN_OFF = "written_off"


# Money in from a payment: what a reversal of that payment undoes.
_PAYMENT_KINDS = frozenset({ChangeKind.PAID, ChangeKind.CREDIT_SPENT})


@dataclass(frozen=True)
class PrincipalChange:
    """One fact that moved the open principal by ``delta_minor`` (signed) on ``on``."""

    kind: ChangeKind
    delta_minor: int
    on: date
    payment_id: str | None = None  # payments, credit spent, reversals
    reference: str | None = None  # the credit note, when there is one


@dataclass(frozen=True)
class PrincipalSpan:
    """Consecutive days on which the principal outstanding was ``principal_minor``."""

    first_day: date
    last_day: date
    principal_minor: int


class PrincipalHistory:
    """The principal outstanding on any day, from an invoice's changes (in any order)."""

    def __init__(self, changes: Iterable[PrincipalChange], *, issue_date: date) -> None:
        changes = list(changes)
        reversed_payments = {c.payment_id for c in changes if c.kind is ChangeKind.REVERSED}
        steps: dict[date, int] = {}
        for change in changes:
            if change.kind is ChangeKind.REVERSED:
                continue  # the payments it undoes are skipped below instead
            if change.kind in _PAYMENT_KINDS and change.payment_id in reversed_payments:
                continue
            effective = issue_date if change.kind is ChangeKind.CREDITED else change.on
            steps[effective] = steps.get(effective, 0) + change.delta_minor
        self._steps = sorted(steps.items())

    @classmethod
    def constant(cls, principal_minor: int, *, since: date) -> PrincipalHistory:
        """A principal that never changed (a quote for a debt given as one figure)."""
        return cls([PrincipalChange(ChangeKind.ISSUED, principal_minor, since)], issue_date=since)

    def on(self, day: date) -> int:
        """The principal outstanding at the end of ``day`` (its changes of that day applied)."""
        return sum(delta for when, delta in self._steps if when <= day)

    def spans(self, first: date, last: date) -> list[PrincipalSpan]:
        """``first``..``last`` cut where the principal changes, each span with its principal."""
        if last < first:
            return []
        cuts = [when for when, _ in self._steps if first < when <= last]
        starts = [first, *cuts]
        ends = [cut - timedelta(days=1) for cut in cuts] + [last]
        return [PrincipalSpan(s, e, self.on(s)) for s, e in zip(starts, ends, strict=True)]


def balance_total(changes: Sequence[PrincipalChange]) -> int:
    """The sum of every change: what the ledger says is open (reversals included)."""
    return sum(c.delta_minor for c in changes)
