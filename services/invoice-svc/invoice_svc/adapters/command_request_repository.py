"""Charge and write-off requests already answered (``command_requests``); scoped to a tenant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.db import insert_if_absent
from invoice_svc.adapters.tables import command_requests


class CommandRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def answered(self, tenant_id: str, command: str, request_id: str) -> bool:
        t = command_requests.c
        query = select(
            exists().where(
                t.tenant_id == tenant_id, t.command == command, t.request_id == request_id
            )
        )
        return bool((await self._session.execute(query)).scalar_one())

    async def answer(
        self,
        tenant_id: str,
        command: str,
        request_id: str,
        *,
        invoice_id: str,
        outcome: str,
        now: datetime,
    ) -> bool:
        """Record the request as answered with ``outcome``; False if it was answered already
        (then the caller changes nothing: the earlier answer stands)."""
        row = {
            "tenant_id": tenant_id,
            "command": command,
            "request_id": request_id,
            "invoice_id": invoice_id,
            "outcome": outcome[:40],
            "received_at": now,
        }
        return await insert_if_absent(self._session, command_requests, row)
