"""/v1/payments: record (idempotent by ERP id), reverse, read and list per debtor."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status

from debtflow_shared.auth import Principal
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import PagedByDayThenId
from debtflow_shared.http.problems import NotFound
from debtflow_shared.http.security import require
from invoice_svc.api.ledger_problems import LedgerRoute
from invoice_svc.api.payment_schemas import PaymentIn, PaymentOut, PaymentPage, ReverseIn
from invoice_svc.service_layer import payments as use_cases

router = APIRouter(prefix="/payments", tags=["payments"], route_class=LedgerRoute)

Reader = Annotated[Principal, Depends(require("invoices:read"))]
Writer = Annotated[Principal, Depends(require("payments:write"))]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such payment for your tenant"}
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Record a payment and allocate it",
    responses={
        200: {"description": "a payment with that ERP id and content was already recorded"},
        409: {"description": "that ERP id was recorded with other content"},
        422: {"description": "invalid field, unknown debtor or invoice, or currency mismatch"},
    },
)
async def record_payment(
    body: PaymentIn, principal: Writer, uow: UnitOfWorkDep, response: Response
) -> PaymentOut:
    result = await use_cases.record_payment(uow, principal.tenant_id, body.to_command())
    if not result.created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/payments/{result.payment.id}"
    return PaymentOut.of(result.payment)


@router.get("/{payment_id}", summary="Read a payment", responses=NOT_FOUND)
async def read_payment(payment_id: str, principal: Reader, uow: UnitOfWorkDep) -> PaymentOut:
    payment = await use_cases.get_payment(uow, principal.tenant_id, payment_id)
    if payment is None:
        raise NotFound(f"payment {payment_id} not found")
    return PaymentOut.of(payment)


@router.get("", summary="List a debtor's payments by date received (cursor pagination)")
async def list_payments(
    principal: Reader,
    uow: UnitOfWorkDep,
    debtor_id: str,
    paging: PagedByDayThenId,
) -> PaymentPage:
    items = await use_cases.list_payments(
        uow, principal.tenant_id, debtor_id, after=paging.after, limit=paging.fetch
    )
    page, next_cursor = paging.page(items, lambda p: (p.details.received_on, p.id))
    return PaymentPage(items=[PaymentOut.of(p) for p in page], next_cursor=next_cursor)


@router.post(
    "/{payment_id}/reverse",
    summary="Reverse a payment (bounce, chargeback): reopen what it paid",
    responses=NOT_FOUND | {409: {"description": "already reversed"}},
)
async def reverse_payment(
    payment_id: str, body: ReverseIn, principal: Writer, uow: UnitOfWorkDep
) -> PaymentOut:
    payment = await use_cases.reverse_payment(uow, principal.tenant_id, payment_id, body.reason)
    return PaymentOut.of(payment)
