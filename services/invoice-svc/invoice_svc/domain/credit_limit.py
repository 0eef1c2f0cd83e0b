"""A debtor's credit hold: on when the open balance exceeds the credit limit (or on request).

The hold is announced once when it starts and released once when no reason for it is
left: a debtor held on request stays held when its balance drops under the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from debtflow_shared.aggregate import EventRecorder
from debtflow_shared.catalog import EventPayload
from debtflow_shared.catalog.invoice import (
    CreditHoldReason,
    DebtorCreditHold,
    DebtorCreditReleased,
)
from debtflow_shared.catalog.money import Money


@dataclass
class CreditState(EventRecorder):
    tenant_id: str
    debtor_id: str
    on_hold: bool = False
    held_for_limit: bool = False
    held_on_request: bool = False
    updated_at: datetime | None = None

    def reassess(self, open_balance: Money, credit_limit: Money | None, now: datetime) -> bool:
        """Compare the balance (in the limit's currency) with the limit; True if state changed."""
        over = credit_limit is not None and open_balance.amount_minor > credit_limit.amount_minor
        if over and not self.held_for_limit:
            self.held_for_limit = True
            if not self.on_hold:
                self.on_hold = True
                self._record(
                    DebtorCreditHold(
                        debtor_id=self.debtor_id,
                        reason=CreditHoldReason.LIMIT_EXCEEDED,
                        open_balance=open_balance,
                        credit_limit=credit_limit,
                    )
                )
        elif not over and self.held_for_limit:
            self.held_for_limit = False
            if self.on_hold and not self.held_on_request:
                self.on_hold = False
                self._record(
                    DebtorCreditReleased(
                        debtor_id=self.debtor_id, reason="below_limit", open_balance=open_balance
                    )
                )
        else:
            return False
        self.updated_at = now
        return True

    def hold_on_request(
        self, request_id: str, open_balance: Money, credit_limit: Money | None, now: datetime
    ) -> bool:
        """Hold because someone asked; True if state changed (already requested: nothing)."""
        if self.held_on_request:
            return False
        self.held_on_request = True
        if not self.on_hold:
            self.on_hold = True
            self._record(
                DebtorCreditHold(
                    debtor_id=self.debtor_id,
                    reason=CreditHoldReason.REQUESTED,
                    open_balance=open_balance,
                    credit_limit=credit_limit,
                    request_id=request_id,
                )
            )
        self.updated_at = now
        return True

    def release_on_request(self, request_id: str, open_balance: Money, now: datetime) -> bool:
        """Drop the requested hold; the debtor stays held while over its limit."""
        if not self.held_on_request:
            return False
        self.held_on_request = False
        if self.on_hold and not self.held_for_limit:
            self.on_hold = False
            self._record(
                DebtorCreditReleased(
                    debtor_id=self.debtor_id,
                    reason="requested",
                    open_balance=open_balance,
                    request_id=request_id,
                )
            )
        self.updated_at = now
        return True

    def _record(self, payload: EventPayload) -> None:
        self._events.append((payload, self.tenant_id, self.debtor_id))
