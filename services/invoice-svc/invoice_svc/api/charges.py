"""/v1/invoices/{id}/charges (what was charged) and /interest-quote (what would be, as of a day)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.common import BusinessDate
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.security import require
from invoice_svc.api.charge_schemas import ChargeList, ChargeOut, InterestQuoteOut
from invoice_svc.api.ledger_problems import LedgerRoute
from invoice_svc.service_layer.charges import charges_of_invoice, quote_charges

router = APIRouter(tags=["interest"], route_class=LedgerRoute)

Reader = Annotated[Principal, Depends(require("invoices:read"))]


@router.get(
    "/invoices/{invoice_id}/interest-quote",
    summary="Quote interest not yet charged and fixed compensation, without applying them",
    responses={
        404: {"description": "no such invoice for your tenant"},
        422: {"description": "the debtor's policy cannot be priced (jurisdiction, rate)"},
    },
)
async def interest_quote(
    invoice_id: str,
    principal: Reader,
    uow: UnitOfWorkDep,
    as_of: Annotated[
        BusinessDate, Query(description="interest runs to this day inclusive (YYYY-MM-DD)")
    ],
) -> InterestQuoteOut:
    quote = await quote_charges(uow, principal.tenant_id, invoice_id, as_of)
    return InterestQuoteOut.of(quote)


@router.get(
    "/invoices/{invoice_id}/charges",
    summary="List the late fees, interest and compensation charged on an invoice, oldest first",
    responses={404: {"description": "no such invoice for your tenant"}},
)
async def list_charges(invoice_id: str, principal: Reader, uow: UnitOfWorkDep) -> ChargeList:
    found = await charges_of_invoice(uow, principal.tenant_id, invoice_id)
    return ChargeList(items=[ChargeOut.of(charge) for charge in found])
