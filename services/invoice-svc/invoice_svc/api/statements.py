"""/v1/debtors/{id}/statement: the account statement as JSON, or as a PDF to send.

``Accept: application/pdf`` on the statement, or ``/statement.pdf``, returns the PDF.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.common import BusinessDate
from debtflow_shared.catalog.invoice import BankAccount, ChargeKind, InvoiceStatus, PostalAddress
from debtflow_shared.catalog.money import Money
from debtflow_shared.documents.locale_format import address_lines
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.problems import NotFound
from debtflow_shared.http.security import require
from invoice_svc.domain.creditor_profile import CreditorDetails
from invoice_svc.domain.statement import (
    CurrencyTotals,
    LineKind,
    Statement,
    StatementItem,
    StatementLine,
)
from invoice_svc.service_layer.statements import account_statement, statement_pdf

router = APIRouter(prefix="/debtors", tags=["statements"])

Reader = Annotated[Principal, Depends(require("invoices:read"))]
AsOf = Annotated[
    BusinessDate | None,
    Query(
        description="age the open items at this date, YYYY-MM-DD (default: today in the "
        "debtor's zone)"
    ),
]
PDF = "application/pdf"
NO_CREDITOR = "no creditor profile is set: the statement cannot say who is owed or how to pay"
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {PDF: {"schema": {"type": "string", "format": "binary"}}}},
    404: {"description": "no such debtor for your tenant"},
}


Day = date  # for annotations inside a model that has a field named "date"


class StatementLineOut(BaseModel):
    """One line of an item; the lines of an item add up to its open balance."""

    kind: LineKind
    date: date
    amount: Money = Field(description="signed: positive adds to what is owed, negative takes off")
    balance: Money = Field(description="the invoice's balance after this line")
    detail: str | None = Field(description="a credit note's reason, a payment's reference")
    charge_kind: ChargeKind | None
    period_from: Day | None = Field(description="interest: the first day it covers")
    period_to: Day | None

    @classmethod
    def of(cls, line: StatementLine, currency: str) -> StatementLineOut:
        return cls(
            kind=line.kind,
            date=line.on,
            amount=Money(amount_minor=line.amount_minor, currency=currency),
            balance=Money(amount_minor=line.balance_minor, currency=currency),
            detail=line.detail,
            charge_kind=line.charge_kind,
            period_from=line.period[0] if line.period else None,
            period_to=line.period[1] if line.period else None,
        )


class StatementItemOut(BaseModel):
    invoice_id: str
    number: str
    status: InvoiceStatus
    issue_date: date
    due_date: date
    amount_issued: Money = Field(description="as invoiced, before credit notes")
    amount: Money = Field(description="after credit notes")
    paid: Money = Field(description="principal paid so far")
    charges_open: Money
    open_balance: Money
    days_past_due: int = Field(description="in the debtor's time zone, 0 if not yet due")
    aging_bucket: str = Field(examples=["current", "1-30", "31-60", "61-90", "90+"])
    lines: list[StatementLineOut] = Field(
        description="the invoice as issued, then its credit notes, payments and charges by date"
    )

    @classmethod
    def of(cls, item: StatementItem) -> StatementItemOut:
        def money(minor: int) -> Money:
            return Money(amount_minor=minor, currency=item.currency)

        return cls(
            invoice_id=item.invoice_id,
            number=item.number,
            status=item.status,
            issue_date=item.issue_date,
            due_date=item.due_date,
            amount_issued=money(item.issued_minor),
            amount=money(item.amount_minor),
            paid=money(item.paid_minor),
            charges_open=money(item.charges_open_minor),
            open_balance=money(item.open_balance_minor),
            days_past_due=item.days_past_due,
            aging_bucket=item.bucket,
            lines=[StatementLineOut.of(line, item.currency) for line in item.lines],
        )


class CurrencyTotalsOut(BaseModel):
    """Per currency, integer minor units: open balance by aging bucket, credit, what is due."""

    currency: str
    buckets: dict[str, int] = Field(examples=[{"current": 0, "1-30": 12000, "31-60": 0}])
    open_balance_minor: int
    unapplied_credit_minor: int
    balance_due_minor: int

    @classmethod
    def of(cls, totals: CurrencyTotals) -> CurrencyTotalsOut:
        return cls(
            currency=totals.currency,
            buckets=dict(totals.buckets),
            open_balance_minor=totals.open_balance_minor,
            unapplied_credit_minor=totals.unapplied_credit_minor,
            balance_due_minor=totals.balance_due_minor,
        )


class CreditorOut(BaseModel):
    legal_name: str
    address: PostalAddress
    registration_numbers: dict[str, str]
    bank_accounts: tuple[BankAccount, ...]
    pay_link: str | None
    dispute_email: str | None
    dispute_phone: str | None
    address_lines: list[str] = Field(
        description="street, town and postcode in the order of the address's country"
    )
    has_logo: bool

    @classmethod
    def of(cls, d: CreditorDetails) -> CreditorOut:
        return cls(
            legal_name=d.legal_name,
            address=d.address,
            registration_numbers=d.registration_numbers,
            bank_accounts=d.bank_accounts,
            pay_link=d.pay_link,
            dispute_email=d.dispute_email,
            dispute_phone=d.dispute_phone,
            address_lines=address_lines(
                d.address.lines, d.address.postcode, d.address.city, d.address.country
            ),
            has_logo=d.logo is not None,
        )


class StatementDebtorOut(BaseModel):
    id: str
    erp_id: str | None
    name: str
    postal_address: tuple[str, ...]
    country: str
    language: str
    time_zone: str


class StatementOut(BaseModel):
    number: str = Field(
        description="one per debtor and statement date", examples=["ST-C-1-20260302"]
    )
    statement_date: date = Field(description="the business clock's day in the debtor's zone")
    as_of: date = Field(description="the day the items are aged at")
    generated_at: datetime
    debtor: StatementDebtorOut
    creditor: CreditorOut | None = Field(description="null until the tenant sets its profile")
    items: list[StatementItemOut]
    totals: list[CurrencyTotalsOut]
    warnings: list[str]

    @classmethod
    def of(cls, statement: Statement) -> StatementOut:
        debtor, profile = statement.debtor, statement.debtor.profile
        return cls(
            number=statement.number,
            statement_date=statement.statement_date,
            as_of=statement.as_of,
            generated_at=statement.generated_at,
            debtor=StatementDebtorOut(
                id=debtor.id,
                erp_id=profile.erp_id,
                name=profile.name,
                postal_address=statement.postal_address,
                country=profile.country,
                language=profile.language,
                time_zone=profile.time_zone,
            ),
            creditor=CreditorOut.of(statement.creditor) if statement.creditor else None,
            items=[StatementItemOut.of(i) for i in statement.items],
            totals=[CurrencyTotalsOut.of(t) for t in statement.totals],
            warnings=[] if statement.creditor else [NO_CREDITOR],
        )


@router.get(
    "/{debtor_id}/statement",
    summary="Account statement: open items with aging (JSON, or PDF by Accept)",
    response_model=StatementOut,
    responses=RESPONSES,
)
async def read_statement(
    debtor_id: str, request: Request, principal: Reader, uow: UnitOfWorkDep, as_of: AsOf = None
) -> StatementOut | Response:
    statement = await _statement(uow, principal, debtor_id, as_of)
    if PDF in request.headers.get("accept", ""):
        return await _pdf(statement)
    return StatementOut.of(statement)


@router.get(
    "/{debtor_id}/statement.pdf",
    summary="Account statement as a PDF to send",
    response_class=Response,
    responses=RESPONSES,
)
async def read_statement_pdf(
    debtor_id: str, principal: Reader, uow: UnitOfWorkDep, as_of: AsOf = None
) -> Response:
    return await _pdf(await _statement(uow, principal, debtor_id, as_of))


async def _statement(
    uow: UnitOfWorkDep, principal: Principal, debtor_id: str, as_of: date | None
) -> Statement:
    statement = await account_statement(uow, principal.tenant_id, debtor_id, as_of=as_of)
    if statement is None:
        raise NotFound(f"debtor {debtor_id} not found")
    return statement


async def _pdf(statement: Statement) -> Response:
    body = await statement_pdf(statement)
    name = f"statement-{statement.number}"
    return Response(
        body,
        media_type=PDF,
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )
