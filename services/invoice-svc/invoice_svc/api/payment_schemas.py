"""Request and response bodies for /v1/payments."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from debtflow_shared.catalog.common import MAX_NAMED_INVOICES, BusinessDate, ErpId, Reason
from debtflow_shared.catalog.erp import PaymentMethod, PaymentReference
from debtflow_shared.catalog.money import Money, PositiveMoney
from debtflow_shared.http.pagination import Page
from invoice_svc.api.debtor_naming import DebtflowId, NamesDebtor
from invoice_svc.domain.payment import Payment, PaymentDetails, PaymentStatus
from invoice_svc.service_layer.payments import RecordPayment


class PaymentIn(NamesDebtor):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "erp_id": "PAY-88120",
                    "debtor_id": "5f0c6a1e-4d4b-4f3e-9a57-0d6f0a0d9c11",
                    "amount": {"amount_minor": 50000, "currency": "GBP"},
                    "received_on": "2026-03-02",
                    "reference": "BACS 2026-0042",
                    "method": "bank_transfer",
                },
                {
                    "debtor_id": "5f0c6a1e-4d4b-4f3e-9a57-0d6f0a0d9c11",
                    "amount": {"amount_minor": 125000, "currency": "GBP"},
                    "received_on": "2026-03-02",
                    "invoice_ids": ["0b7e5d2c-8f43-4c55-a2b1-6d6f4a3c2e10"],
                },
                {
                    "erp_id": "PAY-88121",
                    "debtor_erp_id": "CUST-1001",
                    "amount": {"amount_minor": 20000, "currency": "GBP"},
                    "received_on": "2026-03-03",
                },
            ]
        },
    )

    erp_id: ErpId | None = None
    amount: PositiveMoney
    received_on: BusinessDate
    reference: PaymentReference | None = None
    method: PaymentMethod | None = None
    invoice_ids: tuple[DebtflowId, ...] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_NAMED_INVOICES,
        description=f"pay these invoices, in this order (at most {MAX_NAMED_INVOICES}); "
        "without it, oldest due first",
    )

    def to_command(self) -> RecordPayment:
        return RecordPayment(
            debtor_id=self.debtor_id,
            debtor_erp_id=self.debtor_erp_id,
            invoice_ids=self.invoice_ids,
            details=PaymentDetails(
                amount_minor=self.amount.amount_minor,
                currency=self.amount.currency,
                received_on=self.received_on,
                erp_id=self.erp_id,
                reference=self.reference,
                method=self.method,
            ),
        )


class ReverseIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "bounced: insufficient funds"}]}
    )

    reason: Reason


class AllocationOut(BaseModel):
    invoice_id: str
    principal: Money
    charges: Money


class PaymentOut(BaseModel):
    id: str
    erp_id: str | None
    debtor_id: str
    amount: Money
    received_on: date
    reference: str | None
    method: str | None
    status: PaymentStatus
    allocations: list[AllocationOut]
    unapplied: Money = Field(description="what of it is still credit on the account")
    version: int
    created_at: datetime

    @classmethod
    def of(cls, payment: Payment) -> PaymentOut:
        d = payment.details

        def money(minor: int) -> Money:
            return Money(amount_minor=minor, currency=d.currency)

        return cls(
            id=payment.id,
            erp_id=d.erp_id,
            debtor_id=payment.debtor_id,
            amount=money(d.amount_minor),
            received_on=d.received_on,
            reference=d.reference,
            method=d.method,
            status=payment.status,
            allocations=[
                AllocationOut(
                    invoice_id=a.invoice_id,
                    principal=money(a.principal_minor),
                    charges=money(a.charges_minor),
                )
                for a in payment.allocations
            ],
            unapplied=money(payment.unapplied_minor),
            version=payment.version,
            created_at=payment.created_at,
        )


class PaymentPage(Page[PaymentOut]):
    pass
