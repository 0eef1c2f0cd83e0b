"""Charges on overdue invoices (``charge.requested``) and quotes of them.

Decisions:
- Every request is answered once per ``request_id``: by ``invoice.charge_applied``, or by
  ``charge.declined`` with a reason code (unknown invoice, invoice not chased, not overdue,
  nothing due, already charged, rate not checked, not computable). The answer is recorded
  in ``command_requests`` in the transaction that stages it, checked under the invoice lock
  (and by the table's key where there is no invoice to lock). A copy re-sent later is
  answered by nothing new, even when it was declined: the outcome was published, and
  pricing it again could contradict it. A requester that wants another try (once a rate is
  checked, say) sends a new request id. Charges applied before ``command_requests`` existed
  are still found by the charges' own unique ``request_id``. Declined requests add no charge
  row: zero rows would clutter every statement.
- A valid request the ledger cannot carry out (unknown invoice, a rate not checked, a rule
  that cannot be priced) is declined, never dead-lettered: the DLQ is for messages that are
  not valid commands.
- A late fee is one charge row per request: the fixed part plus the percent of the overdue
  principal (rounded half up), capped as a whole; the description shows the parts.
- Interest covers ``interest_charged_to + 1`` (or the day after the due date) up to
  ``as_of``, capped at the last day fully past in the debtor's time zone, on the principal
  outstanding each day (``domain/principal_history.py``). Its amount is ``round(interest
  from the start to as_of) - interest already charged``, so consecutive charges add up to
  the one-shot figure (no rounding drift) and no day is charged twice.
- A payment or credit note back-dated into days already charged makes the earlier charges
  too high (or a reversal too low): the next interest charge carries the difference as a
  correcting line in its description, so interest charged always equals what the rules give
  for the days charged. When the correction outweighs the new days, the charge is negative
  (an interest credit), never below what is open of the charges.
- Compensation is statutory (the interest rule's jurisdiction), once per invoice, decided by
  the debt when interest started to run (the principal unpaid at the end of the due date),
  not by what later part-payments left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from debtflow_shared.catalog.debtor import InterestKind, LateFeeKind, LateFeeRule
from debtflow_shared.catalog.escalation_commands import (
    ChargeDeclined,
    ChargeDeclineReason,
    ChargeRequested,
    RequestedCharge,
)
from debtflow_shared.catalog.invoice import ChargeKind
from debtflow_shared.catalog.money import minor_unit_digits
from debtflow_shared.envelope import new_event_id
from debtflow_shared.event_consumer import ReceivedEvent
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.charge_repository import ChargeRepository
from invoice_svc.adapters.command_request_repository import CommandRequestRepository
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.reference_rate_repository import ReferenceRateRepository
from invoice_svc.domain.debtor import Debtor
from invoice_svc.domain.invoice import CHASED, Charge, Invoice, LedgerError
from invoice_svc.domain.late_payment import (
    CompensationNotApplicable,
    InterestQuote,
    LatePaymentError,
    contractual_interest,
    fixed_compensation,
    interest_start,
    last_accrued_day,
    statutory_interest,
)
from invoice_svc.domain.principal_history import PrincipalHistory
from invoice_svc.domain.reference_rates import (
    NoReferenceRate,
    ReferenceRateTable,
    UncheckedReferenceRate,
)
from invoice_svc.service_layer.credit_limit import reassess_credit_limit
from invoice_svc.service_layer.invoices import InvoiceNotFound, lock_invoice

log = logging.getLogger(__name__)


class ChargeNotComputable(LedgerError):
    """The debtor's policy cannot price this charge (unknown jurisdiction, missing rate...)."""

    code = ChargeDeclineReason.NOT_COMPUTABLE


class RateNotChecked(ChargeNotComputable):
    """Interest would run over a day whose reference rate is not checked yet."""

    code = ChargeDeclineReason.RATE_NOT_CHECKED


@dataclass(frozen=True)
class ChargeDue:
    kind: ChargeKind
    amount_minor: int
    description: str
    period: tuple[date, date] | None = None
    quote: InterestQuote | None = None  # interest: the days this charge covers
    correction_minor: int = 0  # interest: included in the amount, for days charged before


