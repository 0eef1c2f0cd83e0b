"""Payment plans, on both backends: the plan replaces the ladder while honoured, reminds
before each installment through the compliance guard, completes when paid, forgives a
missed installment that is caught up, and defaults (the ladder resumes) after repeated
misses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tests.escalation_svc.collection_world import World, escalation_world
from tests.support.harness import Backend

DUE = date(2026, 3, 12)


async def planned(world: World) -> dict[str, Any]:
    """A case on 13 March, then a plan of two monthly installments from 1 April."""
    await world.debtor("d-1")
    await world.issued("i-1", "d-1", DUE)
    await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
    case = await world.case_of("d-1")
    body = {"count": 2, "frequency": "monthly", "first_on": "2026-04-01"}
    return dict(await world.post(f"/cases/{case['case_id']}/plans", body, status=201))


async def test_a_plan_replaces_the_ladder_reminds_before_each_installment_and_completes(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        plan = await planned(world)
        assert [(i["due_on"], i["amount"]["amount_minor"]) for i in plan["installments"]] == [
            ("2026-04-01", 50_000),
            ("2026-05-01", 50_000),
        ]
        (created,) = await world.emitted("plan.created")
        assert created.data["total"] == {"amount_minor": 100_000, "currency": "GBP"}
        await world.follow_timers(datetime(2026, 4, 1, 12, tzinfo=UTC))
        # 3 days before 1 April is Sunday 29 March: the guard holds the reminder to Monday
        # 08:00 in London (British Summer Time from 29 March: 07:00 UTC).
        reminders = [
            e
            for e in await world.emitted("notification.requested")
            if e.data["step"].startswith("plan-installment-")
        ]
        assert [(e.data["step"], e.time) for e in reminders] == [
            ("plan-installment-1-reminder", datetime(2026, 3, 30, 7, tzinfo=UTC))
        ]
        assert reminders[0].data["expires_at"] == "2026-04-02T07:00:00Z"
        (due,) = await world.emitted("plan.installment_due")
        assert due.data["installment"]["number"] == 1
        assert await world.steps() == ["minus-3-pre-due-reminder", "plus-1-friendly-reminder"]

        await world.part_paid("i-1", "d-1", DUE, version=2, amount=50_000, open_after=50_000)
        await world.follow_timers(datetime(2026, 5, 1, 12, tzinfo=UTC))
        reminders = [
            e
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plan-installment-2-reminder"
        ]
        assert [e.time for e in reminders] == [datetime(2026, 4, 28, 7, tzinfo=UTC)]
        await world.paid("i-1", "d-1", DUE, version=3, amount=50_000)
        (completed,) = await world.emitted("plan.completed")
        assert completed.data["total_paid"]["amount_minor"] == 100_000
        assert await world.emitted("plan.installment_missed", "plan.defaulted") == []
        (resolved,) = await world.emitted("case.resolved")
        assert resolved.data["outcome"] == "paid"
        read = await world.get(f"/plans/{plan['plan_id']}")
        assert read["status"] == "completed"
        assert [i["state"] for i in read["installments"]] == ["paid", "paid"]


async def test_an_installment_missed_then_caught_up_keeps_the_plan_running(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        plan = await planned(world)
        await world.follow_timers(datetime(2026, 4, 7, 12, tzinfo=UTC))
        (missed,) = await world.emitted("plan.installment_missed")
        assert missed.data["installment"]["number"] == 1
        assert missed.data["missed_on"] == "2026-04-07"  # 1 April + 5 days' grace passed
        assert missed.data["shortfall"]["amount_minor"] == 50_000
        await world.part_paid("i-1", "d-1", DUE, version=2, amount=50_000, open_after=50_000)
        read = await world.get(f"/plans/{plan['plan_id']}")
        assert read["status"] == "running"
        assert [i["state"] for i in read["installments"]] == ["paid", "upcoming"]
        await world.follow_timers(datetime(2026, 5, 2, 12, tzinfo=UTC))
        await world.paid("i-1", "d-1", DUE, version=3, amount=50_000)
        assert len(await world.emitted("plan.completed")) == 1
        assert await world.emitted("plan.defaulted") == []
        assert len(await world.emitted("plan.installment_missed")) == 1


async def test_repeated_misses_default_the_plan_and_the_ladder_resumes(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        plan = await planned(world)
        await world.follow_timers(datetime(2026, 5, 6, 12, tzinfo=UTC))
        assert await world.emitted("plan.defaulted") == []
        before = len(await world.steps())
        await world.follow_timers(datetime(2026, 5, 7, 12, tzinfo=UTC))
        (defaulted,) = await world.emitted("plan.defaulted")
        assert defaulted.data["plan_id"] == plan["plan_id"]
        assert defaulted.data["missed_installments"] == 2
        assert defaulted.data["outstanding"]["amount_minor"] == 100_000
        assert defaulted.data["defaulted_on"] == "2026-05-07"
        (resumed,) = await world.emitted("case.resumed")
        assert resumed.data["pause_reason"] == "plan"
        # Back on the ladder where it stood: on day 56 the +45 rung runs (catch-up).
        steps = await world.steps()
        assert len(steps) == before + 1
        assert steps[-1] == "plus-45-letter-before-action"
        assert (await world.get(f"/plans/{plan['plan_id']}"))["status"] == "defaulted"
        # The agency hears of it in the hand-off's case file (+60, 11 May).
        await world.follow_timers(datetime(2026, 5, 12, 12, tzinfo=UTC))
        (handed,) = await world.emitted("case.handed_off")
        assert handed.data["case_file"]["plans_defaulted"] == 1


async def test_a_plan_that_cannot_be_paid_as_asked_is_refused_naming_the_field(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        case_id = (await world.case_of("d-1"))["case_id"]
        for body, field in (
            ({"count": 2, "frequency": "monthly", "first_on": "2026-03-01"}, "first_on"),
            (
                {
                    "count": 2,
                    "frequency": "weekly",
                    "first_on": "2026-04-01",
                    "down_payment": {"amount_minor": 100_000, "currency": "GBP"},
                },
                "down_payment",
            ),
        ):
            refused = await world.post(f"/cases/{case_id}/plans", body, status=422)
            assert refused["errors"][0]["field"] == field
        assert await world.emitted("plan.created") == []
