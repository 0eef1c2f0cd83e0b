"""/v1/debtors/{debtor_id}/contact-restrictions: do-not-contact and cease-contact decisions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response, status

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.debtor import Channel
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.problems import UNPROCESSABLE
from debtflow_shared.http.security import require
from escalation_svc.api.case_schemas import RestrictionIn, RestrictionList, RestrictionOut
from escalation_svc.api.escalation_problems import EscalationRoute
from escalation_svc.domain.contact_restriction import RestrictionKind
from escalation_svc.service_layer import contact_restrictions as use_cases

router = APIRouter(
    prefix="/debtors/{debtor_id}/contact-restrictions",
    tags=["contact restrictions"],
    route_class=EscalationRoute,
)

Reader = Annotated[Principal, Depends(require("cases:read"))]
Writer = Annotated[Principal, Depends(require("cases:write"))]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such debtor"}}
SETTABLE = {RestrictionKind.DO_NOT_CONTACT, RestrictionKind.CEASE_CONTACT}


@router.get("", summary="A debtor's contact restrictions (opt-outs included)", responses=NOT_FOUND)
async def list_restrictions(
    debtor_id: str, principal: Reader, uow: UnitOfWorkDep
) -> RestrictionList:
    found = await use_cases.list_restrictions(uow, principal.tenant_id, debtor_id)
    return RestrictionList(items=[RestrictionOut.of(r) for r in found])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Restrict contact with a debtor on a channel or every channel (contact.restricted)",
    responses=NOT_FOUND | {422: {"description": "invalid field, or an opt-out (notify's)"}},
)
async def restrict_contact(
    debtor_id: str, body: RestrictionIn, principal: Writer, uow: UnitOfWorkDep
) -> RestrictionOut:
    if body.kind not in SETTABLE:
        raise UNPROCESSABLE.problem("opt-outs come from the debtor (notify-svc)", field="kind")
    restriction = await use_cases.restrict_contact(
        uow,
        principal.tenant_id,
        debtor_id,
        use_cases.RestrictContact(body.kind, body.channel, body.reason, body.until),
        actor=f"collector:{principal.subject}"[:200],
    )
    return RestrictionOut.of(restriction)


@router.delete(
    "/{kind}/{channel}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Lift a restriction (channel 'all': the one on every channel)",
    responses={404: {"description": "no such debtor or restriction"}},
)
async def lift_restriction(
    debtor_id: str,
    kind: Literal["do_not_contact", "cease_contact"],
    channel: Channel | Literal["all"],
    principal: Writer,
    uow: UnitOfWorkDep,
) -> Response:
    await use_cases.lift_restriction(
        uow,
        principal.tenant_id,
        debtor_id,
        RestrictionKind(kind),
        None if channel == "all" else Channel(channel),
        actor=f"collector:{principal.subject}"[:200],
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
