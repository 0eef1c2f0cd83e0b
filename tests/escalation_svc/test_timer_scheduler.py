"""Durable timers, on both backends: two scheduler replicas and a restart mid-run run each
step once; after downtime only the most advanced due step runs; the background scheduler
wakes when the controlled clock moves."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from escalation_svc.bootstrap import DEFINITION as ESCALATION
from escalation_svc.service_layer.timer_scheduler import run_due_timers_once
from escalation_svc.settings import EscalationSettings
from tests.escalation_svc.collection_world import DRIVEN, escalation_world
from tests.support.harness import Backend, eventually

DUE = date(2026, 3, 12)
# A replica that only schedules: no consumers of its own (the first instance has them).
SCHEDULER_ONLY = dataclasses.replace(DRIVEN, handlers=lambda _runtime: {}, batch_handlers={})


async def test_two_scheduler_replicas_and_a_restart_mid_run_execute_every_step_once(
    backend: Backend,
) -> None:
    debtors = [f"d-{n}" for n in range(24)]
    async with escalation_world(backend) as world:
        for debtor in debtors:
            await world.debtor(debtor)
            await world.issued(f"i-{debtor}", debtor, DUE)
        async with backend.service(SCHEDULER_ONLY, EscalationSettings, relay=False) as other:
            for day in (
                datetime(2026, 3, 9, 12, tzinfo=UTC),
                datetime(2026, 3, 13, 12, tzinfo=UTC),
            ):
                backend.clock.set(day)
                # A replica is stopped mid-run, and the two others run side by side.
                interrupted = asyncio.create_task(run_due_timers_once(other, batch_size=3))
                await asyncio.sleep(0.05)
                interrupted.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await interrupted
                await asyncio.gather(
                    run_due_timers_once(world.runtime, batch_size=4),
                    run_due_timers_once(other, batch_size=4),
                )
        executed = Counter(
            (e.data["case_id"], e.data["step"])
            for e in await world.emitted("escalation.step_executed")
        )
        assert len(executed) == 2 * len(debtors)
        assert set(executed.values()) == {1}
        requested = Counter(
            e.data["dedup_key"] for e in await world.emitted("notification.requested")
        )
        assert len(requested) == 2 * len(debtors)
        assert set(requested.values()) == {1}


async def test_after_days_of_downtime_only_the_most_advanced_due_step_runs(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 9, 12, tzinfo=UTC))  # -3 ran
        backend.clock.set(datetime(2026, 3, 20, 12, tzinfo=UTC))  # down since: +1 and +7 due
        await world.run_timers()
        assert await world.steps() == ["minus-3-pre-due-reminder", "plus-7-firmer-reminder"]
        late = [
            e
            for e in await world.emitted("notification.requested")
            if e.time > datetime(2026, 3, 10, tzinfo=UTC)
        ]
        assert sorted(e.data["channel"] for e in late) == ["email", "sms"]  # one step, no burst
        case = await world.case_of("d-1")
        superseded = [
            e for e in await world.timeline(case["case_id"]) if e["kind"] == "step_superseded"
        ]
        assert [e["step"] for e in superseded] == ["plus-1-friendly-reminder"]
        await world.run_timers()
        assert len(await world.emitted("notification.requested")) == 3


async def test_the_background_scheduler_runs_a_step_when_the_controlled_clock_moves(
    backend: Backend,
) -> None:
    async with escalation_world(backend, definition=ESCALATION, timer_poll_seconds=3600.0) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        backend.clock.advance(timedelta(days=7, hours=3))  # Monday 9 March, 12:00

        async def ran() -> bool:
            return bool(await world.emitted("escalation.step_executed"))

        await eventually(ran, message="the scheduler did not wake on the clock move")
        assert await world.steps() == ["minus-3-pre-due-reminder"]
