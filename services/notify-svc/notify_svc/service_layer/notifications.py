"""Reading notifications: what was asked, what was sent, every attempt."""

from __future__ import annotations

from notify_svc.domain.notification import Notification
from notify_svc.domain.repositories import NotificationFilter
from notify_svc.service_layer.work import Work


class NotificationNotFound(LookupError):
    pass


async def get_notification(uow: Work, tenant_id: str, notification_id: str) -> Notification:
    async with uow:
        found = await uow.repos.notifications.get(tenant_id, notification_id)
    if found is None:
        raise NotificationNotFound(f"notification {notification_id} not found")
    return found


async def list_notifications(
    uow: Work, tenant_id: str, where: NotificationFilter, *, after: str | None, limit: int
) -> list[Notification]:
    async with uow:
        return await uow.repos.notifications.list(tenant_id, where, after=after, limit=limit)
