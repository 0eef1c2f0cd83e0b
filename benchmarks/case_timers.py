"""Case timers: due dunning steps executed per second with many timers scheduled.

escalation-svc holds ``timers`` debtors (the issue's figure: 1,000,000), as a service that
has run a while holds them: each with a profile, an open invoice and a timer; ``due`` of
them are new (an invoice due in three days: the default ladder's pre-due reminder is due
now), the others' cases are under way, their next step a week away. The tables are
analysed, as autovacuum keeps them. Timed: ``run_due_timers_once`` (claims of ``batch``
timers with ``FOR UPDATE SKIP LOCKED``, each batch's ladders run set-based, cases, steps,
notifications, timeline and outbox rows written, timers moved on) until every due step has
run. The relay is not running: a step counts once its events are durable in the outbox,
as a claim loop's rows are once committed.

Baseline: a raw claim loop over a scratch copy of the same timer rows: ``UPDATE … WHERE key
IN (SELECT … WHERE due_at <= now ORDER BY due_at LIMIT batch FOR UPDATE SKIP LOCKED)``,
one transaction per batch, until none is due, the median of five runs (asyncpg; raw
sqlite3 on the embedded default, without ``SKIP LOCKED``, which SQLite has no need of).
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import Table, func, insert, select, text

from benchmarks.figures import Figure, Goal, rate_figure
from benchmarks.raw_baselines import asyncpg_dsn, sqlite_insert, sqlite_scratch, sqlite_value
from benchmarks.targets import Target, drop_schema
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.clock import ControlledClock
from debtflow_shared.startup_objects import freeze_startup_objects
from escalation_svc.adapters.tables import (
    cases,
    debtor_profiles,
    platform,
    timers,
    tracked_invoices,
)
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from escalation_svc.domain.policy import DEFAULT_POLICY_ID
from escalation_svc.service_layer.timer_scheduler import run_due_timers_once
from escalation_svc.settings import EscalationSettings

NAME = "case timers"
TENANT = "bench"
NOW = datetime(2026, 3, 9, 12, tzinfo=UTC)  # a Monday, within London's contact hours
DUE = date(2026, 3, 12)  # the pre-due reminder (-3) is due today
# The other debtors: an invoice due a week ago, its case past the +7 reminder, next at +14.
CHASED_DUE = date(2026, 3, 2)
CHASED_OPENED = datetime(2026, 2, 27, 8, tzinfo=UTC)
LATER = datetime(2026, 3, 16, 8, tzinfo=UTC)
CHUNK = 5000
# Issue 12: at least a third of the raw claim loop (we expect >= 5,000 steps/s).
TIMERS_GOAL = Goal(1 / 3, "≥ 1/3 of baseline")
# The raw loop is over in a fraction of a second: the median of a few runs, so that one
# moment of a busy machine does not make the figure.
BASELINE_RUNS = 5


async def run(
    target: Target, timer_count: int = 1_000_000, due: int = 5000, batch: int = 500
) -> Figure:
    due = min(due, timer_count)
    clock = ControlledClock(NOW, frozen=True)
    with tempfile.TemporaryDirectory() as tmp:
        runtime = target.runtime(
            ESCALATION,
            EscalationSettings,
            target.platform(Path(tmp)),
            bus=EmbeddedBus(),
            clock=clock,
        )
        try:
            await runtime.migrate()
            await _fill(runtime.engine, timer_count, due)
            freeze_startup_objects()  # as a started service has
            started = time.perf_counter()
            ran = await run_due_timers_once(runtime, batch_size=batch)
            seconds = time.perf_counter() - started
            steps = await _steps_in_outbox(runtime.engine)
            if ran != due or steps != due:
                raise AssertionError(f"{ran} timers ran and {steps} steps ran; {due} were due")
            if target.is_embedded:
                baseline = _sqlite_claim_loop_seconds(
                    Path(tmp) / "raw.sqlite", timer_count, due, batch
                )
            else:
                assert target.database_url
                baseline = await _postgres_claim_loop_seconds(
                    asyncpg_dsn(target.database_url), runtime.schema, due, batch
                )
        finally:
            await drop_schema(runtime)
    return rate_figure(
        NAME,
        target.name,
        "steps/s",
        due,
        seconds,
        baseline,
        TIMERS_GOAL if target.kafka else None,
        timers=timer_count,
        batch=batch,
    )


def _timer_rows(timer_count: int, due: int) -> list[dict[str, Any]]:
    return [
        {
            "tenant_id": TENANT,
            "debtor_id": _debtor(n),
            "due_at": NOW if n < due else LATER + timedelta(seconds=n),
            "overdue_reported": False,
            "reopened_by_reversal": False,
            "failures": 0,
        }
        for n in range(timer_count)
    ]


def _debtor(n: int) -> str:
    return f"d-{n:08d}"


def _scene(timer_count: int, due: int) -> dict[Table, list[dict[str, Any]]]:
    """Every timer's debtor, as a service that has run a while holds them: a profile and an
    open invoice each; the ``due`` first are new (their invoice is due in three days, the
    pre-due reminder is due now), the others' cases are past their +7 reminder."""
    contacts = json.dumps([{"kind": "email", "value": "ap@example.com", "usable": True}])
    profiles, invoices, open_cases = [], [], []
    for n in range(timer_count):
        debtor_id, case_id = _debtor(n), None if n < due else f"c-{n:08d}"
        profiles.append(
            {
                "tenant_id": TENANT,
                "debtor_id": debtor_id,
                "version": 1,
                "name": f"Debtor {n}",
                "country": "GB",
                "currency": "GBP",
                "language": "en-GB",
                "time_zone": "Europe/London",
                "preferred_channel": None,
                "contacts": contacts,
                "updated_at": NOW,
                "tags": "[]",
                "credit_policy": "{}",
                "postal_address": None,
            }
        )
        invoices.append(
            {
                "tenant_id": TENANT,
                "invoice_id": f"i-{n:08d}",
                "debtor_id": debtor_id,
                "number": f"INV-{n}",
                "currency": "GBP",
                "due_date": DUE if case_id is None else CHASED_DUE,
                "open_minor": 100_000,
                "status": "open",
                "version": 1,
                "case_id": case_id,
                "closed_by": None,
            }
        )
        if case_id is not None:
            open_cases.append(
                {
                    "tenant_id": TENANT,
                    "case_id": case_id,
                    "debtor_id": debtor_id,
                    "policy_id": DEFAULT_POLICY_ID,
                    "policy_version": 1,
                    "trigger": "invoice_due_soon",
                    "status": "active",
                    "stage": 3,
                    "stage_name": "plus-7-firmer-reminder",
                    "version": 4,
                    "opened_at": CHASED_OPENED,
                    "resolved_at": None,
                    "outcome": None,
                    "pauses": "[]",
                    "awaiting": None,
                    "deferred_step": None,
                    "deferred_until": None,
                    "hold_request_id": None,
                    "case_file": None,
                    "run_now": None,
                    "promises_broken": 0,
                    "plans_defaulted": 0,
                }
            )
    return {
        debtor_profiles: profiles,
        tracked_invoices: invoices,
        cases: open_cases,
        timers: _timer_rows(timer_count, due),
    }


