"""/v1/disputes and /v1/invoices/{id}/disputes: open, resolve and read disputes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status

from debtflow_shared.auth import Principal
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.problems import NotFound
from debtflow_shared.http.security import require
from invoice_svc.api.dispute_schemas import DisputeIn, DisputeList, DisputeOut, ResolutionIn
from invoice_svc.api.ledger_problems import LedgerRoute
from invoice_svc.service_layer import disputes as use_cases

router = APIRouter(tags=["disputes"], route_class=LedgerRoute)

Reader = Annotated[Principal, Depends(require("invoices:read"))]
Writer = Annotated[Principal, Depends(require("invoices:write"))]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found for your tenant"}}


@router.post(
    "/invoices/{invoice_id}/disputes",
    status_code=status.HTTP_201_CREATED,
    summary="Open a dispute: the invoice leaves collection until it is resolved",
    responses=NOT_FOUND | {409: {"description": "already disputed, or paid/cancelled"}},
)
async def open_dispute(
    invoice_id: str, body: DisputeIn, principal: Writer, uow: UnitOfWorkDep, response: Response
) -> DisputeOut:
    dispute = await use_cases.open_dispute(uow, principal.tenant_id, body.to_command(invoice_id))
    response.headers["Location"] = f"/v1/disputes/{dispute.id}"
    return DisputeOut.of(dispute)


@router.post(
    "/disputes/{dispute_id}/resolve",
    summary="Resolve a dispute: upheld credits the disputed amount, rejected resumes collection",
    responses=NOT_FOUND | {409: {"description": "the dispute is already resolved"}},
)
async def resolve_dispute(
    dispute_id: str, body: ResolutionIn, principal: Writer, uow: UnitOfWorkDep
) -> DisputeOut:
    dispute, _ = await use_cases.resolve_dispute(
        uow, principal.tenant_id, dispute_id, body.outcome, body.note
    )
    return DisputeOut.of(dispute)


@router.get("/disputes/{dispute_id}", summary="Read a dispute", responses=NOT_FOUND)
async def read_dispute(dispute_id: str, principal: Reader, uow: UnitOfWorkDep) -> DisputeOut:
    dispute = await use_cases.get_dispute(uow, principal.tenant_id, dispute_id)
    if dispute is None:
        raise NotFound(f"dispute {dispute_id} not found")
    return DisputeOut.of(dispute)


@router.get("/disputes", summary="List an invoice's disputes, oldest first", responses=NOT_FOUND)
async def list_disputes(invoice_id: str, principal: Reader, uow: UnitOfWorkDep) -> DisputeList:
    found = await use_cases.disputes_of_invoice(uow, principal.tenant_id, invoice_id)
    return DisputeList(items=[DisputeOut.of(d) for d in found])
