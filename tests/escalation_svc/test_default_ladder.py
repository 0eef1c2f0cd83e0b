"""The default ladder over simulated time, on both backends: each step on its day, once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from tests.escalation_svc.collection_world import World, escalation_world
from tests.support.harness import Backend

DUE = date(2026, 3, 12)  # a Thursday: the ladder's contact days fall on weekdays
LONDON = ZoneInfo("Europe/London")


def at_8_london(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=LONDON).astimezone(UTC)


async def executed_on(world: World) -> dict[str, str]:
    return {
        e.data["step"]: e.data["inputs"]["business_date"]
        for e in await world.emitted("escalation.step_executed")
    }


async def test_the_default_ladder_runs_each_step_at_its_offset_once_and_the_hold_is_released(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 4, 2, 12, tzinfo=UTC))
        # +21's notice waits for its compensation to be answered, then goes.
        (charge,) = await world.emitted("charge.requested")
        assert charge.data["kind"] == "compensation"
        notices = [
            e
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plus-21-final-notice"
        ]
        assert notices == []
        await world.charge_applied(charge.data["request_id"], "i-1", "d-1", DUE, version=2)
        await world.follow_timers(datetime(2026, 5, 20, 12, tzinfo=UTC))

        assert await world.steps() == [
            "minus-3-pre-due-reminder",
            "plus-1-friendly-reminder",
            "plus-7-firmer-reminder",
            "plus-14-collector-call",
            "plus-21-final-notice",
            "plus-30-late-fee-and-interest",
            "plus-30-credit-hold",
            "plus-45-letter-before-action",
            "plus-60-hand-off",
        ]
        days = await executed_on(world)
        assert days["minus-3-pre-due-reminder"] == "2026-03-09"
        assert days["plus-1-friendly-reminder"] == "2026-03-13"
        assert days["plus-7-firmer-reminder"] == "2026-03-19"
        assert days["plus-30-credit-hold"] == "2026-04-11"
        # +45 is Sunday 26 April: letters wait for Monday 08:00 in London.
        assert days["plus-45-letter-before-action"] == "2026-04-27"
        letters = [
            e
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plus-45-letter-before-action"
        ]
        assert [e.time for e in letters] == [at_8_london(date(2026, 4, 27))]
        requested = await world.emitted("notification.requested")
        channels = sorted((e.data["step"], e.data["channel"]) for e in requested)
        assert ("plus-7-firmer-reminder", "sms") in channels
        assert ("plus-21-final-notice", "letter") in channels
        assert len(channels) == len(set(channels))  # nothing requested twice
        assert [e.data["kind"] for e in await world.emitted("charge.requested")] == [
            "compensation",
            "late_fee",
            "interest",
        ]
        assert len(await world.emitted("credit_hold.requested")) == 1
        (handed,) = await world.emitted("case.handed_off")
        case_id = handed.data["case_id"]
        file = await world.client.get(f"/v1/cases/{case_id}/case-file", headers=world.headers)
        assert file.status_code == 200
        assert {"debtor", "invoices", "charges", "contact_history", "timeline"} <= set(file.json())

        await world.paid("i-1", "d-1", DUE, version=3, amount=107_000)
        (resolved,) = await world.emitted("case.resolved")
        assert resolved.data["outcome"] == "paid"
        (release,) = await world.emitted("credit_release.requested")
        assert release.data["debtor_id"] == "d-1"


async def test_a_pre_due_step_at_minus_7_fires_at_minus_7(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        body = {
            "name": "Early bird",
            "steps": [
                {
                    "key": "minus-7-early-reminder",
                    "offset_days": -7,
                    "action": "notify",
                    "channels": ["email"],
                    "template_key": "reminder.pre_due",
                    "tone": "friendly",
                },
                {
                    "key": "plus-1-friendly-reminder",
                    "offset_days": 1,
                    "action": "notify",
                    "channels": ["email"],
                    "template_key": "reminder.friendly",
                    "tone": "friendly",
                },
            ],
        }
        saved = await world.client.put("/v1/policies/default", json=body, headers=world.headers)
        assert saved.status_code == 200, saved.text
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(at_8_london(date(2026, 3, 5)).replace(minute=0, hour=7, second=0))
        assert await world.steps() == []
        await world.follow_timers(datetime(2026, 3, 6, 12, tzinfo=UTC))
        (executed,) = await world.emitted("escalation.step_executed")
        assert executed.data["step"] == "minus-7-early-reminder"
        assert executed.data["inputs"]["business_date"] == "2026-03-05"
        assert executed.data["policy_version"] == 2
        assert executed.time == at_8_london(date(2026, 3, 5))
