"""What a template may say about the debtor's history, from notify's own copies.

Notify counts its own sent messages (first reminder or a repeat), the promises escalation
reported broken (``promise.broken``), how late the debtor's paid invoices were paid
(``invoice.paid``: the median of paid date minus due date, early counting as zero), and the
newest payment not reversed (``payment.received`` / ``payment.reversed``). So a tenant can
write "this is unusual for you" for a good payer, and firmer words after a broken promise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median_low

ON_TIME_DAYS = 3
"""paid at most this many days late, usually: a good payer"""


@dataclass(frozen=True)
class LastPayment:
    received_on: date
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class DebtorHistory:
    messages_sent: int = 0
    """messages notify sent the debtor before this one (any case, any channel)"""
    promises_broken: int = 0
    days_late: Sequence[int] = ()
    """for each paid invoice, days from its due date to its payment (negative: early)"""
    last_payment: LastPayment | None = None

    @property
    def days_usually_late(self) -> int | None:
        """The median lateness of the paid invoices (early as zero); None: none paid yet."""
        if not self.days_late:
            return None
        return max(median_low(self.days_late), 0)

    @property
    def usually_pays_on_time(self) -> bool:
        late = self.days_usually_late
        return late is not None and late <= ON_TIME_DAYS
