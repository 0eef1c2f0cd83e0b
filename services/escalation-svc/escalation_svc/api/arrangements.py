"""Promises to pay, payment plans and settlement offers: made on a case, read and listed.

``POST /cases/{case_id}/promises|plans|settlements`` makes one (the case pauses);
``GET /promises|plans|settlements`` lists them (filtered by case, debtor, status; cursor
pagination); ``GET /promises/{id}`` and the others read one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from debtflow_shared.auth import Principal
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import PagedById
from debtflow_shared.http.security import require
from escalation_svc.api.arrangement_schemas import (
    PlanIn,
    PlanOut,
    PlanPage,
    PromiseIn,
    PromiseOut,
    PromisePage,
    SettlementIn,
    SettlementOut,
    SettlementPage,
)
from escalation_svc.api.escalation_problems import EscalationRoute
from escalation_svc.domain.arrangements import ArrangementFilter
from escalation_svc.domain.plan import Plan, PlanStatus
from escalation_svc.domain.promise import Promise, PromiseStatus
from escalation_svc.domain.settlement import Settlement, SettlementStatus
from escalation_svc.service_layer import arrangements as use_cases

router = APIRouter(tags=["arrangements"], route_class=EscalationRoute)

Reader = Annotated[Principal, Depends(require("cases:read"))]
Writer = Annotated[Principal, Depends(require("cases:write"))]
ShortText = Annotated[str | None, Query(max_length=100, pattern=r"^[\x21-\x7e]+$")]
MAKE: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such case"},
    409: {"description": "the case is closed, or a promise, plan or settlement is in force"},
    422: {"description": "a field the case cannot take (names it)"},
}
READ: dict[int | str, dict[str, Any]] = {404: {"description": "not found"}}


def _actor(principal: Principal) -> str:
    return f"collector:{principal.subject}"[:200]


@router.post(
    "/cases/{case_id}/promises",
    status_code=status.HTTP_201_CREATED,
    summary="Record a promise to pay: the ladder pauses until its date + grace (promise.made)",
    responses=MAKE,
)
async def make_promise(
    case_id: str, body: PromiseIn, principal: Writer, uow: UnitOfWorkDep
) -> PromiseOut:
    promise = await use_cases.promise_to_pay(
        uow, principal.tenant_id, case_id, body.to_command(), actor=_actor(principal)
    )
    return PromiseOut.of(promise)


@router.get("/promises", summary="List promises to pay (cursor pagination)")
async def list_promises(
    principal: Reader,
    uow: UnitOfWorkDep,
    paging: PagedById,
    case_id: ShortText = None,
    debtor_id: ShortText = None,
    status: PromiseStatus | None = None,
) -> PromisePage:
    where = ArrangementFilter(case_id, debtor_id, status.value if status else None)
    found = await use_cases.list_arrangements(
        uow, principal.tenant_id, "promise", where, after=paging.after, limit=paging.fetch
    )
    page, cursor = paging.page(found, lambda p: p.promise_id if isinstance(p, Promise) else "")
    return PromisePage(
        items=[PromiseOut.of(p) for p in page if isinstance(p, Promise)], next_cursor=cursor
    )


@router.get("/promises/{promise_id}", summary="Read a promise to pay", responses=READ)
async def read_promise(promise_id: str, principal: Reader, uow: UnitOfWorkDep) -> PromiseOut:
    found = await use_cases.get_arrangement(uow, principal.tenant_id, "promise", promise_id)
    assert isinstance(found, Promise)
    return PromiseOut.of(found)


@router.post(
    "/cases/{case_id}/plans",
    status_code=status.HTTP_201_CREATED,
    summary="Agree a payment plan: installments replace the ladder while honoured (plan.created)",
    responses=MAKE,
)
async def create_plan(case_id: str, body: PlanIn, principal: Writer, uow: UnitOfWorkDep) -> PlanOut:
    plan = await use_cases.create_plan(
        uow, principal.tenant_id, case_id, body.to_command(), actor=_actor(principal)
    )
    return PlanOut.of(plan, uow.clock.now().date())


@router.get("/plans", summary="List payment plans with their schedules (cursor pagination)")
async def list_plans(
    principal: Reader,
    uow: UnitOfWorkDep,
    paging: PagedById,
    case_id: ShortText = None,
    debtor_id: ShortText = None,
    status: PlanStatus | None = None,
) -> PlanPage:
    where = ArrangementFilter(case_id, debtor_id, status.value if status else None)
    found = await use_cases.list_arrangements(
        uow, principal.tenant_id, "plan", where, after=paging.after, limit=paging.fetch
    )
    page, cursor = paging.page(found, lambda p: p.plan_id if isinstance(p, Plan) else "")
    today = uow.clock.now().date()
    return PlanPage(
        items=[PlanOut.of(p, today) for p in page if isinstance(p, Plan)], next_cursor=cursor
    )


@router.get(
    "/plans/{plan_id}", summary="Read a payment plan and its installment schedule", responses=READ
)
async def read_plan(plan_id: str, principal: Reader, uow: UnitOfWorkDep) -> PlanOut:
    found = await use_cases.get_arrangement(uow, principal.tenant_id, "plan", plan_id)
    assert isinstance(found, Plan)
    return PlanOut.of(found, uow.clock.now().date())


@router.post(
    "/cases/{case_id}/settlements",
    status_code=status.HTTP_201_CREATED,
    summary="Offer to settle for less, within the tenant's limit, until a date "
    "(settlement.offered)",
    responses=MAKE,
)
async def offer_settlement(
    case_id: str, body: SettlementIn, principal: Writer, uow: UnitOfWorkDep
) -> SettlementOut:
    settlement = await use_cases.offer_settlement_on(
        uow, principal.tenant_id, case_id, body.to_command(), actor=_actor(principal)
    )
    return SettlementOut.of(settlement)


@router.get("/settlements", summary="List settlement offers (cursor pagination)")
async def list_settlements(
    principal: Reader,
    uow: UnitOfWorkDep,
    paging: PagedById,
    case_id: ShortText = None,
    debtor_id: ShortText = None,
    status: SettlementStatus | None = None,
) -> SettlementPage:
    where = ArrangementFilter(case_id, debtor_id, status.value if status else None)
    found = await use_cases.list_arrangements(
        uow, principal.tenant_id, "settlement", where, after=paging.after, limit=paging.fetch
    )
    page, cursor = paging.page(
        found, lambda s: s.settlement_id if isinstance(s, Settlement) else ""
    )
    return SettlementPage(
        items=[SettlementOut.of(s) for s in page if isinstance(s, Settlement)],
        next_cursor=cursor,
    )


@router.get("/settlements/{settlement_id}", summary="Read a settlement offer", responses=READ)
async def read_settlement(
    settlement_id: str, principal: Reader, uow: UnitOfWorkDep
) -> SettlementOut:
    found = await use_cases.get_arrangement(uow, principal.tenant_id, "settlement", settlement_id)
    assert isinstance(found, Settlement)
    return SettlementOut.of(found)
