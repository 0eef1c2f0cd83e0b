"""/v1/invoices: issue (upsert by ERP id), credit, cancel, write off, read and list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.common import IsoDate
from debtflow_shared.catalog.invoice import InvoiceStatus
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import PagedByDayThenId
from debtflow_shared.http.problems import NotFound
from debtflow_shared.http.security import require
from invoice_svc.api.invoice_schemas import (
    CreditNoteIn,
    InvoiceIn,
    InvoiceOut,
    InvoicePage,
    ReasonIn,
)
from invoice_svc.api.ledger_problems import LedgerRoute
from invoice_svc.domain.invoice_filter import InvoiceFilter
from invoice_svc.service_layer import invoices as use_cases

router = APIRouter(prefix="/invoices", tags=["invoices"], route_class=LedgerRoute)

Reader = Annotated[Principal, Depends(require("invoices:read"))]
Writer = Annotated[Principal, Depends(require("invoices:write"))]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such invoice for your tenant"}
}
NOT_OPEN: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "the invoice is not open to this: paid, cancelled or written off "
        "(cancel: or partly paid)"
    }
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Issue an invoice (upsert by ERP id)",
    responses={
        200: {"description": "the invoice with that ERP id was amended (or already so)"},
        409: {
            "description": "the ERP id is another debtor's invoice, or an amendment changes "
            "the currency (`currency-fixed`)"
        },
        422: {"description": "invalid field, unknown debtor, or amount below what was paid"},
    },
)
async def issue_invoice(
    body: InvoiceIn, principal: Writer, uow: UnitOfWorkDep, response: Response
) -> InvoiceOut:
    result = await use_cases.issue_invoice(uow, principal.tenant_id, body.to_command())
    if not result.created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/invoices/{result.invoice.id}"
    return InvoiceOut.of(result.invoice, uow.clock.now())


@router.get("/{invoice_id}", summary="Read an invoice", responses=NOT_FOUND)
async def read_invoice(invoice_id: str, principal: Reader, uow: UnitOfWorkDep) -> InvoiceOut:
    invoice = await use_cases.get_invoice(uow, principal.tenant_id, invoice_id)
    if invoice is None:
        raise NotFound(f"invoice {invoice_id} not found")
    return InvoiceOut.of(invoice, uow.clock.now())


@router.get("", summary="List invoices by due date (filters, cursor pagination)")
async def list_invoices(
    principal: Reader,
    uow: UnitOfWorkDep,
    paging: PagedByDayThenId,
    status_: Annotated[InvoiceStatus | None, Query(alias="status")] = None,
    debtor_id: str | None = None,
    overdue: Annotated[
        bool | None, Query(description="past due in the debtor's time zone and still chased")
    ] = None,
    due_from: Annotated[IsoDate | None, Query(description="YYYY-MM-DD")] = None,
    due_to: Annotated[IsoDate | None, Query(description="YYYY-MM-DD")] = None,
) -> InvoicePage:
    filters = InvoiceFilter(status_, debtor_id, overdue, due_from, due_to)
    items = await use_cases.list_invoices(
        uow, principal.tenant_id, filters, after=paging.after, limit=paging.fetch
    )
    page, next_cursor = paging.page(items, lambda i: (i.terms.due_date, i.id))
    now = uow.clock.now()
    return InvoicePage(items=[InvoiceOut.of(i, now) for i in page], next_cursor=next_cursor)


@router.post(
    "/{invoice_id}/credit-notes",
    summary="Credit part of an invoice",
    responses=NOT_FOUND | NOT_OPEN,
)
async def credit_invoice(
    invoice_id: str, body: CreditNoteIn, principal: Writer, uow: UnitOfWorkDep
) -> InvoiceOut:
    invoice = await use_cases.credit_invoice(
        uow,
        principal.tenant_id,
        invoice_id,
        amount_minor=body.amount.amount_minor,
        currency=body.amount.currency,
        reason=body.reason,
    )
    return InvoiceOut.of(invoice, uow.clock.now())


@router.post("/{invoice_id}/cancel", summary="Cancel an invoice", responses=NOT_FOUND | NOT_OPEN)
async def cancel_invoice(
    invoice_id: str, body: ReasonIn, principal: Writer, uow: UnitOfWorkDep
) -> InvoiceOut:
    invoice = await use_cases.cancel_invoice(uow, principal.tenant_id, invoice_id, body.reason)
    return InvoiceOut.of(invoice, uow.clock.now())


@router.post(
    "/{invoice_id}/write-off", summary="Write off what is open", responses=NOT_FOUND | NOT_OPEN
)
async def write_off_invoice(
    invoice_id: str, body: ReasonIn, principal: Writer, uow: UnitOfWorkDep
) -> InvoiceOut:
    invoice = await use_cases.write_off_invoice(uow, principal.tenant_id, invoice_id, body.reason)
    return InvoiceOut.of(invoice, uow.clock.now())
