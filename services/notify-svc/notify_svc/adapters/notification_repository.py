"""Notifications and their attempts."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.notification import ContactRules, NotificationChannel, Tone
from debtflow_shared.db import insert_if_absent, insert_unless_present
from notify_svc.adapters.tables import bounces, early_cancels, notification_attempts, notifications
from notify_svc.domain.notification import (
    WAITING,
    Attempt,
    AttemptOutcome,
    Notification,
    Rendered,
    ShownLine,
    Status,
)
from notify_svc.domain.repositories import DueNotification, NotificationFilter


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, notification: Notification) -> bool:
        return await insert_if_absent(
            self._session, notifications, _row(notification), on=["tenant_id", "dedup_key"]
        )

    async def _one(self, *where: Any, lock: bool = False) -> Notification | None:
        if not lock:
            found = await self._read(*where, limit=1)
            return found[0] if found else None
        # Under the row lock its attempts cannot change (they are written under it too).
        query = select(notifications).where(*where).with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        if row is None:
            return None
        attempts = (
            await self._session.execute(
                select(notification_attempts)
                .where(notification_attempts.c.notification_id == row["id"])
                .order_by(notification_attempts.c.number)
            )
        ).mappings()
        return _notification(row, [_attempt(a) for a in attempts])

    async def _read(self, *where: Any, limit: int) -> list[Notification]:
        """Notifications with their attempts from one statement: each as it stood at one
        instant, so a listing filtered by status never shows a row that has moved on."""
        page = select(notifications).where(*where).order_by(notifications.c.id).limit(limit)
        shown = page.subquery("page")
        attempt = notification_attempts
        query = (
            select(shown, *(c.label(f"attempt_{c.name}") for c in attempt.c))
            .select_from(shown.outerjoin(attempt, attempt.c.notification_id == shown.c.id))
            .order_by(shown.c.id, attempt.c.number)
        )
        rows: dict[str, tuple[Any, list[Attempt]]] = {}
        for row in (await self._session.execute(query)).mappings():
            _, attempts = rows.setdefault(row["id"], (row, []))
            if row["attempt_number"] is not None:
                attempts.append(_attempt({c.name: row[f"attempt_{c.name}"] for c in attempt.c}))
        return [_notification(row, attempts) for row, attempts in rows.values()]

    async def get(self, tenant_id: str, notification_id: str) -> Notification | None:
        return await self._one(
            notifications.c.tenant_id == tenant_id, notifications.c.id == notification_id
        )

    async def by_dedup_key(self, tenant_id: str, dedup_key: str) -> Notification | None:
        return await self._one(
            notifications.c.tenant_id == tenant_id, notifications.c.dedup_key == dedup_key
        )

    async def lock(self, tenant_id: str, notification_id: str) -> Notification | None:
        return await self._one(
            notifications.c.tenant_id == tenant_id,
            notifications.c.id == notification_id,
            lock=True,
        )

    async def save(self, notification: Notification) -> None:
        row = _row(notification)
        await self._session.execute(
            update(notifications).where(notifications.c.id == notification.id).values(row)
        )
        # Attempts are few (a handful per notification): rewritten whole.
        await self._session.execute(
            delete(notification_attempts).where(
                notification_attempts.c.notification_id == notification.id
            )
        )
        if notification.attempts:
            await self._session.execute(
                insert(notification_attempts),
                [
                    {
                        "notification_id": notification.id,
                        "number": a.number,
                        "address": a.address,
                        "started_at": a.started_at,
                        "ended_at": a.ended_at,
                        "outcome": a.outcome.value,
                        "detail": a.detail,
                    }
                    for a in notification.attempts
                ],
            )

    async def due(
        self,
        now: datetime,
        machine_now: datetime,
        limit: int,
        skip_channels: Collection[str] = (),
    ) -> list[DueNotification]:
        waiting = notifications.c.status.in_([s.value for s in WAITING]) & (
            notifications.c.next_attempt_at <= now
        )
        interrupted = (notifications.c.status == Status.SENDING.value) & (
            notifications.c.lease_until < machine_now
        )
        query = (
            select(notifications.c.tenant_id, notifications.c.id, notifications.c.channel)
            .where(or_(waiting, interrupted))
            .order_by(notifications.c.next_attempt_at)
            .limit(limit)
        )
        if skip_channels:
            query = query.where(notifications.c.channel.not_in(list(skip_channels)))
        rows = await self._session.execute(query)
        return [DueNotification(r[0], r[1], r[2]) for r in rows]

    async def list(
        self, tenant_id: str, where: NotificationFilter, *, after: str | None, limit: int
    ) -> list[Notification]:
        conditions = [notifications.c.tenant_id == tenant_id]
        if where.debtor_id is not None:
            conditions.append(notifications.c.debtor_id == where.debtor_id)
        if where.status is not None:
            conditions.append(notifications.c.status == where.status.value)
        if where.channel is not None:
            conditions.append(notifications.c.channel == where.channel)
        if where.case_id is not None:
            conditions.append(notifications.c.case_id == where.case_id)
        if after is not None:
            conditions.append(notifications.c.id > after)
        return await self._read(*conditions, limit=limit)

    async def last_sent_at(
        self, tenant_id: str, debtor_id: str, *, other_than: tuple[str, str] | None = None
    ) -> datetime | None:
        conditions = [
            notifications.c.tenant_id == tenant_id,
            notifications.c.debtor_id == debtor_id,
        ]
        if other_than is not None:
            case_id, step = other_than
            conditions.append(or_(notifications.c.case_id != case_id, notifications.c.step != step))
        value: datetime | None = (
            await self._session.execute(
                select(func.max(notifications.c.sent_at)).where(*conditions)
            )
        ).scalar()
        return value

    async def wake_unresolved(self, tenant_id: str, debtor_id: str | None, now: datetime) -> None:
        # ``requested`` rows too: one being checked right now holds its row lock, so this
        # waits for that check's commit and then wakes the deferral it wrote, instead of
        # missing it (the check read the copies before this transaction commits them).
        query = update(notifications).where(
            notifications.c.tenant_id == tenant_id,
            or_(
                notifications.c.status == Status.REQUESTED.value,
                (notifications.c.status == Status.DEFERRED.value)
                & notifications.c.waiting_for.is_not(None),
            ),
        )
        if debtor_id is not None:
            query = query.where(notifications.c.debtor_id == debtor_id)
        await self._session.execute(query.values(next_attempt_at=now))

    async def by_message_id(self, message_id: str) -> Notification | None:
        """The notification a provider's callback names (ids are unique across tenants)."""
        return await self._one(notifications.c.message_id == message_id)

    async def mark_delivered(self, notification_id: str, at: datetime) -> bool:
        result = await self._session.execute(
            update(notifications)
            .where(notifications.c.id == notification_id, notifications.c.delivered_at.is_(None))
            .values(delivered_at=at)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def record_bounce(
        self, notification_id: str, bounce: str, reason: str, at: datetime
    ) -> bool:
        row = {"notification_id": notification_id, "bounce": bounce, "reason": reason}
        return await insert_if_absent(self._session, bounces, row | {"bounced_at": at})

    async def remember_cancel(
        self, tenant_id: str, dedup_key: str, reason: str, at: datetime
    ) -> None:
        dialect = self._session.get_bind().dialect.name
        row = {"tenant_id": tenant_id, "dedup_key": dedup_key, "reason": reason, "cancelled_at": at}
        await self._session.execute(insert_unless_present(early_cancels, dialect, row))

    async def early_cancel(self, tenant_id: str, dedup_key: str) -> str | None:
        reason: str | None = (
            await self._session.execute(
                select(early_cancels.c.reason).where(
                    early_cancels.c.tenant_id == tenant_id, early_cancels.c.dedup_key == dedup_key
                )
            )
        ).scalar()
        return reason


def _row(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "tenant_id": n.tenant_id,
        "dedup_key": n.dedup_key,
        "case_id": n.case_id,
        "debtor_id": n.debtor_id,
        "step": n.step,
        "channel": n.channel.value,
        "template_key": n.template_key,
        "tone": n.tone.value,
        "variant": n.variant,
        "locale": n.locale,
        "invoice_ids": json.dumps(list(n.invoice_ids)),
        "also_outstanding_ids": json.dumps(list(n.also_outstanding_ids)),
        "contact_rules": n.contact_rules.model_dump_json(),
        "requested_at": n.requested_at,
        "expires_at": n.expires_at,
        "status": n.status.value,
        "status_reason": n.status_reason,
        "waiting_for": n.waiting_for,
        "next_attempt_at": n.next_attempt_at,
        "lease_until": n.lease_until,
        "message_id": n.message_id,
        "rendered": None if n.rendered is None else json.dumps(asdict(n.rendered)),
        "sent_at": n.sent_at,
        "provider_message_id": n.provider_message_id,
        "created_at": n.created_at,
        "updated_at": n.updated_at,
    }


def _rendered(text: str | None) -> Rendered | None:
    if text is None:
        return None
    data = json.loads(text)
    data["shown"] = tuple(ShownLine(**line) for line in data["shown"])
    return Rendered(**data)


def _notification(row: Any, attempts: list[Attempt]) -> Notification:
    return Notification(
        id=row["id"],
        tenant_id=row["tenant_id"],
        dedup_key=row["dedup_key"],
        case_id=row["case_id"],
        debtor_id=row["debtor_id"],
        step=row["step"],
        channel=NotificationChannel(row["channel"]),
        template_key=row["template_key"],
        tone=Tone(row["tone"]),
        variant=row["variant"],
        locale=row["locale"],
        invoice_ids=tuple(json.loads(row["invoice_ids"])),
        also_outstanding_ids=tuple(json.loads(row["also_outstanding_ids"])),
        contact_rules=ContactRules.model_validate_json(row["contact_rules"]),
        requested_at=row["requested_at"],
        expires_at=row["expires_at"],
        status=Status(row["status"]),
        status_reason=row["status_reason"],
        waiting_for=row["waiting_for"],
        next_attempt_at=row["next_attempt_at"],
        message_id=row["message_id"],
        rendered=_rendered(row["rendered"]),
        sent_at=row["sent_at"],
        provider_message_id=row["provider_message_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        attempts=attempts,
        lease_until=row["lease_until"],
    )


def _attempt(row: Any) -> Attempt:
    return Attempt(
        number=row["number"],
        started_at=row["started_at"],
        address=row["address"],
        outcome=AttemptOutcome(row["outcome"]),
        ended_at=row["ended_at"],
        detail=row["detail"],
    )
