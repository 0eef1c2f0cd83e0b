"""Promises, payment plans and settlement offers on a case: made over the API (or from a
call's outcome), kept or broken as payments arrive and days pass.

Each is made under the debtor's timer lock, pauses the case in the same transaction as its
event, and then runs the debtor's ladder (which cancels what was requested and not sent).
The policy the case runs on sets the terms (grace days, the settlement limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from debtflow_shared.catalog.escalation import PromiseChannel
from debtflow_shared.catalog.invoice import PaymentReceived
from debtflow_shared.envelope import new_event_id
from escalation_svc.domain.arrangements import (
    Arrangement,
    ArrangementFilter,
    ArrangementInForce,
    PaymentToward,
    credit_payment,
)
from escalation_svc.domain.case import Case, CaseNotFound, CaseStateError
from escalation_svc.domain.compliance_guard import local_day
from escalation_svc.domain.plan import Frequency, Plan, PlanNotFound, schedule, start_plan
from escalation_svc.domain.policy import Policy
from escalation_svc.domain.promise import (
    ArrangementInvalid,
    Promise,
    PromiseNotFound,
    make_promise,
)
from escalation_svc.domain.settlement import Settlement, SettlementNotFound, offer_settlement
from escalation_svc.domain.tracked_invoice import TrackedInvoice
from escalation_svc.service_layer.collection import UnitOfWork, advance_in

MAX_PROMISE_DAYS = 365


@dataclass(frozen=True)
class MakePromise:
    amount_minor: int
    currency: str
    promised_on: date
    channel: PromiseChannel
    grace_days: int | None = None
    invoice_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CreatePlan:
    count: int
    frequency: Frequency
    first_on: date
    down_payment_minor: int = 0
    grace_days: int | None = None
    invoice_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class OfferSettlement:
    amount_minor: int
    currency: str
    expires_on: date
    invoice_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class _Scope:
    """What an arrangement is about: the case's chased invoices it names, one currency."""

    case: Case
    policy: Policy
    invoices: tuple[TrackedInvoice, ...]
    today: date

    @property
    def balance_minor(self) -> int:
        return sum(i.open_minor for i in self.invoices)

    @property
    def currency(self) -> str:
        return self.invoices[0].currency

    @property
    def invoice_ids(self) -> tuple[str, ...]:
        return tuple(i.invoice_id for i in self.invoices)


async def record_promise(
    uow: UnitOfWork, tenant_id: str, case_id: str, command: MakePromise, *, actor: str
) -> Promise:
    """Record a promise in an open unit of work holding the debtor's lock (no commit)."""
    scope = await _scope(uow, tenant_id, case_id, command.invoice_ids)
    if command.currency != scope.currency:
        raise ArrangementInvalid(f"the invoices are in {scope.currency}", field="amount.currency")
    if command.amount_minor > scope.balance_minor:
        raise ArrangementInvalid(
            f"more than is open ({scope.balance_minor} minor units)", field="amount"
        )
    if not scope.today <= command.promised_on <= scope.today + timedelta(MAX_PROMISE_DAYS):
        raise ArrangementInvalid(
            f"a promise falls due from today ({scope.today}) to {MAX_PROMISE_DAYS} days on",
            field="promised_on",
        )
    now = uow.clock.now()
    promise = Promise(
        tenant_id=tenant_id,
        promise_id=str(new_event_id()),
        case_id=case_id,
        debtor_id=scope.case.debtor_id,
        invoice_ids=scope.invoice_ids,
        amount_minor=command.amount_minor,
        currency=command.currency,
        promised_on=command.promised_on,
        grace_days=scope.policy.arrangements.promise_grace_days
        if command.grace_days is None
        else command.grace_days,
        channel=command.channel,
        recorded_by=actor,
        made_at=now,
    )
    make_promise(scope.case, promise, now=now)
    await _store(uow, scope.case, promise)
    return promise


