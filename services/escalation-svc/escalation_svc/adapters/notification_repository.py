"""The notifications cases requested, and what notify-svc reported of them."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.bulk_insert import insert_rows
from debtflow_shared.catalog.notification import NotificationChannel
from debtflow_shared.value_lists import one_of
from escalation_svc.adapters.bulk_update import update_each
from escalation_svc.adapters.tables import case_notifications
from escalation_svc.domain.ladder_run import Notification


def _notification(row: Any) -> Notification:
    return Notification(
        dedup_key=row["dedup_key"],
        case_id=row["case_id"],
        step=row["step"],
        channel=NotificationChannel(row["channel"]),
        invoice_ids=tuple(json.loads(row["invoice_ids"])),
        status=row["status"],
        requested_at=row["requested_at"],
        fallback_done=row["fallback_done"],
    )


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str, dedup_key: str) -> Notification | None:
        row = (
            (
                await self._session.execute(
                    select(case_notifications).where(
                        case_notifications.c.tenant_id == tenant_id,
                        case_notifications.c.dedup_key == dedup_key,
                    )
                )
            )
            .mappings()
            .first()
        )
        return _notification(row) if row else None

    async def unsettled(self, tenant_id: str, case_id: str) -> list[Notification]:
        """Requested and not answered yet, or failed with no fallback tried yet."""
        rows = await self._session.execute(
            select(case_notifications)
            .where(
                case_notifications.c.tenant_id == tenant_id,
                case_notifications.c.case_id == case_id,
                or_(
                    case_notifications.c.status == "requested",
                    (case_notifications.c.status == "failed")
                    & case_notifications.c.fallback_done.is_(False),
                ),
            )
            .order_by(case_notifications.c.requested_at, case_notifications.c.dedup_key)
        )
        return [_notification(r) for r in rows.mappings()]

    async def unsettled_for_cases(
        self, tenant_id: str, case_ids: Collection[str]
    ) -> dict[str, list[Notification]]:
        """:meth:`unsettled` of many cases at once, by case id."""
        if not case_ids:
            return {}
        rows = await self._session.execute(
            select(case_notifications)
            .where(
                case_notifications.c.tenant_id == tenant_id,
                one_of(self._session, case_notifications.c.case_id, case_ids),
                or_(
                    case_notifications.c.status == "requested",
                    (case_notifications.c.status == "failed")
                    & case_notifications.c.fallback_done.is_(False),
                ),
            )
            .order_by(case_notifications.c.requested_at, case_notifications.c.dedup_key)
        )
        found: dict[str, list[Notification]] = {}
        for row in rows.mappings():
            found.setdefault(row["case_id"], []).append(_notification(row))
        return found

    async def settle_many(self, tenant_id: str, statuses: dict[str, str]) -> None:
        """Set each dedup key's status; a failed one has had its fallback."""
        await update_each(
            self._session,
            case_notifications,
            ("tenant_id", "dedup_key"),
            [
                {
                    "tenant_id": tenant_id,
                    "dedup_key": k,
                    "status": v,
                    "fallback_done": v == "failed",
                }
                for k, v in statuses.items()
            ],
        )

    async def of_case(self, tenant_id: str, case_id: str) -> list[Notification]:
        rows = await self._session.execute(
            select(case_notifications)
            .where(
                case_notifications.c.tenant_id == tenant_id,
                case_notifications.c.case_id == case_id,
            )
            .order_by(case_notifications.c.requested_at, case_notifications.c.dedup_key)
        )
        return [_notification(r) for r in rows.mappings()]

    async def add_many(self, tenant_id: str, new: Sequence[tuple[str, Notification]]) -> None:
        """Store ``(debtor id, notification)`` pairs (a key stored already stays as it is)."""
        await insert_rows(
            self._session,
            case_notifications,
            [
                {
                    "tenant_id": tenant_id,
                    "dedup_key": n.dedup_key,
                    "case_id": n.case_id,
                    "debtor_id": debtor_id,
                    "step": n.step,
                    "channel": n.channel.value,
                    "invoice_ids": json.dumps(list(n.invoice_ids)),
                    "status": n.status,
                    "requested_at": n.requested_at,
                    "fallback_done": False,
                }
                for debtor_id, n in new
            ],
            skip_conflicts=True,
        )

    async def set_status(
        self, tenant_id: str, dedup_key: str, status: str, *, fallback_done: bool = False
    ) -> None:
        await self._session.execute(
            update(case_notifications)
            .where(
                case_notifications.c.tenant_id == tenant_id,
                case_notifications.c.dedup_key == dedup_key,
            )
            .values(status=status, fallback_done=fallback_done)
        )
