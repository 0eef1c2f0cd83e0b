"""/v1/debtors/{id}/ledger: one debtor's invoices, payments, credit notes and charges."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from analytics_svc.api.analytics_problems import AnalyticsRoute
from analytics_svc.api.report_params import AsOf, Reader, today
from analytics_svc.domain.ledger import EntryKind, LedgerEntry
from analytics_svc.domain.observations import PaymentFact
from analytics_svc.service_layer.reports import debtor_ledger
from debtflow_shared.http.dependencies import UnitOfWorkDep

router = APIRouter(prefix="/debtors", tags=["ledger"], route_class=AnalyticsRoute)
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no event has named this debtor for your tenant"}
}


class EntryOut(BaseModel):
    invoice_id: str
    number: str
    version: int = Field(
        description="the invoice version the entry moved it to (0: issue inferred)"
    )
    kind: EntryKind
    on: date = Field(description="the business day it counts on")
    currency: str
    due_date: date
    principal_minor: int = Field(description="signed change of open principal")
    charges_minor: int = Field(description="signed change of open charges")
    sales_minor: int = Field(description="signed change of credit sales")
    payment_id: str | None

    @classmethod
    def of(cls, e: LedgerEntry) -> EntryOut:
        return cls(
            invoice_id=e.invoice_id,
            number=e.number,
            version=e.version,
            kind=e.kind,
            on=e.on_date,
            currency=e.currency,
            due_date=e.due_date,
            principal_minor=e.principal_delta_minor,
            charges_minor=e.charges_delta_minor,
            sales_minor=e.sales_delta_minor,
            payment_id=e.payment_id,
        )


class PaymentOut(BaseModel):
    payment_id: str
    currency: str
    amount_minor: int
    unapplied_minor: int | None = Field(description="left as account credit when received")
    received_on: date | None = Field(description="null until payment.received is seen")
    reversed_on: date | None

    @classmethod
    def of(cls, p: PaymentFact) -> PaymentOut:
        return cls(
            payment_id=p.payment_id,
            currency=p.currency,
            amount_minor=p.amount_minor,
            unapplied_minor=p.unapplied_minor,
            received_on=p.received_on,
            reversed_on=p.reversed_on,
        )


class InvoiceBalanceOut(BaseModel):
    invoice_id: str
    number: str
    currency: str
    due_date: date
    principal_open_minor: int
    charges_open_minor: int


class DebtorLedgerOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "debtor_id": "d-1001",
                    "name": "Acme Widgets Ltd",
                    "as_of": "2026-03-31",
                    "invoices": [
                        {
                            "invoice_id": "inv-1",
                            "number": "INV-1",
                            "currency": "GBP",
                            "due_date": "2026-03-01",
                            "principal_open_minor": 40000,
                            "charges_open_minor": 4000,
                        }
                    ],
                    "entries": [
                        {
                            "invoice_id": "inv-1",
                            "number": "INV-1",
                            "version": 1,
                            "kind": "issued",
                            "on": "2026-01-30",
                            "currency": "GBP",
                            "due_date": "2026-03-01",
                            "principal_minor": 100000,
                            "charges_minor": 0,
                            "sales_minor": 100000,
                            "payment_id": None,
                        }
                    ],
                    "payments": [],
                }
            ]
        }
    )

    debtor_id: str
    name: str | None
    as_of: date
    invoices: list[InvoiceBalanceOut] = Field(description="what each invoice had open then")
    entries: list[EntryOut] = Field(description="every change up to as_of, by day")
    payments: list[PaymentOut]


def _balances(entries: list[LedgerEntry]) -> list[InvoiceBalanceOut]:
    latest: dict[str, LedgerEntry] = {}
    sums: dict[str, list[int]] = {}
    for e in entries:
        if e.invoice_id not in latest or latest[e.invoice_id].version < e.version:
            latest[e.invoice_id] = e
        total = sums.setdefault(e.invoice_id, [0, 0])
        total[0] += e.principal_delta_minor
        total[1] += e.charges_delta_minor
    return [
        InvoiceBalanceOut(
            invoice_id=invoice_id,
            number=e.number,
            currency=e.currency,
            due_date=e.due_date,
            principal_open_minor=sums[invoice_id][0],
            charges_open_minor=sums[invoice_id][1],
        )
        for invoice_id, e in sorted(latest.items())
    ]


@router.get(
    "/{debtor_id}/ledger",
    summary="A debtor's ledger as of a day, from the events",
    response_model=DebtorLedgerOut,
    responses=NOT_FOUND,
)
async def read_debtor_ledger(
    debtor_id: str, principal: Reader, uow: UnitOfWorkDep, as_of: AsOf = None
) -> DebtorLedgerOut:
    day = today(as_of, uow.clock.now().date())
    found = await debtor_ledger(uow, principal.tenant_id, debtor_id, day)
    return DebtorLedgerOut(
        debtor_id=debtor_id,
        name=found.debtor.name if found.debtor else None,
        as_of=day,
        invoices=_balances(found.entries),
        entries=[EntryOut.of(e) for e in found.entries],
        payments=[PaymentOut.of(p) for p in found.payments],
    )