async def promise_to_pay(
    uow: UnitOfWork, tenant_id: str, case_id: str, command: MakePromise, *, actor: str
) -> Promise:
    async with uow:
        await _lock_case(uow, tenant_id, case_id)
        promise = await record_promise(uow, tenant_id, case_id, command, actor=actor)
        await uow.commit()
        return promise


async def create_plan(
    uow: UnitOfWork, tenant_id: str, case_id: str, command: CreatePlan, *, actor: str
) -> Plan:
    async with uow:
        await _lock_case(uow, tenant_id, case_id)
        scope = await _scope(uow, tenant_id, case_id, command.invoice_ids)
        if command.first_on < scope.today:
            raise ArrangementInvalid(
                "the first installment is due today or later", field="first_on"
            )
        installments = schedule(
            total_minor=scope.balance_minor,
            count=command.count,
            frequency=command.frequency,
            first_on=command.first_on,
            down_payment_minor=command.down_payment_minor,
        )
        now = uow.clock.now()
        plan = Plan(
            tenant_id=tenant_id,
            plan_id=str(new_event_id()),
            case_id=case_id,
            debtor_id=scope.case.debtor_id,
            invoice_ids=scope.invoice_ids,
            currency=scope.currency,
            installments=installments,
            grace_days=scope.policy.arrangements.plan_grace_days
            if command.grace_days is None
            else command.grace_days,
            agreed_by=actor,
            created_at=now,
        )
        start_plan(scope.case, plan, now=now)
        await _store(uow, scope.case, plan)
        await uow.commit()
        return plan


