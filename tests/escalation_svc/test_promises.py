"""Promises to pay, on both backends: the ladder pauses until the promised date plus grace;
covered in time it is kept, otherwise broken and the ladder resumes at the policy's firmer
step at once; part-payments count toward it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.escalation_svc.collection_world import World, escalation_world
from tests.support.harness import Backend

DUE = date(2026, 3, 12)  # a Thursday; +1 ran on Friday 13 March


async def promised(world: World, amount: int, on: str = "2026-03-20") -> dict[str, object]:
    await world.debtor("d-1")
    await world.issued("i-1", "d-1", DUE)
    await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
    case = await world.case_of("d-1")
    body = {"amount": {"amount_minor": amount, "currency": "GBP"}, "promised_on": on}
    return dict(await world.post(f"/cases/{case['case_id']}/promises", body, status=201))


async def test_a_promise_pauses_the_ladder_and_a_payment_within_grace_keeps_it(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        promise = await promised(world, 100_000)
        (paused,) = await world.emitted("case.paused")
        assert paused.data["reason"] == "promise"
        assert paused.data["paused_until"] == "2026-03-23"  # 20 March + 3 days' grace
        # The +7 reminder (19 March) waits: the case is paused until the grace ends.
        await world.follow_timers(datetime(2026, 3, 22, 12, tzinfo=UTC))
        assert "plus-7-firmer-reminder" not in await world.steps()
        await world.paid("i-1", "d-1", DUE, version=2)
        (kept,) = await world.emitted("promise.kept")
        assert kept.data["promise_id"] == promise["promise_id"]
        assert kept.data["paid"] == {"amount_minor": 100_000, "currency": "GBP"}
        assert kept.data["kept_on"] == "2026-03-22"
        assert await world.emitted("promise.broken") == []
        read = await world.get(f"/promises/{promise['promise_id']}")
        assert read["status"] == "kept"
        (resolved,) = await world.emitted("case.resolved")
        assert resolved.data["outcome"] == "paid"


async def test_a_broken_promise_resumes_the_ladder_at_the_policys_firmer_step_at_once(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        promise = await promised(world, 100_000)
        await world.follow_timers(datetime(2026, 3, 24, 12, tzinfo=UTC))
        (broken,) = await world.emitted("promise.broken")
        assert broken.data["promise_id"] == promise["promise_id"]
        assert broken.data["broken_on"] == "2026-03-24"
        assert broken.data["shortfall"] == {"amount_minor": 100_000, "currency": "GBP"}
        (resumed,) = await world.emitted("case.resumed")
        assert resumed.data["pause_reason"] == "promise"
        # The default policy resumes at the final notice (+21), due by offset on 2 April:
        # it runs on 24 March, its compensation requested first; +7 and +14 are superseded.
        (charge,) = await world.emitted("charge.requested")
        assert charge.data["kind"] == "compensation"
        assert charge.time.date() == date(2026, 3, 24)
        await world.charge_applied(charge.data["request_id"], "i-1", "d-1", DUE, version=2)
        notices = [
            e
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plus-21-final-notice"
        ]
        assert notices
        steps = await world.steps()
        assert "plus-7-firmer-reminder" not in steps
        assert steps[-1] == "plus-21-final-notice"
        kinds = [e["kind"] for e in await world.timeline(str(promise["case_id"]))]
        assert kinds.count("step_superseded") == 2
        case = await world.get(f"/cases/{promise['case_id']}")
        assert case["promises_broken"] == 1


async def test_part_payments_that_add_up_to_the_promise_keep_it(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        promise = await promised(world, 50_000)
        await world.part_paid("i-1", "d-1", DUE, version=2, amount=20_000, open_after=80_000)
        assert await world.emitted("promise.kept") == []
        timeline = await world.timeline(str(promise["case_id"]))
        assert any(e["kind"] == "promise_part_paid" for e in timeline)
        await world.part_paid("i-1", "d-1", DUE, version=3, amount=30_000, open_after=50_000)
        (kept,) = await world.emitted("promise.kept")
        assert kept.data["paid"]["amount_minor"] == 50_000
        assert kept.data["payment_ids"] == ["pay-i-1-2", "pay-i-1-3"]
        # Half is still owed: the ladder goes on where it stood (+7 on 19 March, by offset).
        await world.follow_timers(datetime(2026, 3, 19, 12, tzinfo=UTC))
        assert (await world.steps())[-1] == "plus-7-firmer-reminder"


async def test_a_part_payment_short_of_the_promise_is_named_when_it_breaks(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await promised(world, 100_000)
        await world.part_paid("i-1", "d-1", DUE, version=2, amount=40_000, open_after=60_000)
        await world.follow_timers(datetime(2026, 3, 24, 12, tzinfo=UTC))
        (broken,) = await world.emitted("promise.broken")
        assert broken.data["paid"]["amount_minor"] == 40_000
        assert broken.data["shortfall"]["amount_minor"] == 60_000


async def test_a_promise_above_the_balance_or_in_the_past_is_refused_naming_the_field(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        case_id = (await world.case_of("d-1"))["case_id"]
        for body, field in (
            (
                {
                    "amount": {"amount_minor": 100_001, "currency": "GBP"},
                    "promised_on": "2026-03-20",
                },
                "amount",
            ),
            (
                {"amount": {"amount_minor": 1000, "currency": "GBP"}, "promised_on": "2026-03-01"},
                "promised_on",
            ),
            (
                {"amount": {"amount_minor": 1000, "currency": "EUR"}, "promised_on": "2026-03-20"},
                "amount.currency",
            ),
        ):
            refused = await world.post(f"/cases/{case_id}/promises", body, status=422)
            assert refused["errors"][0]["field"] == field
        assert await world.emitted("promise.made") == []
        await world.post(
            f"/cases/{case_id}/promises",
            {"amount": {"amount_minor": 1000, "currency": "GBP"}, "promised_on": "2026-03-20"},
            status=201,
        )
        again = await world.client.post(
            f"/v1/cases/{case_id}/promises",
            json={"amount": {"amount_minor": 1000, "currency": "GBP"}, "promised_on": "2026-03-21"},
            headers=world.headers,
        )
        assert again.status_code == 409
