"""Request and response bodies for promises, payment plans and settlements."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from debtflow_shared.catalog.common import EntityId
from debtflow_shared.catalog.escalation import MAX_INSTALLMENTS, PromiseChannel
from debtflow_shared.catalog.money import Money, NonNegativeMoney, PositiveMoney
from debtflow_shared.http.pagination import Page
from escalation_svc.domain.plan import Frequency, Plan, PlanStatus
from escalation_svc.domain.promise import Promise, PromiseStatus
from escalation_svc.domain.settlement import Settlement, SettlementStatus
from escalation_svc.service_layer.arrangements import CreatePlan, MakePromise, OfferSettlement

InvoiceIdsIn = list[EntityId] | None
_INVOICES = Field(
    default=None,
    max_length=1000,
    description="the case's invoices it covers (default: every open one the case chases)",
)


class PromiseIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "amount": {"amount_minor": 120000, "currency": "GBP"},
                    "promised_on": "2026-03-20",
                    "channel": "phone",
                }
            ]
        },
    )

    amount: PositiveMoney
    promised_on: date = Field(description="the debtor-local day it is to be paid by")
    channel: PromiseChannel = PromiseChannel.PHONE
    grace_days: StrictInt | None = Field(
        default=None, ge=0, le=30, description="default: the policy's (3)"
    )
    invoice_ids: InvoiceIdsIn = _INVOICES

    def to_command(self) -> MakePromise:
        return MakePromise(
            amount_minor=self.amount.amount_minor,
            currency=self.amount.currency,
            promised_on=self.promised_on,
            channel=self.channel,
            grace_days=self.grace_days,
            invoice_ids=tuple(self.invoice_ids) if self.invoice_ids is not None else None,
        )


class PromiseOut(BaseModel):
    promise_id: str
    case_id: str
    debtor_id: str
    status: PromiseStatus
    invoice_ids: list[str]
    amount: Money
    paid: NonNegativeMoney = Field(description="what arrived toward it in time")
    promised_on: date
    grace_days: int
    channel: PromiseChannel
    recorded_by: str
    made_at: datetime
    closed_on: date | None

    @classmethod
    def of(cls, p: Promise) -> PromiseOut:
        return cls(
            promise_id=p.promise_id,
            case_id=p.case_id,
            debtor_id=p.debtor_id,
            status=p.status,
            invoice_ids=list(p.invoice_ids),
            amount=p.money(p.amount_minor),
            paid=p.money(p.paid_minor),
            promised_on=p.promised_on,
            grace_days=p.grace_days,
            channel=p.channel,
            recorded_by=p.recorded_by,
            made_at=p.made_at,
            closed_on=p.closed_on,
        )


class PromisePage(Page[PromiseOut]):
    pass


class PlanIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "count": 3,
                    "frequency": "monthly",
                    "first_on": "2026-04-01",
                    "down_payment": {"amount_minor": 20000, "currency": "GBP"},
                }
            ]
        },
    )

    count: StrictInt = Field(
        ge=1, le=MAX_INSTALLMENTS, description="installments after any down payment"
    )
    frequency: Frequency
    first_on: date = Field(description="the first installment's (or the down payment's) day")
    down_payment: PositiveMoney | None = Field(
        default=None, description="paid on first_on; the rest is split evenly after it"
    )
    grace_days: StrictInt | None = Field(
        default=None, ge=0, le=30, description="default: the policy's (5)"
    )
    invoice_ids: InvoiceIdsIn = _INVOICES

    def to_command(self) -> CreatePlan:
        return CreatePlan(
            count=self.count,
            frequency=self.frequency,
            first_on=self.first_on,
            down_payment_minor=self.down_payment.amount_minor if self.down_payment else 0,
            grace_days=self.grace_days,
            invoice_ids=tuple(self.invoice_ids) if self.invoice_ids is not None else None,
        )


class InstallmentOut(BaseModel):
    number: int
    due_on: date
    amount: Money
    paid: NonNegativeMoney = Field(description="what of the payments so far went to it")
    state: str = Field(description="paid, part_paid, due, upcoming or missed")


class PlanOut(BaseModel):
    plan_id: str
    case_id: str
    debtor_id: str
    status: PlanStatus
    version: int
    invoice_ids: list[str]
    total: Money
    paid: NonNegativeMoney
    grace_days: int
    installments: list[InstallmentOut] = Field(description="the schedule")
    agreed_by: str
    created_at: datetime
    closed_on: date | None

    @classmethod
    def of(cls, p: Plan, today: date) -> PlanOut:
        rows = []
        for i in p.installments:
            paid = p.paid_toward(i.number)
            if paid >= i.amount_minor:
                state = "paid"
            elif i.number in p.missed:
                state = "missed"
            elif paid:
                state = "part_paid"
            else:
                state = "due" if i.due_on <= today else "upcoming"
            rows.append(
                InstallmentOut(
                    number=i.number,
                    due_on=i.due_on,
                    amount=p.money(i.amount_minor),
                    paid=p.money(paid),
                    state=state,
                )
            )
        return cls(
            plan_id=p.plan_id,
            case_id=p.case_id,
            debtor_id=p.debtor_id,
            status=p.status,
            version=p.version,
            invoice_ids=list(p.invoice_ids),
            total=p.money(p.total_minor),
            paid=p.money(p.paid_minor),
            grace_days=p.grace_days,
            installments=rows,
            agreed_by=p.agreed_by,
            created_at=p.created_at,
            closed_on=p.closed_on,
        )


class PlanPage(Page[PlanOut]):
    pass


class SettlementIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"amount": {"amount_minor": 100000, "currency": "GBP"}, "expires_on": "2026-04-30"}
            ]
        },
    )

    amount: PositiveMoney = Field(description="what the debtor pays to settle in full")
    expires_on: date = Field(description="the last debtor-local day it may be paid")
    invoice_ids: InvoiceIdsIn = _INVOICES

    def to_command(self) -> OfferSettlement:
        return OfferSettlement(
            amount_minor=self.amount.amount_minor,
            currency=self.amount.currency,
            expires_on=self.expires_on,
            invoice_ids=tuple(self.invoice_ids) if self.invoice_ids is not None else None,
        )


class WriteOffOut(BaseModel):
    invoice_id: str
    request_id: str


class SettlementOut(BaseModel):
    settlement_id: str
    case_id: str
    debtor_id: str
    status: SettlementStatus
    invoice_ids: list[str]
    amount: Money
    settles: Money = Field(description="the balance it settles")
    paid: NonNegativeMoney
    expires_on: date
    offered_by: str
    offered_at: datetime
    write_offs: list[WriteOffOut] = Field(description="requested once it was paid in time")
    closed_on: date | None

    @classmethod
    def of(cls, s: Settlement) -> SettlementOut:
        return cls(
            settlement_id=s.settlement_id,
            case_id=s.case_id,
            debtor_id=s.debtor_id,
            status=s.status,
            invoice_ids=list(s.invoice_ids),
            amount=s.money(s.amount_minor),
            settles=s.money(s.settles_minor),
            paid=s.money(s.paid_minor),
            expires_on=s.expires_on,
            offered_by=s.offered_by,
            offered_at=s.offered_at,
            write_offs=[WriteOffOut(invoice_id=i, request_id=r) for i, r in s.write_offs],
            closed_on=s.closed_on,
        )


class SettlementPage(Page[SettlementOut]):
    pass
