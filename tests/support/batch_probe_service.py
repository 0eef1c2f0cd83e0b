"""Test-only services that record, in order, every event their handlers applied.

``applied`` gets one row per application (``seq`` is the order), so a test can tell "once"
from "twice" and check per-debtor order. A debtor named ``FAIL`` makes the handler raise
every time; one named ``EMIT`` makes it raise a ``credit_hold.requested`` through a tracked
aggregate and emit another directly, to check the trace context they carry.
``SET_PROBE`` also has a batch handler, which records each call and raises when a debtor
in its set is named ``SETFAIL``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Column, Integer, String, Table, func, insert, select

from debtflow_shared.aggregate import EventRecorder
from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.catalog.escalation_commands import CreditHoldRequested
from debtflow_shared.db import new_metadata
from debtflow_shared.event_consumer import ReceivedEvent
from debtflow_shared.platform_tables import define_platform_tables
from debtflow_shared.service import HandlerMap, ServiceDefinition, ServiceRuntime
from debtflow_shared.unit_of_work import UnitOfWork

metadata = new_metadata()
platform = define_platform_tables(metadata)
applied = Table(
    "applied",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("debtor_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
)
set_calls = Table(
    "set_calls",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("size", Integer, nullable=False),
)


class AlwaysFails(Exception):
    pass


@dataclass
class _Hold(EventRecorder):
    debtor_id: str = ""

    def request(self, tenant_id: str, request_id: str) -> None:
        payload = CreditHoldRequested(
            request_id=request_id, debtor_id=self.debtor_id, reason="tracked"
        )
        self._events.append((payload, tenant_id, self.debtor_id))


async def record(event: ReceivedEvent[DebtorUpserted], uow: UnitOfWork) -> None:
    payload = event.payload
    if payload.name == "FAIL":
        raise AlwaysFails("this handler never succeeds for FAIL")
    await uow.session.execute(
        insert(applied).values(debtor_id=payload.debtor_id, version=payload.version)
    )
    if payload.name == "EMIT":
        hold = _Hold(debtor_id=payload.debtor_id)
        uow.track(hold)
        hold.request(event.tenant_id, f"{payload.debtor_id}/tracked")
        direct = CreditHoldRequested(
            request_id=f"{payload.debtor_id}/emitted", debtor_id=payload.debtor_id, reason="x"
        )
        uow.emit(direct, tenant_id=event.tenant_id, debtor_id=payload.debtor_id)


async def record_set(events: Sequence[ReceivedEvent[DebtorUpserted]], uow: UnitOfWork) -> None:
    await uow.session.execute(insert(set_calls).values(size=len(events)))
    if any(e.payload.name == "SETFAIL" for e in events):
        raise AlwaysFails("this batch handler refuses a set holding SETFAIL")
    await uow.session.execute(
        insert(applied),
        [{"debtor_id": e.payload.debtor_id, "version": e.payload.version} for e in events],
    )


def _handlers(_runtime: ServiceRuntime) -> HandlerMap:
    return {DebtorUpserted.event_type: record}


BATCH_PROBE = ServiceDefinition(
    name="batch-probe-svc",
    short_name="batchprobe",
    description="test-only",
    metadata=metadata,
    tables=platform,
    migrations=Path("/nonexistent"),  # created with metadata.create_all by the harness
    handlers=_handlers,
)
SET_PROBE = replace(BATCH_PROBE, batch_handlers={DebtorUpserted.event_type: record_set})


async def applications(runtime: ServiceRuntime) -> list[tuple[str, int]]:
    """Every (debtor, version) applied, in the order it was applied."""
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(
            select(applied.c.debtor_id, applied.c.version).order_by(applied.c.seq)
        )
        return [(row.debtor_id, row.version) for row in rows]


async def times_applied(runtime: ServiceRuntime, debtor_id: str) -> int:
    async with runtime.engine.connect() as connection:
        value = await connection.scalar(
            select(func.count()).select_from(applied).where(applied.c.debtor_id == debtor_id)
        )
    return int(value or 0)


async def set_call_sizes(runtime: ServiceRuntime) -> list[int]:
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(select(set_calls.c.size).order_by(set_calls.c.seq))
        return [row.size for row in rows]
