"""/v1/debtors: register, change and read debtors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from debtflow_shared.auth import Principal
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import PagedById
from debtflow_shared.http.problems import NotFound
from debtflow_shared.http.security import require
from invoice_svc.api.debtor_schemas import DebtorIn, DebtorOut, DebtorPage
from invoice_svc.api.ledger_problems import LedgerRoute
from invoice_svc.service_layer import debtors as use_cases

router = APIRouter(prefix="/debtors", tags=["debtors"], route_class=LedgerRoute)

Reader = Annotated[Principal, Depends(require("debtors:read"))]
Writer = Annotated[Principal, Depends(require("debtors:write"))]


Uow = UnitOfWorkDep


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Register a debtor (upsert by ERP id)",
    responses={200: {"description": "the debtor with that ERP id was updated"}},
)
async def register_debtor(
    body: DebtorIn, principal: Writer, uow: Uow, response: Response
) -> DebtorOut:
    result = await use_cases.upsert_debtor(uow, principal.tenant_id, body.to_profile())
    if not result.created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/debtors/{result.debtor.id}"
    return DebtorOut.of(result.debtor)


@router.get(
    "/{debtor_id}",
    summary="Read a debtor",
    responses={404: {"description": "no such debtor for your tenant"}},
)
async def read_debtor(debtor_id: str, principal: Reader, uow: Uow) -> DebtorOut:
    debtor = await use_cases.get_debtor(uow, principal.tenant_id, debtor_id)
    if debtor is None:
        raise NotFound(f"debtor {debtor_id} not found")
    return DebtorOut.of(debtor)


@router.put(
    "/{debtor_id}",
    summary="Replace a debtor's profile",
    responses={
        404: {"description": "no such debtor for your tenant"},
        409: {"description": "the `erp_id` belongs to another debtor of your tenant"},
    },
)
async def replace_debtor(debtor_id: str, body: DebtorIn, principal: Writer, uow: Uow) -> DebtorOut:
    debtor = await use_cases.update_debtor(uow, principal.tenant_id, debtor_id, body.to_profile())
    if debtor is None:
        raise NotFound(f"debtor {debtor_id} not found")
    return DebtorOut.of(debtor)


@router.get("", summary="List debtors, or find one by its ERP id (cursor pagination)")
async def list_debtors(
    principal: Reader,
    uow: Uow,
    paging: PagedById,
    erp_id: Annotated[
        str | None, Query(max_length=100, description="only the debtor with this ERP id")
    ] = None,
) -> DebtorPage:
    items = await use_cases.list_debtors(
        uow, principal.tenant_id, after=paging.after, limit=paging.fetch, erp_id=erp_id
    )
    page, next_cursor = paging.page(items, lambda d: d.id)
    return DebtorPage(items=[DebtorOut.of(d) for d in page], next_cursor=next_cursor)