@dataclass(frozen=True)
class NothingDue:
    reason: str
    code: ChargeDeclineReason


async def on_charge_requested(event: ReceivedEvent[ChargeRequested], uow: UnitOfWork) -> None:
    """``charge.requested``: apply the charge or decline it, once per ``request_id``."""
    data, tenant_id = event.payload, event.tenant_id
    charges = ChargeRepository(uow.session)
    invoices = InvoiceRepository(uow.session)
    requests = CommandRequestRepository(uow.session)
    try:
        debtor, invoice = await lock_invoice(uow, invoices, tenant_id, data.invoice_id)
    except InvoiceNotFound as error:
        # No invoice to lock: the table's key keeps the answer single.
        await _decline(uow, event, ChargeDeclineReason.UNKNOWN_INVOICE, str(error), None)
        return
    if await requests.answered(tenant_id, ChargeRequested.event_type, data.request_id):
        return
    if await charges.request_seen(tenant_id, data.request_id):
        return  # applied before command_requests recorded answers
    cap = last_accrued_day(uow.clock.now(), ZoneInfo(debtor.profile.time_zone))
    try:
        due = await price_charge(uow, debtor, invoice, ChargeKind(data.kind), min(data.as_of, cap))
    except ChargeNotComputable as error:
        due = NothingDue(str(error), error.code)
    if isinstance(due, NothingDue):
        log.info("charge request %s declined: %s", data.request_id, due.reason)
        await _decline(uow, event, due.code, due.reason, invoice)
        return
    if not await requests.answer(
        tenant_id,
        ChargeRequested.event_type,
        data.request_id,
        invoice_id=invoice.id,
        outcome="applied",
        now=uow.clock.now(),
    ):
        return
    charge = invoice.apply_charge(
        charge_id=str(new_event_id()),
        kind=due.kind,
        amount_minor=due.amount_minor,
        description=due.description,
        request_id=data.request_id,
        period=due.period,
        now=uow.clock.now(),
        correction=bool(due.correction_minor),
    )
    await invoices.save(invoice)
    await charges.add(charge)
    await reassess_credit_limit(uow, debtor)
    uow.track(invoice)


async def _decline(
    uow: UnitOfWork,
    event: ReceivedEvent[ChargeRequested],
    code: ChargeDeclineReason,
    message: str,
    invoice: Invoice | None,
) -> None:
    """Publish ``charge.declined``, unless this request was answered already."""
    data = event.payload
    answered = await CommandRequestRepository(uow.session).answer(
        event.tenant_id,
        ChargeRequested.event_type,
        data.request_id,
        invoice_id=data.invoice_id,
        outcome=f"declined:{code.value}",
        now=uow.clock.now(),
    )
    if not answered:
        return
    declined = ChargeDeclined(
        request_id=data.request_id,
        invoice_id=data.invoice_id,
        kind=RequestedCharge(data.kind),
        reason=code,
        message=message[:1000],
        invoice_status=invoice.status if invoice else None,
    )
    # Keyed by the invoice's debtor, else by the debtor the command was keyed by.
    debtor_id = invoice.debtor_id if invoice else event.envelope.subject
    uow.emit(declined, tenant_id=event.tenant_id, debtor_id=debtor_id)


