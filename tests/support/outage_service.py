"""A test-only service whose handler fails while its dependency is down, and works after.

While its ``outage`` table holds a row, handling ``debtor.upserted`` raises (retried, then
dead-lettered as ``handler_failed``): a cause an operator fixes, after which a replay must
apply the message once. Each debtor it handles is counted (not idempotent, so "applied
twice" shows) and acknowledged by an event of its own (``<debtor>-seen``), so a test can
tell the effect's outbox events were delivered too.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Integer, String, Table, delete, func, insert, select, update

from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.db import new_metadata
from debtflow_shared.event_consumer import ReceivedEvent
from debtflow_shared.platform_tables import define_platform_tables
from debtflow_shared.service import HandlerMap, ServiceDefinition, ServiceRuntime
from debtflow_shared.unit_of_work import UnitOfWork
from tests.support.events import debtor_event

metadata = new_metadata()
platform = define_platform_tables(metadata)
outage = Table("outage", metadata, Column("what", String(64), primary_key=True))
handled = Table(
    "handled",
    metadata,
    Column("debtor_id", String(64), primary_key=True),
    Column("times", Integer, nullable=False),
)
SEEN = "-seen"


class DependencyDown(Exception):
    pass


async def count_debtor(event: ReceivedEvent[DebtorUpserted], uow: UnitOfWork) -> None:
    debtor_id = event.payload.debtor_id
    if debtor_id.endswith(SEEN):
        return  # our own acknowledgement, come back round
    if await uow.session.scalar(select(func.count()).select_from(outage)):
        raise DependencyDown("the ledger database is unavailable")
    times = await uow.session.scalar(
        select(handled.c.times).where(handled.c.debtor_id == debtor_id)
    )
    if times is None:
        await uow.session.execute(insert(handled).values(debtor_id=debtor_id, times=1))
    else:
        await uow.session.execute(
            update(handled).where(handled.c.debtor_id == debtor_id).values(times=times + 1)
        )
    uow.emit(debtor_event(f"{debtor_id}{SEEN}"), tenant_id=event.tenant_id, debtor_id=debtor_id)


def _handlers(_runtime: ServiceRuntime) -> HandlerMap:
    return {DebtorUpserted.event_type: count_debtor}


OUTAGE = ServiceDefinition(
    name="outage-svc",
    short_name="outage",
    description="test-only",
    metadata=metadata,
    tables=platform,
    migrations=Path("/nonexistent"),  # created with metadata.create_all by the harness
    handlers=_handlers,
)


async def start_outage(runtime: ServiceRuntime) -> None:
    async with runtime.engine.begin() as connection:
        await connection.execute(insert(outage).values(what="ledger"))


async def end_outage(runtime: ServiceRuntime) -> None:
    async with runtime.engine.begin() as connection:
        await connection.execute(delete(outage))


async def times_handled(runtime: ServiceRuntime, debtor_id: str) -> int:
    async with runtime.engine.connect() as connection:
        value = await connection.scalar(
            select(handled.c.times).where(handled.c.debtor_id == debtor_id)
        )
    return int(value or 0)


async def unpublished(runtime: ServiceRuntime) -> int:
    outbox = platform.outbox
    async with runtime.engine.connect() as connection:
        value = await connection.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        )
    return int(value or 0)
