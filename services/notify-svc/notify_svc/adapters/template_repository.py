"""Stored template versions: a save adds a version, never changes one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.notification import Tone
from debtflow_shared.db import insert_if_absent
from debtflow_shared.optimistic_lock import ConcurrentUpdate
from notify_svc.adapters.tables import templates
from notify_svc.domain.templates import Template, TemplateSource

# The listing cursor: key, locale and tone joined by a character none of them may hold.
CURSOR_SEPARATOR = " "


class TemplateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _same(self, tenant_id: str, key: str, locale: str, tone: str) -> Any:
        return (
            (templates.c.tenant_id == tenant_id)
            & (templates.c.key == key)
            & (templates.c.locale == locale)
            & (templates.c.tone == tone)
        )

    async def add(self, template: Template) -> Template:
        assert template.tenant_id is not None
        where = self._same(template.tenant_id, template.key, template.locale, template.tone)
        latest = (
            await self._session.execute(select(func.max(templates.c.version)).where(where))
        ).scalar()
        stored = Template(
            tenant_id=template.tenant_id,
            key=template.key,
            locale=template.locale,
            tone=template.tone,
            version=(latest or 0) + 1,
            source=template.source,
            created_at=template.created_at,
        )
        row = {
            "tenant_id": stored.tenant_id,
            "key": stored.key,
            "locale": stored.locale,
            "tone": stored.tone.value,
            "version": stored.version,
            "subject": stored.source.subject,
            "html": stored.source.html,
            "text": stored.source.text,
            "attach_statement": stored.source.attach_statement,
            "sms": stored.source.sms,
            "letter": stored.source.letter,
            "created_at": stored.created_at,
        }
        if not await insert_if_absent(self._session, templates, row):
            raise ConcurrentUpdate("template")
        return stored

    async def retire(self, tenant_id: str, key: str, locale: str, tone: str, at: datetime) -> bool:
        result = await self._session.execute(
            update(templates)
            .where(self._same(tenant_id, key, locale, tone), templates.c.retired_at.is_(None))
            .values(retired_at=at)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def newest(self, tenant_id: str, key: str, locale: str, tone: str) -> Template | None:
        row = (
            (
                await self._session.execute(
                    select(templates)
                    .where(
                        self._same(tenant_id, key, locale, tone), templates.c.retired_at.is_(None)
                    )
                    .order_by(templates.c.version.desc())
                    .limit(1)
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else _template(row)

    async def version(
        self, tenant_id: str, key: str, locale: str, tone: str, version: int
    ) -> Template | None:
        row = (
            (
                await self._session.execute(
                    select(templates).where(
                        self._same(tenant_id, key, locale, tone), templates.c.version == version
                    )
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else _template(row)

    async def list(
        self, tenant_id: str, *, after: str | None, limit: int, key: str | None
    ) -> list[Template]:
        newest = (
            select(
                templates.c.key,
                templates.c.locale,
                templates.c.tone,
                func.max(templates.c.version).label("version"),
            )
            .where(templates.c.tenant_id == tenant_id, templates.c.retired_at.is_(None))
            .group_by(templates.c.key, templates.c.locale, templates.c.tone)
            .subquery()
        )
        query = select(templates).join(
            newest,
            (templates.c.key == newest.c.key)
            & (templates.c.locale == newest.c.locale)
            & (templates.c.tone == newest.c.tone)
            & (templates.c.version == newest.c.version),
        )
        query = query.where(templates.c.tenant_id == tenant_id)
        if key is not None:
            query = query.where(templates.c.key == key)
        if after is not None:
            parts = after.split(CURSOR_SEPARATOR)
            if len(parts) == 3:
                k, loc, tone = parts
                query = query.where(
                    (templates.c.key > k)
                    | ((templates.c.key == k) & (templates.c.locale > loc))
                    | (
                        (templates.c.key == k)
                        & (templates.c.locale == loc)
                        & (templates.c.tone > tone)
                    )
                )
        query = query.order_by(templates.c.key, templates.c.locale, templates.c.tone).limit(limit)
        return [_template(r) for r in (await self._session.execute(query)).mappings()]


def _template(row: Any) -> Template:
    return Template(
        tenant_id=row["tenant_id"],
        key=row["key"],
        locale=row["locale"],
        tone=Tone(row["tone"]),
        version=row["version"],
        source=TemplateSource(
            subject=row["subject"],
            html=row["html"],
            text=row["text"],
            attach_statement=row["attach_statement"],
            sms=row["sms"],
            letter=row["letter"],
        ),
        created_at=row["created_at"],
    )