async def price_charge(
    uow: UnitOfWork, debtor: Debtor, invoice: Invoice, kind: ChargeKind, as_of: date
) -> ChargeDue | NothingDue:
    """What a charge of ``kind`` applied now would add, covering days up to ``as_of``."""
    if invoice.status not in CHASED:
        return NothingDue(
            f"the invoice is {invoice.status.value}", ChargeDeclineReason.INVOICE_NOT_CHASED
        )
    start = interest_start(invoice.terms.due_date)
    if as_of < start:
        return NothingDue(f"not overdue on {as_of.isoformat()}", ChargeDeclineReason.NOT_OVERDUE)
    policy = debtor.profile.credit_policy
    if kind is ChargeKind.LATE_FEE:
        return late_fee(policy.late_fee, invoice)
    charges = ChargeRepository(uow.session)
    changes = await InvoiceRepository(uow.session).principal_changes(invoice.tenant_id, invoice.id)
    history = PrincipalHistory(changes, issue_date=invoice.terms.issue_date)
    if kind is ChargeKind.COMPENSATION:
        if await charges.has_kind(invoice.tenant_id, invoice.id, ChargeKind.COMPENSATION):
            return NothingDue(
                "compensation was already charged", ChargeDeclineReason.ALREADY_CHARGED
            )
        return compensation(debtor, invoice, history)
    rates = await ReferenceRateRepository(uow.session).table_for(invoice.tenant_id)
    charged = await charges.charged(invoice.tenant_id, invoice.id, ChargeKind.INTEREST)
    return interest(debtor, invoice, as_of, rates, history, charged)


def late_fee(rule: LateFeeRule, invoice: Invoice) -> ChargeDue | NothingDue:
    for money in (rule.fixed, rule.cap):
        if money is not None and money.currency != invoice.currency:
            raise ChargeNotComputable(
                f"the late-fee rule is in {money.currency}, the invoice in {invoice.currency}"
            )
    parts: list[str] = []
    amount = 0
    if rule.kind is not LateFeeKind.NONE and rule.fixed is not None:
        amount += rule.fixed.amount_minor
        parts.append(shown(rule.fixed.amount_minor, invoice.currency))
    if rule.kind is LateFeeKind.PERCENT and rule.percent is not None:
        principal = invoice.principal_open_minor
        share = Decimal(principal) * rule.percent / 100
        amount += int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        parts.append(f"{rule.percent.normalize():f}% of {shown(principal, invoice.currency)}")
    if rule.cap is not None and amount > rule.cap.amount_minor:
        amount = rule.cap.amount_minor
        parts.append(f"capped at {shown(amount, invoice.currency)}")
    if amount <= 0:
        return NothingDue("the debtor's policy has no late fee", ChargeDeclineReason.NOTHING_DUE)
    return ChargeDue(ChargeKind.LATE_FEE, amount, "Late fee: " + ", ".join(parts))


def compensation(
    debtor: Debtor, invoice: Invoice, history: PrincipalHistory
) -> ChargeDue | NothingDue:
    rule = debtor.profile.credit_policy.interest
    if rule.kind is not InterestKind.STATUTORY or not rule.jurisdiction:
        return NothingDue(
            "fixed compensation is statutory; the debtor's policy is not",
            ChargeDeclineReason.NOTHING_DUE,
        )
    fell_due = history.on(invoice.terms.due_date)  # what was unpaid when interest started
    try:
        owed = fixed_compensation(fell_due, invoice.currency, rule.jurisdiction)
    except LatePaymentError as error:
        raise ChargeNotComputable(str(error)) from error
    if isinstance(owed, CompensationNotApplicable):
        return NothingDue(owed.reason, ChargeDeclineReason.NOTHING_DUE)
    return ChargeDue(
        ChargeKind.COMPENSATION,
        owed.amount_minor,
        f"Fixed compensation for late payment ({owed.law})",
    )


