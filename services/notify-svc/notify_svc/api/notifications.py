"""/v1/notifications: what escalation asked for, what went out, every attempt."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.notification import NotificationChannel
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import PagedById
from debtflow_shared.http.security import require
from notify_svc.api.notification_schemas import NotificationOut, NotificationPage
from notify_svc.api.notify_problems import NotifyRoute
from notify_svc.domain.notification import Status
from notify_svc.domain.repositories import NotificationFilter
from notify_svc.service_layer import notifications as use_cases

router = APIRouter(prefix="/notifications", tags=["notifications"], route_class=NotifyRoute)

Reader = Annotated[Principal, Depends(require("notifications:read"))]
Id = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f-\x9f]+$")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such notification for your tenant"}
}


@router.get(
    "", summary="List notifications, by debtor, status, channel or case (cursor pagination)"
)
async def list_notifications(
    principal: Reader,
    uow: UnitOfWorkDep,
    paging: PagedById,
    debtor_id: Id | None = None,
    status: Status | None = None,
    channel: NotificationChannel | None = None,
    case_id: Id | None = None,
) -> NotificationPage:
    where = NotificationFilter(
        debtor_id=debtor_id,
        status=status,
        channel=channel.value if channel else None,
        case_id=case_id,
    )
    items = await use_cases.list_notifications(
        uow, principal.tenant_id, where, after=paging.after, limit=paging.fetch
    )
    page, cursor = paging.page(items, lambda n: n.id)
    return NotificationPage(items=[NotificationOut.of(n) for n in page], next_cursor=cursor)


@router.get(
    "/{notification_id}",
    summary="Read a notification with its rendered content and every attempt",
    responses=NOT_FOUND,
)
async def read_notification(
    notification_id: Annotated[str, Path(min_length=1, max_length=64)],
    principal: Reader,
    uow: UnitOfWorkDep,
) -> NotificationOut:
    found = await use_cases.get_notification(uow, principal.tenant_id, notification_id)
    return NotificationOut.of(found)
