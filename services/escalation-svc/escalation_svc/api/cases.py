"""/v1/cases: collection cases, their timelines and case files; pause and resume."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from debtflow_shared.auth import Principal
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import NOT_A_CURSOR, PagedById
from debtflow_shared.http.problems import UNPROCESSABLE
from debtflow_shared.http.security import require
from escalation_svc.api.case_schemas import (
    CaseOut,
    CasePage,
    MovePolicyIn,
    PauseIn,
    TimelineEntryOut,
    TimelinePage,
)
from escalation_svc.api.escalation_problems import EscalationRoute
from escalation_svc.domain.case import CaseFilter, CaseStatus
from escalation_svc.service_layer import cases as use_cases

router = APIRouter(prefix="/cases", tags=["cases"], route_class=EscalationRoute)

Reader = Annotated[Principal, Depends(require("cases:read"))]
Writer = Annotated[Principal, Depends(require("cases:write"))]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such case"}}
STATE: dict[int | str, dict[str, Any]] = {
    409: {"description": "the case is closed, or not paused (resume) / already paused (pause)"}
}
ShortText = Annotated[str | None, Query(max_length=100, pattern=r"^[\x21-\x7e]+$")]


@router.get("", summary="List cases, filtered by status, stage or debtor (cursor pagination)")
async def list_cases(
    principal: Reader,
    uow: UnitOfWorkDep,
    paging: PagedById,
    status: CaseStatus | None = None,
    stage: ShortText = None,
    debtor_id: ShortText = None,
) -> CasePage:
    where = CaseFilter(status=status.value if status else None, stage=stage, debtor_id=debtor_id)
    found = await use_cases.list_cases(
        uow, principal.tenant_id, where, after=paging.after, limit=paging.fetch
    )
    page, next_cursor = paging.page(found, lambda c: c.case_id)
    return CasePage(items=[CaseOut.of(c) for c in page], next_cursor=next_cursor)


@router.get("/{case_id}", summary="Read a case and its invoices", responses=NOT_FOUND)
async def read_case(case_id: str, principal: Reader, uow: UnitOfWorkDep) -> CaseOut:
    case, invoices = await use_cases.get_case(uow, principal.tenant_id, case_id)
    return CaseOut.of(case, invoices)


@router.get(
    "/{case_id}/timeline",
    summary="Everything that happened in a case, and why (cursor pagination)",
    responses=NOT_FOUND,
)
async def read_timeline(
    case_id: str, principal: Reader, uow: UnitOfWorkDep, paging: PagedById
) -> TimelinePage:
    after: int | None = None
    if paging.after is not None:
        if not paging.after.isdigit() or len(paging.after) > 18:
            raise UNPROCESSABLE.problem(NOT_A_CURSOR, field="cursor")
        after = int(paging.after)
    entries = await use_cases.case_timeline(
        uow, principal.tenant_id, case_id, after=after, limit=paging.fetch
    )
    page, next_cursor = paging.page(entries, lambda e: str(e[0]))
    return TimelinePage(items=[TimelineEntryOut.of(i, e) for i, e in page], next_cursor=next_cursor)


@router.get(
    "/{case_id}/case-file",
    summary="The case file handed to the agency or lawyer (debtor, invoices, charges, "
    "contact history, disputes, timeline)",
    responses=NOT_FOUND,
)
async def read_case_file(case_id: str, principal: Reader, uow: UnitOfWorkDep) -> dict[str, Any]:
    return await use_cases.case_file(uow, principal.tenant_id, case_id)


@router.post(
    "/{case_id}/pause",
    summary="Pause the case's ladder (a collector's decision)",
    responses=NOT_FOUND | STATE,
)
async def pause_case(case_id: str, body: PauseIn, principal: Writer, uow: UnitOfWorkDep) -> CaseOut:
    case = await use_cases.pause_case(
        uow, principal.tenant_id, case_id, note=body.note, actor=_actor(principal)
    )
    return CaseOut.of(case)


@router.post(
    "/{case_id}/resume",
    summary="Resume a case a collector paused",
    responses=NOT_FOUND | STATE,
)
async def resume_case(
    case_id: str, body: PauseIn, principal: Writer, uow: UnitOfWorkDep
) -> CaseOut:
    case = await use_cases.resume_case(
        uow, principal.tenant_id, case_id, note=body.note, actor=_actor(principal)
    )
    return CaseOut.of(case)


@router.post(
    "/{case_id}/policy",
    summary="Move a running case to another policy version (it keeps its place)",
    responses=NOT_FOUND | STATE,
)
async def move_case_policy(
    case_id: str, body: MovePolicyIn, principal: Writer, uow: UnitOfWorkDep
) -> CaseOut:
    case = await use_cases.move_case_policy(
        uow,
        principal.tenant_id,
        case_id,
        policy_id=body.policy_id,
        version=body.version,
        actor=_actor(principal),
    )
    return CaseOut.of(case)


def _actor(principal: Principal) -> str:
    return f"collector:{principal.subject}"[:200]
