"""What a case's promise, plan or settlement does with a payment toward its invoices.

At most one arrangement is in force on a case at a time (a new one while another is in
force is refused). A payment counts toward it by what was allocated to its invoices
(principal and charges), once per payment, if it was received in time (by a promise's
last grace day, a settlement's expiry date; a plan takes every payment while it runs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from escalation_svc.domain.case import Case
from escalation_svc.domain.plan import Plan, credit_plan
from escalation_svc.domain.promise import Promise, keep_promise
from escalation_svc.domain.settlement import Settlement, SettlementStatus, accept_settlement
from escalation_svc.domain.tracked_invoice import TrackedInvoice

Arrangement = Promise | Plan | Settlement


class ArrangementInForce(ValueError):
    """A case has one promise, plan or settlement in force at a time."""

    field = "case_id"


@dataclass(frozen=True)
class ArrangementFilter:
    case_id: str | None = None
    debtor_id: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class PaymentToward:
    payment_id: str
    amount_minor: int
    """what the payment allocated to the arrangement's invoices"""
    received_on: date


def in_force(arrangement: Arrangement) -> bool:
    if isinstance(arrangement, Promise):
        return arrangement.open
    if isinstance(arrangement, Plan):
        return arrangement.running
    return arrangement.in_force


def credit_payment(
    case: Case,
    arrangement: Arrangement,
    payment: PaymentToward,
    invoices: Sequence[TrackedInvoice],
    *,
    today: date,
    now: datetime,
) -> bool:
    """Count ``payment`` toward ``arrangement``; whether it changed (kept, paid, accepted)."""
    if payment.amount_minor <= 0 or payment.payment_id in arrangement.payment_ids:
        return False
    if isinstance(arrangement, Promise):
        if not arrangement.open or payment.received_on > arrangement.last_day:
            return False
        arrangement.credit(payment.payment_id, payment.amount_minor)
        if arrangement.covered:
            keep_promise(case, arrangement, today=payment.received_on, now=now)
        else:
            case.note(
                now,
                "promise_part_paid",
                f"part-payment toward promise {arrangement.promise_id}: "
                f"{arrangement.paid_minor} of {arrangement.amount_minor} minor units",
                promise_id=arrangement.promise_id,
                payment_id=payment.payment_id,
            )
        return True
    if isinstance(arrangement, Plan):
        if not arrangement.running:
            return False
        credit_plan(
            case, arrangement, payment.payment_id, payment.amount_minor, today=today, now=now
        )
        return True
    if arrangement.status is not SettlementStatus.OFFERED:
        return False
    if payment.received_on > arrangement.expires_on:
        return False
    arrangement.credit(payment.payment_id, payment.amount_minor)
    if arrangement.paid_minor >= arrangement.amount_minor:
        accept_settlement(
            case,
            arrangement,
            invoices,
            today=payment.received_on,
            now=now,
            request_id=f"settlement-{arrangement.settlement_id}"[:90],
        )
    return True
