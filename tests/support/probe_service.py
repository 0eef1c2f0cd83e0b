"""A test-only service whose handler has a visible, non-idempotent effect.

It counts every delivery it handles in a table, so a test can tell "handled once" from
"handled twice"; a debtor named ``FAIL`` makes its handler raise every time.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Integer, String, Table, insert, select, update

from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.db import new_metadata
from debtflow_shared.event_consumer import ReceivedEvent
from debtflow_shared.platform_tables import define_platform_tables
from debtflow_shared.service import HandlerMap, ServiceDefinition, ServiceRuntime
from debtflow_shared.unit_of_work import UnitOfWork

metadata = new_metadata()
platform = define_platform_tables(metadata)
handled = Table(
    "handled",
    metadata,
    Column("debtor_id", String(64), primary_key=True),
    Column("times", Integer, nullable=False),
)


class AlwaysFails(Exception):
    pass


async def count_debtor(event: ReceivedEvent[DebtorUpserted], uow: UnitOfWork) -> None:
    if event.payload.name == "FAIL":
        raise AlwaysFails("this handler never succeeds for FAIL")
    debtor_id = event.payload.debtor_id
    times = await uow.session.scalar(
        select(handled.c.times).where(handled.c.debtor_id == debtor_id)
    )
    if times is None:
        await uow.session.execute(insert(handled).values(debtor_id=debtor_id, times=1))
    else:
        await uow.session.execute(
            update(handled).where(handled.c.debtor_id == debtor_id).values(times=times + 1)
        )


def _handlers(_runtime: ServiceRuntime) -> HandlerMap:
    return {DebtorUpserted.event_type: count_debtor}


PROBE = ServiceDefinition(
    name="probe-svc",
    short_name="probe",
    description="test-only",
    metadata=metadata,
    tables=platform,
    migrations=Path("/nonexistent"),  # created with metadata.create_all by the harness
    handlers=_handlers,
)


async def times_handled(runtime: ServiceRuntime, debtor_id: str) -> int:
    async with runtime.engine.connect() as connection:
        value = await connection.scalar(
            select(handled.c.times).where(handled.c.debtor_id == debtor_id)
        )
    return int(value or 0)
