"""Request and response bodies for /v1/invoices."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationInfo, field_validator

from debtflow_shared.catalog.common import BusinessDate, DocumentNumber, ErpId, Reason
from debtflow_shared.catalog.erp import (
    MAX_INVOICE_LINES,
    LineDescription,
    LineQuantity,
    check_lines_add_up,
)
from debtflow_shared.catalog.invoice import InvoiceStatus
from debtflow_shared.catalog.money import AmountMinor, Money, PositiveMoney
from debtflow_shared.http.pagination import Page
from invoice_svc.api.debtor_naming import NamesDebtor
from invoice_svc.domain.invoice import Invoice, InvoiceLine
from invoice_svc.service_layer.invoices import IssueInvoice


class InvoiceLineIn(BaseModel):
    """A line as ``erp.invoice`` has it: its total in minor units, the quantity only shown."""

    model_config = ConfigDict(extra="forbid")

    description: LineDescription
    amount_minor: AmountMinor = Field(description="the line's total; negative for a discount")
    quantity: LineQuantity | None = None


class InvoiceLineOut(BaseModel):
    """A line as stored (responses are not held to the input bounds)."""

    description: str
    amount_minor: StrictInt
    quantity: str | None = None


class InvoiceIn(NamesDebtor):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "erp_id": "INV-2026-0042",
                    "debtor_id": "5f0c6a1e-4d4b-4f3e-9a57-0d6f0a0d9c11",
                    "number": "2026-0042",
                    "issue_date": "2026-02-01",
                    "due_date": "2026-03-03",
                    "amount": {"amount_minor": 125000, "currency": "GBP"},
                    "lines": [{"description": "Widgets", "quantity": "10", "amount_minor": 125000}],
                },
                {
                    "erp_id": "INV-2026-0043",
                    "debtor_erp_id": "CUST-1001",
                    "number": "2026-0043",
                    "issue_date": "2026-02-01",
                    "amount": {"amount_minor": 48000, "currency": "GBP"},
                },
            ]
        },
    )

    erp_id: ErpId | None = None
    number: DocumentNumber
    issue_date: BusinessDate
    due_date: BusinessDate | None = Field(
        default=None, description="from the debtor's terms if absent"
    )
    amount: PositiveMoney
    lines: tuple[InvoiceLineIn, ...] = Field(
        default=(),
        max_length=MAX_INVOICE_LINES,
        description="up to 500; if given, they add up to the amount (tax, shipping and "
        "discounts as lines of their own)",
    )

    @field_validator("lines")
    @classmethod
    def _lines_add_up(
        cls, lines: tuple[InvoiceLineIn, ...], info: ValidationInfo
    ) -> tuple[InvoiceLineIn, ...]:
        amount = info.data.get("amount")
        if lines and isinstance(amount, Money):
            check_lines_add_up((line.amount_minor for line in lines), amount.amount_minor)
        return lines

    @field_validator("due_date")
    @classmethod
    def _not_before_issue(cls, value: date | None, info: ValidationInfo) -> date | None:
        issued = info.data.get("issue_date")
        if value is not None and issued is not None and value < issued:
            raise ValueError("the due date cannot be before the issue date")
        return value

    def to_command(self) -> IssueInvoice:
        return IssueInvoice(
            debtor_id=self.debtor_id,
            debtor_erp_id=self.debtor_erp_id,
            erp_id=self.erp_id,
            number=self.number,
            currency=self.amount.currency,
            issue_date=self.issue_date,
            due_date=self.due_date,
            amount_minor=self.amount.amount_minor,
            lines=tuple(InvoiceLine(x.description, x.amount_minor, x.quantity) for x in self.lines),
        )


class CreditNoteIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"amount": {"amount_minor": 2500, "currency": "GBP"}, "reason": "damaged goods"}
            ]
        },
    )

    amount: PositiveMoney
    reason: Reason


class ReasonIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "customer insolvent"}]}
    )

    reason: Reason


class InvoiceOut(BaseModel):
    id: str
    erp_id: str | None
    debtor_id: str
    number: str
    issue_date: date
    due_date: date
    amount: Money
    principal_open: Money
    charges_open: Money
    open_balance: Money
    status: InvoiceStatus
    overdue: bool = Field(description="the debtor's local date is after the due date, unpaid")
    overdue_at: datetime = Field(description="when it becomes (became) overdue, UTC")
    lines: list[InvoiceLineOut]
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, invoice: Invoice, now: datetime) -> InvoiceOut:
        state = invoice.state()
        return cls(
            id=invoice.id,
            erp_id=invoice.erp_id,
            debtor_id=invoice.debtor_id,
            number=state.number,
            issue_date=state.issue_date,
            due_date=state.due_date,
            amount=state.amount,
            principal_open=state.principal_open,
            charges_open=state.charges_open,
            open_balance=state.open_balance,
            status=invoice.status,
            overdue=invoice.is_overdue(now),
            overdue_at=invoice.overdue_at,
            lines=[
                InvoiceLineOut(
                    description=x.description, amount_minor=x.amount_minor, quantity=x.quantity
                )
                for x in invoice.terms.lines
            ],
            version=invoice.version,
            created_at=invoice.created_at,
            updated_at=invoice.updated_at,
        )


class InvoicePage(Page[InvoiceOut]):
    pass
