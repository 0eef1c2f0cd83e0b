"""Many rows in one insert: in the order given, and a stored key skipped when asked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.bulk_insert import insert_rows
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.tables import platform
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.harness import T0, Backend


@pytest.fixture
async def runtime(backend: Backend) -> AsyncIterator[ServiceRuntime]:
    async with backend.service(INVOICE, InvoiceSettings, relay=False) as running:
        yield running


def outbox_row(event_id: str) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "topic": "bench.topic",
        "message_key": "t:d",
        "partition_no": 0,
        "value": b"\x00{}",
        "headers": "[]",
        "created_at": T0,
    }


async def stored(session: AsyncSession) -> list[tuple[str, bytes]]:
    rows = await session.execute(
        select(platform.outbox.c.event_id, platform.outbox.c.value).order_by(platform.outbox.c.id)
    )
    return [(r.event_id, bytes(r.value)) for r in rows]


async def test_rows_are_inserted_in_the_order_given(runtime: ServiceRuntime) -> None:
    ids = [f"e-{n:03d}" for n in reversed(range(300))]
    async with runtime.sessions() as session:
        await insert_rows(session, platform.outbox, [outbox_row(i) for i in ids])
        assert [event_id for event_id, _ in await stored(session)] == ids
        assert (await stored(session))[0][1] == b"\x00{}"


async def test_rows_whose_key_is_stored_are_skipped_when_asked(runtime: ServiceRuntime) -> None:
    async with runtime.sessions() as session:
        await insert_rows(session, platform.outbox, [outbox_row("e-1")])
        again = [outbox_row("e-1") | {"topic": "changed"}, outbox_row("e-2")]
        await insert_rows(session, platform.outbox, again, skip_conflicts=True)
        topics = await session.scalars(
            select(platform.outbox.c.topic).order_by(platform.outbox.c.event_id)
        )
        assert list(topics) == ["bench.topic", "bench.topic"]
