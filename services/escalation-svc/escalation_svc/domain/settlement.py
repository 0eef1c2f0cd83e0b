"""A settlement offer: the debtor pays less than is owed, by a date, in full satisfaction.

The offer must stay within the tenant's limit (the policy's ``settlement_max_discount_percent``
of the balance it settles); the ladder pauses until the offer expires. Paid in time
(``settlement.accepted``): the rest of each invoice is written off through
``write_off.requested`` (for at most the remainder) and the case resolves, ``settled``, on
``invoice.written_off``; a ``write_off.declined`` goes on a collector's task list. Not paid
in time: ``settlement.lapsed`` and the ladder resumes where it stood.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from debtflow_shared.catalog.escalation import (
    LapseReason,
    PauseReason,
    SettlementAccepted,
    SettlementLapsed,
    SettlementOffered,
)
from debtflow_shared.catalog.escalation_commands import WriteOffRequested
from debtflow_shared.catalog.money import Money
from escalation_svc.domain.case import Case, Pause
from escalation_svc.domain.tracked_invoice import TrackedInvoice


class SettlementStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    """paid in time: the remainder's write-offs are requested"""
    LAPSED = "lapsed"


class SettlementNotFound(LookupError):
    pass


@dataclass
class Settlement:
    tenant_id: str
    settlement_id: str
    case_id: str
    debtor_id: str
    invoice_ids: tuple[str, ...]
    amount_minor: int
    settles_minor: int
    currency: str
    expires_on: date
    offered_by: str
    offered_at: datetime
    status: SettlementStatus = SettlementStatus.OFFERED
    paid_minor: int = 0
    payment_ids: tuple[str, ...] = ()
    write_offs: tuple[tuple[str, str], ...] = ()
    """(invoice id, request id) of each write-off requested"""
    closed_on: date | None = None

    @property
    def in_force(self) -> bool:
        return self.status in {SettlementStatus.OFFERED, SettlementStatus.ACCEPTED}

    def money(self, minor: int) -> Money:
        return Money(amount_minor=minor, currency=self.currency)

    def credit(self, payment_id: str, amount_minor: int) -> None:
        if payment_id not in self.payment_ids and amount_minor > 0:
            self.paid_minor += amount_minor
            self.payment_ids = (*self.payment_ids, payment_id)


def offer_settlement(case: Case, settlement: Settlement, *, now: datetime) -> None:
    case.pause(
        Pause(
            PauseReason.SETTLEMENT,
            reference_id=settlement.settlement_id,
            until=settlement.expires_on,
            note=f"settlement offered until {settlement.expires_on}",
            since=now,
        ),
        now=now,
    )
    case.emit(
        SettlementOffered(
            settlement_id=settlement.settlement_id,
            case_id=case.case_id,
            debtor_id=case.debtor_id,
            version=case.next_version(),
            invoice_ids=settlement.invoice_ids,
            amount=settlement.money(settlement.amount_minor),
            settles=settlement.money(settlement.settles_minor),
            expires_on=settlement.expires_on,
            offered_by=settlement.offered_by,
            offered_at=now,
        )
    )


def accept_settlement(
    case: Case,
    settlement: Settlement,
    invoices: Sequence[TrackedInvoice],
    *,
    today: date,
    now: datetime,
    request_id: str,
) -> None:
    """Paid in time: announce it and request each invoice's rest written off (at most the
    remainder in all). ``request_id`` is the prefix of the write-offs' request ids."""
    settlement.status = SettlementStatus.ACCEPTED
    remainder = max(0, settlement.settles_minor - settlement.paid_minor)
    case.emit(
        SettlementAccepted(
            settlement_id=settlement.settlement_id,
            case_id=case.case_id,
            debtor_id=case.debtor_id,
            version=case.next_version(),
            paid=settlement.money(settlement.paid_minor),
            remainder=settlement.money(remainder),
            accepted_on=today,
        )
    )
    budget = remainder
    requested: list[tuple[str, str]] = []
    for invoice in invoices:
        if invoice.invoice_id not in settlement.invoice_ids or not invoice.is_open:
            continue
        most = min(invoice.open_minor, budget)
        if most <= 0:
            break  # more open than the remainder: the rest stays owed, a collector looks
        budget -= most
        rid = f"{request_id}/{len(requested) + 1}"
        case.emit(
            WriteOffRequested(
                request_id=rid,
                invoice_id=invoice.invoice_id,
                max_amount=settlement.money(most),
                reason=f"settled: {settlement.money(settlement.paid_minor).amount_minor} of "
                f"{settlement.settles_minor} minor units paid by {settlement.expires_on} "
                f"(settlement {settlement.settlement_id})",
            )
        )
        requested.append((invoice.invoice_id, rid))
    settlement.write_offs = tuple(requested)
    case.note(
        now,
        "settlement_accepted",
        f"settlement {settlement.settlement_id} paid in time: "
        f"{len(requested)} write-offs requested",
        settlement_id=settlement.settlement_id,
        request_ids=[r for _, r in requested],
    )


def lapse_settlement(
    case: Case, settlement: Settlement, *, today: date, now: datetime, reason: LapseReason
) -> None:
    settlement.status, settlement.closed_on = SettlementStatus.LAPSED, today
    case.resume(
        PauseReason.SETTLEMENT,
        now=now,
        note=f"settlement {settlement.settlement_id} lapsed ({reason.value})",
    )
    case.emit(
        SettlementLapsed(
            settlement_id=settlement.settlement_id,
            case_id=case.case_id,
            debtor_id=case.debtor_id,
            version=case.next_version(),
            reason=reason,
            lapsed_on=today,
        )
    )
