"""/v1/invoices/{id}/interest-quote: interest and compensation as of a day, applied never."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from debtflow_shared.auth import Principal
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.security import require
from invoice_svc.api.dispute_schemas import InterestQuoteOut
from invoice_svc.api.ledger_problems import LedgerRoute
from invoice_svc.service_layer.charges import quote_charges

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
    as_of: Annotated[date, Query(description="interest runs to this day inclusive")],
) -> InterestQuoteOut:
    quote = await quote_charges(uow, principal.tenant_id, invoice_id, as_of)
    return InterestQuoteOut.of(quote)