async def offer_settlement_on(
    uow: UnitOfWork, tenant_id: str, case_id: str, command: OfferSettlement, *, actor: str
) -> Settlement:
    async with uow:
        await _lock_case(uow, tenant_id, case_id)
        scope = await _scope(uow, tenant_id, case_id, command.invoice_ids)
        terms = scope.policy.arrangements
        if command.currency != scope.currency:
            raise ArrangementInvalid(
                f"the invoices are in {scope.currency}", field="amount.currency"
            )
        balance = scope.balance_minor
        if command.amount_minor >= balance:
            raise ArrangementInvalid(
                f"a settlement is for less than the balance ({balance} minor units)",
                field="amount",
            )
        least = -(-balance * (100 - terms.settlement_max_discount_percent) // 100)
        if command.amount_minor < least:
            raise ArrangementInvalid(
                f"above the tenant's limit: at most {terms.settlement_max_discount_percent}% "
                f"of the balance may be forgiven (at least {least} minor units)",
                field="amount",
            )
        last = scope.today + timedelta(days=terms.settlement_max_days)
        if not scope.today <= command.expires_on <= last:
            raise ArrangementInvalid(f"an offer expires from today to {last}", field="expires_on")
        now = uow.clock.now()
        settlement = Settlement(
            tenant_id=tenant_id,
            settlement_id=str(new_event_id()),
            case_id=case_id,
            debtor_id=scope.case.debtor_id,
            invoice_ids=scope.invoice_ids,
            amount_minor=command.amount_minor,
            settles_minor=balance,
            currency=scope.currency,
            expires_on=command.expires_on,
            offered_by=actor,
            offered_at=now,
        )
        offer_settlement(scope.case, settlement, now=now)
        await _store(uow, scope.case, settlement)
        await uow.commit()
        return settlement


async def credit_payment_received(
    uow: UnitOfWork, tenant_id: str, payment: PaymentReceived
) -> None:
    """Count a payment toward the arrangement in force on the debtor's case (in the open
    unit of work holding the debtor's lock, after the invoices' new states are kept)."""
    case = await uow.repos.cases.active_for(tenant_id, payment.debtor_id)
    if case is None or not case.active:
        return
    arrangement = (await uow.repos.arrangements.in_force_for_cases(tenant_id, [case.case_id])).get(
        case.case_id
    )
    if arrangement is None:
        return
    toward = sum(
        a.principal.amount_minor + a.charges.amount_minor
        for a in payment.allocations
        if a.invoice_id in arrangement.invoice_ids and a.principal.currency == arrangement.currency
    )
    profile = await uow.repos.profiles.get(tenant_id, payment.debtor_id)
    now = uow.clock.now()
    today = local_day(now, profile.time_zone) if profile else now.date()
    invoices = await uow.repos.invoices.of_case(tenant_id, case.case_id)
    if credit_payment(
        case,
        arrangement,
        PaymentToward(payment.payment_id, toward, payment.received_on),
        invoices,
        today=today,
        now=now,
    ):
        await uow.repos.arrangements.put(arrangement)
        await uow.repos.cases.save(case)
        uow.track(case)


async def get_arrangement(
    uow: UnitOfWork, tenant_id: str, kind: str, arrangement_id: str
) -> Arrangement:
    async with uow:
        found = await uow.repos.arrangements.get(tenant_id, kind, arrangement_id)
    if found is None:
        raise _NOT_FOUND[kind](f"{kind} {arrangement_id} not found")
    return found


async def list_arrangements(
    uow: UnitOfWork,
    tenant_id: str,
    kind: str,
    where: ArrangementFilter,
    *,
    after: str | None,
    limit: int,
) -> list[Arrangement]:
    async with uow:
        return await uow.repos.arrangements.find(tenant_id, kind, where, after=after, limit=limit)


_NOT_FOUND: dict[str, type[LookupError]] = {
    "promise": PromiseNotFound,
    "plan": PlanNotFound,
    "settlement": SettlementNotFound,
}


async def _lock_case(uow: UnitOfWork, tenant_id: str, case_id: str) -> None:
    case = await uow.repos.cases.get(tenant_id, case_id)
    if case is None:
        raise CaseNotFound(f"case {case_id} not found")
    await uow.repos.timers.lock(tenant_id, case.debtor_id)


async def _scope(
    uow: UnitOfWork, tenant_id: str, case_id: str, invoice_ids: tuple[str, ...] | None
) -> _Scope:
    case = await uow.repos.cases.get(tenant_id, case_id)  # read again under the lock
    if case is None:
        raise CaseNotFound(f"case {case_id} not found")
    if not case.active:
        raise CaseStateError(f"the case is {case.status.value}")
    if case.case_id in await uow.repos.arrangements.in_force_for_cases(tenant_id, [case_id]):
        raise ArrangementInForce("a promise, plan or settlement is in force on the case already")
    policy = await uow.repos.policies.get(tenant_id, case.policy_id, case.policy_version)
    profile = await uow.repos.profiles.get(tenant_id, case.debtor_id)
    if policy is None or profile is None:
        raise CaseStateError("the case's policy or debtor is missing")
    chased = [i for i in await uow.repos.invoices.of_case(tenant_id, case_id) if i.chased]
    if invoice_ids is not None:
        known = {i.invoice_id for i in chased}
        unknown = [i for i in invoice_ids if i not in known]
        if unknown:
            raise ArrangementInvalid(
                f"not an invoice the case chases: {', '.join(unknown[:5])}", field="invoice_ids"
            )
        chased = [i for i in chased if i.invoice_id in set(invoice_ids)]
    if not chased:
        raise ArrangementInvalid("the case chases no open invoice", field="invoice_ids")
    if len({i.currency for i in chased}) > 1:
        raise ArrangementInvalid(
            "the invoices are in several currencies: name those of one", field="invoice_ids"
        )
    return _Scope(case, policy, tuple(chased), local_day(uow.clock.now(), profile.time_zone))


async def _store(uow: UnitOfWork, case: Case, arrangement: Arrangement) -> None:
    await uow.repos.arrangements.put(arrangement)
    await uow.repos.cases.save(case)
    uow.track(case)
    await advance_in(uow, case.tenant_id, case.debtor_id)
