"""A promise to pay: an amount by a date. The case's ladder pauses until the date plus the
grace days; what arrives toward the promise's invoices in that time counts toward it.

- covered in time (one payment or several, a part-payment first): ``promise.kept``, and
  the ladder goes on where it stood (the case resolves if nothing is owed any more);
- not covered once the grace days have passed: ``promise.broken`` with what did arrive,
  and the ladder resumes at a firmer step at once (the policy's ``broken_promise_step``,
  or the next step when the case has passed it).

Promise events carry the case's version (the catalog's rule for case-scoped payloads).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from debtflow_shared.catalog.escalation import (
    PauseReason,
    PromiseBroken,
    PromiseChannel,
    PromiseKept,
    PromiseMade,
)
from debtflow_shared.catalog.money import Money
from escalation_svc.domain.case import Case, Pause


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    VOID = "void"
    """the case closed before the promise fell due (credited, written off, cancelled)"""


class PromiseNotFound(LookupError):
    pass


class ArrangementInvalid(ValueError):
    """A promise, plan or settlement that cannot be made; ``field`` names the input."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Promise:
    tenant_id: str
    promise_id: str
    case_id: str
    debtor_id: str
    invoice_ids: tuple[str, ...]
    amount_minor: int
    currency: str
    promised_on: date
    grace_days: int
    channel: PromiseChannel
    recorded_by: str
    made_at: datetime
    status: PromiseStatus = PromiseStatus.OPEN
    paid_minor: int = 0
    payment_ids: tuple[str, ...] = ()
    closed_on: date | None = None

    @property
    def open(self) -> bool:
        return self.status is PromiseStatus.OPEN

    @property
    def last_day(self) -> date:
        """The last debtor-local day a payment still keeps it."""
        return self.promised_on + timedelta(days=self.grace_days)

    def credit(self, payment_id: str, amount_minor: int) -> None:
        if payment_id not in self.payment_ids and amount_minor > 0:
            self.paid_minor += amount_minor
            self.payment_ids = (*self.payment_ids, payment_id)

    @property
    def covered(self) -> bool:
        return self.paid_minor >= self.amount_minor

    def money(self, minor: int) -> Money:
        return Money(amount_minor=minor, currency=self.currency)


def make_promise(case: Case, promise: Promise, *, now: datetime) -> None:
    """Pause ``case`` for ``promise`` and announce it (``promise.made``)."""
    case.pause(
        Pause(
            PauseReason.PROMISE,
            reference_id=promise.promise_id,
            until=promise.last_day,
            note=f"promised {_shown(promise.money(promise.amount_minor))} by {promise.promised_on}",
            since=now,
        ),
        now=now,
    )
    case.emit(
        PromiseMade(
            promise_id=promise.promise_id,
            case_id=case.case_id,
            debtor_id=case.debtor_id,
            version=case.next_version(),
            invoice_ids=promise.invoice_ids,
            amount=promise.money(promise.amount_minor),
            promised_on=promise.promised_on,
            grace_days=promise.grace_days,
            channel=promise.channel,
            recorded_by=promise.recorded_by,
            made_at=now,
        )
    )


def keep_promise(case: Case, promise: Promise, *, today: date, now: datetime) -> None:
    promise.status, promise.closed_on = PromiseStatus.KEPT, today
    note = f"promise {promise.promise_id} kept: {_shown(promise.money(promise.paid_minor))} paid"
    if case.active:
        case.resume(PauseReason.PROMISE, now=now, note=note)
    case.emit(
        PromiseKept(
            promise_id=promise.promise_id,
            case_id=case.case_id,
            debtor_id=case.debtor_id,
            version=case.next_version(),
            paid=promise.money(promise.paid_minor),
            payment_ids=promise.payment_ids[:1000],
            kept_on=today,
        )
    )


def break_promise(
    case: Case, promise: Promise, *, today: date, now: datetime, escalate_to: int | None
) -> None:
    """Nothing (or too little) arrived in time: the ladder resumes, at ``escalate_to``."""
    promise.status, promise.closed_on = PromiseStatus.BROKEN, today
    case.promises_broken += 1
    shortfall = promise.amount_minor - promise.paid_minor
    case.resume(
        PauseReason.PROMISE,
        now=now,
        note=f"promise {promise.promise_id} broken: {_shown(promise.money(promise.paid_minor))} "
        f"of {_shown(promise.money(promise.amount_minor))} paid by {promise.last_day}",
    )
    case.escalate(escalate_to)
    case.emit(
        PromiseBroken(
            promise_id=promise.promise_id,
            case_id=case.case_id,
            debtor_id=case.debtor_id,
            version=case.next_version(),
            promised_on=promise.promised_on,
            paid=promise.money(promise.paid_minor),
            shortfall=promise.money(shortfall),
            broken_on=today,
        )
    )


def _shown(money: Money) -> str:
    return f"{money.amount_minor / 100:.2f} {money.currency}"
