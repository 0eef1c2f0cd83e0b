"""Response bodies for charges and interest quotes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from debtflow_shared.catalog.invoice import ChargeKind
from debtflow_shared.catalog.money import Money
from invoice_svc.domain.invoice import Charge
from invoice_svc.domain.late_payment import EXACT_PLACES
from invoice_svc.service_layer.charges import ChargeDue, ChargesQuote, NothingDue


class ChargeOut(BaseModel):
    id: str
    invoice_id: str
    kind: ChargeKind
    amount: Money
    period_from: date | None = Field(description="interest: the first day charged")
    period_to: date | None = Field(description="interest: the last day charged")
    description: str = Field(description="as a statement shows it")
    request_id: str | None = Field(description="the escalation request that applied it")
    created_at: datetime

    @classmethod
    def of(cls, charge: Charge) -> ChargeOut:
        return cls(
            id=charge.id,
            invoice_id=charge.invoice_id,
            kind=charge.kind,
            amount=Money(amount_minor=charge.amount_minor, currency=charge.currency),
            period_from=charge.period_from,
            period_to=charge.period_to,
            description=charge.description,
            request_id=charge.request_id,
            created_at=charge.created_at,
        )


class ChargeList(BaseModel):
    items: list[ChargeOut]


class InterestPeriodOut(BaseModel):
    from_day: date = Field(serialization_alias="from")
    to_day: date = Field(serialization_alias="to")
    days: int
    principal: Money = Field(description="the principal outstanding on each of these days")
    annual_rate_percent: Decimal
    amount_minor_exact: Decimal = Field(
        description=f"in minor units to {EXACT_PLACES} decimal places (half up), before the "
        "one rounding of the total",
        examples=["10890.410959"],
    )


class ChargeQuoteOut(BaseModel):
    due: bool
    amount: Money | None = Field(description="what a charge would add (rounded half up once)")
    period_from: date | None = None
    period_to: date | None = None
    description: str | None = Field(default=None, description="as a statement would show it")
    reason: str | None = Field(default=None, description="why nothing is due")
    periods: list[InterestPeriodOut] = []

    @classmethod
    def of(cls, priced: ChargeDue | NothingDue, currency: str) -> ChargeQuoteOut:
        if isinstance(priced, NothingDue):
            return cls(due=False, amount=None, reason=priced.reason)
        periods = priced.quote.periods if priced.quote else ()
        return cls(
            due=True,
            amount=Money(amount_minor=priced.amount_minor, currency=currency),
            period_from=priced.period[0] if priced.period else None,
            period_to=priced.period[1] if priced.period else None,
            description=priced.description,
            periods=[
                InterestPeriodOut(
                    from_day=p.first_day,
                    to_day=p.last_day,
                    days=p.days,
                    principal=Money(amount_minor=p.principal_minor, currency=currency),
                    annual_rate_percent=p.annual_rate_percent,
                    amount_minor_exact=p.amount_minor_exact,
                )
                for p in periods
            ],
        )


class InterestQuoteOut(BaseModel):
    invoice_id: str
    as_of: date
    principal_open: Money
    interest_charged_to: date | None = Field(description="the last day already charged")
    interest: ChargeQuoteOut = Field(description="the days not yet charged, up to as_of")
    compensation: ChargeQuoteOut

    @classmethod
    def of(cls, quote: ChargesQuote) -> InterestQuoteOut:
        invoice = quote.invoice
        return cls(
            invoice_id=invoice.id,
            as_of=quote.as_of,
            principal_open=invoice.money(invoice.principal_open_minor),
            interest_charged_to=invoice.interest_charged_to,
            interest=ChargeQuoteOut.of(quote.interest, invoice.currency),
            compensation=ChargeQuoteOut.of(quote.compensation, invoice.currency),
        )