async def _fill(engine: Any, timer_count: int, due: int) -> None:
    scene = _scene(timer_count, due)
    async with engine.begin() as connection:
        if engine.dialect.name != "postgresql":
            for table, rows in scene.items():
                for first in range(0, len(rows), CHUNK):
                    await connection.execute(insert(table), rows[first : first + CHUNK])
            return
        raw = (await connection.get_raw_connection()).driver_connection
        for table, rows in scene.items():
            columns = [c.name for c in table.c]
            await raw.copy_records_to_table(
                table.name, records=[tuple(r[c] for c in columns) for r in rows], columns=columns
            )
        for table in scene:
            # Statistics, as autovacuum keeps them for a service that has run a while (and
            # as the baseline's scratch table has them).
            await connection.execute(text(f'ANALYZE "{table.name}"'))


async def _steps_in_outbox(engine: Any) -> int:
    async with engine.connect() as connection:
        found = await connection.scalar(
            select(func.count())
            .select_from(platform.outbox)
            .where(platform.outbox.c.topic.like("%escalation.step_executed"))
        )
    return int(found or 0)


async def _postgres_claim_loop_seconds(dsn: str, schema: str, due: int, batch: int) -> float:
    connection = await asyncpg.connect(dsn)
    name = "raw_timers_claim"
    try:
        await connection.execute(
            f'CREATE TABLE "{schema}"."{name}" (LIKE "{schema}".timers INCLUDING ALL)'
        )
        # The same rows as the service's table had before its run (its due ones reset).
        await connection.execute(
            f'INSERT INTO "{schema}"."{name}" SELECT * FROM "{schema}".timers'  # noqa: S608
        )
        await connection.execute(f'ANALYZE "{schema}"."{name}"')
        reset = (
            f'UPDATE "{schema}"."{name}" SET due_at = $1 '  # noqa: S608 (our names)
            "WHERE debtor_id < $2"
        )
        claim = (
            f'UPDATE "{schema}"."{name}" SET due_at = $3 '  # noqa: S608 (our names)
            "WHERE (tenant_id, debtor_id) IN (SELECT tenant_id, debtor_id "
            f'FROM "{schema}"."{name}" WHERE due_at <= $1 ORDER BY due_at LIMIT $2 '
            "FOR UPDATE SKIP LOCKED)"
        )
        runs = []
        for _ in range(BASELINE_RUNS):
            await connection.execute(reset, NOW, _debtor(due))
            started = time.perf_counter()
            claimed = 0
            while True:
                async with connection.transaction():
                    status = await connection.execute(claim, NOW, batch, LATER)
                count = int(status.split()[-1])
                claimed += count
                if count < batch:
                    break
            runs.append(time.perf_counter() - started)
            if claimed != due:
                raise AssertionError(f"the raw loop claimed {claimed}, expected {due}")
        return statistics.median(runs)
    finally:
        await connection.execute(f'DROP TABLE IF EXISTS "{schema}"."{name}"')
        await connection.close()


def _sqlite_claim_loop_seconds(path: Path, timer_count: int, due: int, batch: int) -> float:
    connection: sqlite3.Connection = sqlite_scratch(path, timers)
    try:
        sqlite_insert(connection, timers, _timer_rows(timer_count, due), CHUNK)
        connection.execute("ANALYZE")
        claim = (
            "UPDATE timers SET due_at = ? WHERE rowid IN "
            "(SELECT rowid FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT ?)"
        )
        runs = []
        for _ in range(BASELINE_RUNS):
            connection.execute(
                "UPDATE timers SET due_at = ? WHERE debtor_id < ?",
                (sqlite_value(NOW), _debtor(due)),
            )
            started = time.perf_counter()
            claimed = 0
            while True:
                connection.execute("BEGIN IMMEDIATE")
                count = connection.execute(
                    claim, (sqlite_value(LATER), sqlite_value(NOW), batch)
                ).rowcount
                connection.execute("COMMIT")
                claimed += count
                if count < batch:
                    break
            runs.append(time.perf_counter() - started)
            if claimed != due:
                raise AssertionError(f"the raw loop claimed {claimed}, expected {due}")
        return statistics.median(runs)
    finally:
        connection.close()