def interest(
    debtor: Debtor,
    invoice: Invoice,
    as_of: date,
    rates: ReferenceRateTable,
    history: PrincipalHistory,
    charged_minor: int,
) -> ChargeDue | NothingDue:
    """Interest for the days not charged yet up to ``as_of``, plus the correction of earlier
    charges that later-known facts (back-dated payments, credit notes, reversals) call for."""
    rule = debtor.profile.credit_policy.interest
    start = interest_start(invoice.terms.due_date)
    charged_to = invoice.interest_charged_to
    first = max(start, charged_to + timedelta(days=1)) if charged_to else start
    if rule.kind is InterestKind.NONE:
        return NothingDue(
            "the debtor's policy charges no interest", ChargeDeclineReason.NOTHING_DUE
        )
    currency = invoice.currency

    def quote(from_day: date, to_day: date) -> InterestQuote:
        if rule.kind is InterestKind.STATUTORY:
            if not rule.jurisdiction:
                raise ChargeNotComputable("statutory interest needs a jurisdiction")
            return statutory_interest(
                history,
                currency,
                rule.jurisdiction,
                interest_starts=start,
                from_day=from_day,
                to_day=to_day,
                rates=rates,
            )
        if rule.annual_rate_percent is None:
            raise ChargeNotComputable("contractual interest needs an annual rate")
        return contractual_interest(
            history, currency, rule.annual_rate_percent, from_day=from_day, to_day=to_day
        )

    try:
        # What the rules give for the days already charged, as the ledger knows them now.
        owed_before = quote(start, charged_to).amount_minor if charged_to else 0
        covered = quote(first, as_of) if as_of >= first else None
        owed_through = quote(start, as_of).amount_minor if covered else owed_before
    except UncheckedReferenceRate as error:
        raise RateNotChecked(str(error)) from error
    except (LatePaymentError, NoReferenceRate) as error:
        raise ChargeNotComputable(str(error)) from error
    correction = owed_before - charged_minor
    # Never take back more interest than is still open on the invoice.
    correction = max(correction, -invoice.charges_open_minor)
    accrued = owed_through - owed_before
    amount = accrued + correction
    if amount == 0:
        if covered is None:
            return NothingDue(
                f"interest is charged up to {charged_to}", ChargeDeclineReason.ALREADY_CHARGED
            )
        return NothingDue("no interest accrued", ChargeDeclineReason.NOTHING_DUE)
    parts = []
    if covered is not None:
        rates_shown = ", ".join(
            dict.fromkeys(f"{p.annual_rate_percent.normalize():f}%" for p in covered.periods)
        )
        principals = dict.fromkeys(shown(p.principal_minor, currency) for p in covered.periods)
        parts.append(
            f"Interest {first.isoformat()} to {as_of.isoformat()} ({covered.days} days) "
            f"at {rates_shown} a year on {' then '.join(principals)} ({covered.basis})"
        )
    if correction:
        parts.append(
            f"correction of interest charged to {charged_to}: {shown(correction, currency)} "
            f"(charged {shown(charged_minor, currency)}, due {shown(owed_before, currency)})"
        )
    return ChargeDue(
        ChargeKind.INTEREST,
        amount,
        "; ".join(parts),
        (first, as_of) if covered is not None else None,
        covered,
        correction_minor=correction,
    )


def shown(amount_minor: int, currency: str) -> str:
    major = Decimal(amount_minor).scaleb(-minor_unit_digits(currency))
    return f"{major:.{minor_unit_digits(currency)}f} {currency}"


@dataclass(frozen=True)
class ChargesQuote:
    invoice: Invoice
    as_of: date
    interest: ChargeDue | NothingDue
    compensation: ChargeDue | NothingDue


async def quote_charges(
    uow: UnitOfWork, tenant_id: str, invoice_id: str, as_of: date
) -> ChargesQuote:
    """Interest (the days not charged yet, up to ``as_of``) and compensation, applying nothing.

    Unlike a charge, a quote may look ahead: ``as_of`` is not capped at yesterday.
    """
    async with uow:
        invoice = await InvoiceRepository(uow.session).get(tenant_id, invoice_id)
        if invoice is None:
            raise InvoiceNotFound(f"invoice {invoice_id} not found")
        debtor = await DebtorRepository(uow.session).get(tenant_id, invoice.debtor_id)
        assert debtor is not None  # an invoice's debtor is never deleted
        return ChargesQuote(
            invoice,
            as_of,
            await price_charge(uow, debtor, invoice, ChargeKind.INTEREST, as_of),
            await price_charge(uow, debtor, invoice, ChargeKind.COMPENSATION, as_of),
        )


async def charges_of_invoice(uow: UnitOfWork, tenant_id: str, invoice_id: str) -> list[Charge]:
    """Every charge applied to the invoice, oldest first."""
    async with uow:
        if await InvoiceRepository(uow.session).get(tenant_id, invoice_id) is None:
            raise InvoiceNotFound(f"invoice {invoice_id} not found")
        return await ChargeRepository(uow.session).for_invoice(tenant_id, invoice_id)
