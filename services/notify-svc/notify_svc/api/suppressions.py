"""/v1/suppressions: addresses notify will not send to again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.notification import NotificationChannel
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import PagedById
from debtflow_shared.http.security import require
from notify_svc.api.notification_schemas import SuppressionIn, SuppressionOut, SuppressionPage
from notify_svc.api.notify_problems import NotifyRoute
from notify_svc.service_layer import suppressions as use_cases

router = APIRouter(prefix="/suppressions", tags=["suppressions"], route_class=NotifyRoute)

Reader = Annotated[Principal, Depends(require("notifications:read"))]
Writer = Annotated[Principal, Depends(require("suppressions:write"))]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Suppress an address (the debtor asked to stop); emits contact.opted_out",
    responses={200: {"description": "the address was already suppressed"}},
)
async def add_suppression(
    body: SuppressionIn, principal: Writer, uow: UnitOfWorkDep, response: Response
) -> SuppressionOut:
    command = use_cases.AddSuppression(
        body.channel.value, body.address, body.debtor_id, body.detail
    )
    suppression, newly = await use_cases.suppress(uow, principal.tenant_id, command)
    if not newly:
        response.status_code = status.HTTP_200_OK
    return SuppressionOut.of(suppression)


@router.get("", summary="List the suppression list (cursor pagination)")
async def list_suppressions(
    principal: Reader,
    uow: UnitOfWorkDep,
    paging: PagedById,
    channel: NotificationChannel | None = None,
) -> SuppressionPage:
    items = await use_cases.list_suppressions(
        uow,
        principal.tenant_id,
        after=paging.after,
        limit=paging.fetch,
        channel=channel.value if channel else None,
    )
    page, cursor = paging.page(items, lambda s: f"{s.channel} {s.address}")
    return SuppressionPage(items=[SuppressionOut.of(s) for s in page], next_cursor=cursor)
