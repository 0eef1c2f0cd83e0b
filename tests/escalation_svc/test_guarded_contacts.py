"""Contacts deferred by the compliance guard to the right instant, on both backends: quiet
hours in the debtor's own zone (Tokyo, Los Angeles), a public holiday, the 7-in-7 cap."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from debtflow_shared.envelope import Envelope
from tests.escalation_svc.collection_world import World, escalation_world
from tests.support.harness import Backend


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[arg-type,misc]


async def requests_for(world: World, debtor_id: str) -> list[Envelope]:
    return [
        e for e in await world.emitted("notification.requested") if e.data["debtor_id"] == debtor_id
    ]


async def test_reminders_wait_for_eight_in_tokyo_and_in_los_angeles_each_in_its_own_zone(
    backend: Backend,
) -> None:
    due = date(2026, 3, 12)  # -3: Monday 9 March
    async with escalation_world(backend) as world:
        await world.debtor("tokyo", time_zone="Asia/Tokyo", country="JP")
        await world.debtor("la", time_zone="America/Los_Angeles", country="US")
        await world.issued("i-t", "tokyo", due)
        await world.issued("i-la", "la", due)
        await world.follow_timers(datetime(2026, 3, 10, 0, tzinfo=UTC))
        (tokyo,) = await requests_for(world, "tokyo")
        (la,) = await requests_for(world, "la")
        # 08:00 on Monday 9 March in each zone: Sunday 23:00 UTC and Monday 15:00 UTC (PDT).
        assert (
            tokyo.time == local("Asia/Tokyo", 2026, 3, 9, 8) == datetime(2026, 3, 8, 23, tzinfo=UTC)
        )
        assert la.time == local("America/Los_Angeles", 2026, 3, 9, 8)
        assert la.time == datetime(2026, 3, 9, 15, tzinfo=UTC)
        assert tokyo.data["contact_rules"]["local_from"] == "08:00:00"
        assert la.data["contact_rules"]["holidays_country"] == "US"


async def test_a_contact_due_on_a_public_holiday_waits_for_the_next_open_day(
    backend: Backend,
) -> None:
    due = date(2026, 12, 24)  # +1 is Christmas Day, then Boxing Day (observed Monday 28th)
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", due)
        world.backend.clock.set(datetime(2026, 12, 21, 12, tzinfo=UTC))  # -3 on Monday 21st
        await world.follow_timers(datetime(2026, 12, 30, 0, tzinfo=UTC))
        friendly = [
            e
            for e in await requests_for(world, "d-1")
            if e.data["step"] == "plus-1-friendly-reminder"
        ]
        assert [e.time for e in friendly] == [datetime(2026, 12, 29, 8, tzinfo=UTC)]
        (case,) = [await world.case_of("d-1")]
        deferrals = [
            e for e in await world.timeline(case["case_id"]) if e["kind"] == "contact_deferred"
        ]
        assert any("public holiday in GB" in e["summary"] for e in deferrals)


async def test_the_seven_in_seven_cap_defers_a_step_until_the_oldest_attempt_leaves_the_window(
    backend: Backend,
) -> None:
    due = date(2026, 3, 12)
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", due)
        await world.follow_timers(datetime(2026, 3, 9, 12, tzinfo=UTC))
        (pre_due,) = await requests_for(world, "d-1")
        # Seven messages went out (this one and six of other cases' steps, say) in the week.
        first = datetime(2026, 3, 9, 10, tzinfo=UTC)
        await world.sent(pre_due, at=first)
        for hour in range(6):
            copy = pre_due.model_copy(
                update={"data": pre_due.data | {"dedup_key": f"ntf-{hour:032x}"}}
            )
            await world.sent(copy, at=datetime(2026, 3, 12, 10 + hour, tzinfo=UTC))
        await world.follow_timers(datetime(2026, 3, 17, 0, tzinfo=UTC))
        friendly = [
            e
            for e in await requests_for(world, "d-1")
            if e.data["step"] == "plus-1-friendly-reminder"
        ]
        # +1 is Friday 13 March; the cap frees on Monday 16 March 10:00 (the first attempt
        # leaves the window then).
        assert [e.time for e in friendly] == [first + timedelta(days=7)]
