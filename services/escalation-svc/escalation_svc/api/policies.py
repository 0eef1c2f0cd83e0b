"""/v1/policies: dunning ladders, versioned; validated whole at save."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response, status

from debtflow_shared.auth import Principal
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import PagedById
from debtflow_shared.http.security import require
from escalation_svc.api.escalation_problems import EscalationRoute
from escalation_svc.api.policy_schemas import (
    PolicyCreateIn,
    PolicyIn,
    PolicyOut,
    PolicyPage,
    ValidationOut,
)
from escalation_svc.service_layer import policies as use_cases

router = APIRouter(prefix="/policies", tags=["policies"], route_class=EscalationRoute)

Reader = Annotated[Principal, Depends(require("cases:read"))]
Admin = Annotated[Principal, Depends(require("admin"))]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such policy"}}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "the policy cannot run as written (the field names the step)"}
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a policy (version 1)",
    responses=INVALID | {409: {"description": "a policy with that id exists"}},
)
async def create_policy(
    body: PolicyCreateIn, principal: Admin, uow: UnitOfWorkDep, response: Response
) -> PolicyOut:
    policy = await use_cases.create_policy(
        uow, principal.tenant_id, body.policy_id, body.to_draft()
    )
    response.headers["Location"] = f"/v1/policies/{policy.policy_id}"
    return PolicyOut.of(policy)


@router.post("/validate", summary="Check a policy without saving it", responses=INVALID)
async def validate_policy(body: PolicyIn, principal: Admin) -> ValidationOut:
    use_cases.validate_policy(body.to_draft())
    return ValidationOut(valid=True)


@router.get("", summary="List policies, each at its latest version (cursor pagination)")
async def list_policies(principal: Reader, uow: UnitOfWorkDep, paging: PagedById) -> PolicyPage:
    found = await use_cases.list_policies(
        uow, principal.tenant_id, after=paging.after, limit=paging.fetch
    )
    page, next_cursor = paging.page(found, lambda p: p.policy_id)
    return PolicyPage(items=[PolicyOut.of(p) for p in page], next_cursor=next_cursor)


@router.get("/{policy_id}", summary="Read a policy's latest version", responses=NOT_FOUND)
async def read_policy(policy_id: str, principal: Reader, uow: UnitOfWorkDep) -> PolicyOut:
    return PolicyOut.of(await use_cases.get_policy(uow, principal.tenant_id, policy_id))


@router.get(
    "/{policy_id}/versions/{version}",
    summary="Read one version of a policy (what a case runs on)",
    responses=NOT_FOUND,
)
async def read_policy_version(
    policy_id: str,
    version: Annotated[int, Path(ge=1, le=1_000_000)],
    principal: Reader,
    uow: UnitOfWorkDep,
) -> PolicyOut:
    return PolicyOut.of(await use_cases.get_policy(uow, principal.tenant_id, policy_id, version))


@router.put(
    "/{policy_id}",
    summary="Revise a policy: saves the next version (running cases keep theirs)",
    responses=NOT_FOUND | INVALID | {409: {"description": "revised concurrently"}},
)
async def revise_policy(
    policy_id: str, body: PolicyIn, principal: Admin, uow: UnitOfWorkDep
) -> PolicyOut:
    return PolicyOut.of(
        await use_cases.revise_policy(uow, principal.tenant_id, policy_id, body.to_draft())
    )


@router.delete(
    "/{policy_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Archive a policy (running cases keep their version)",
    responses=NOT_FOUND | {409: {"description": "the default policy cannot be archived"}},
)
async def archive_policy(policy_id: str, principal: Admin, uow: UnitOfWorkDep) -> Response:
    await use_cases.archive_policy(uow, principal.tenant_id, policy_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
