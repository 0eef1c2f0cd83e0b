"""escalation-svc's copy of invoices from facts in any order, on both backends: a stale
state is ignored, a new due date re-times the steps, facts before the debtor's profile wait
for it, and cases are listed by status, stage and debtor."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.escalation_svc.collection_world import escalation_world, state
from tests.support.harness import Backend, eventually

DUE = date(2026, 3, 12)


async def test_a_payment_overtaking_the_overdue_event_is_not_undone_by_it(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        backend.clock.set(datetime(2026, 3, 13, 12, tzinfo=UTC))
        await world.paid("i-1", "d-1", DUE, version=3)
        await world.overdue("i-1", "d-1", DUE, version=2)  # older, from another topic
        await world.follow_timers(datetime(2026, 3, 20, 12, tzinfo=UTC))
        assert await world.emitted("notification.requested") == []
        assert await world.emitted("case.opened") == []


async def test_a_new_due_date_re_times_the_pending_steps(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        later = date(2026, 3, 26)
        await world.publish(
            "invoice.updated",
            {"invoice": state("i-1", "d-1", due=later, version=2), "changed": ["due_date"]},
            "d-1",
        )
        await world.follow_timers(datetime(2026, 3, 20, 12, tzinfo=UTC))
        assert await world.steps() == []  # -3 of 12 March would have run on the 9th
        await world.follow_timers(datetime(2026, 3, 23, 12, tzinfo=UTC))
        (step,) = await world.emitted("escalation.step_executed")
        assert step.data["inputs"]["business_date"] == "2026-03-23"


async def test_invoice_facts_before_the_debtors_profile_run_once_it_arrives(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 9, 12, tzinfo=UTC))
        assert await world.steps() == []
        await world.debtor("d-1")  # the step that was due runs now, in the debtor's hours
        assert await world.steps() == ["minus-3-pre-due-reminder"]


async def test_cases_are_listed_by_status_stage_and_debtor_with_cursor_pages(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        for debtor in ("d-1", "d-2", "d-3"):
            await world.debtor(debtor)
            await world.issued(f"i-{debtor}", debtor, DUE)
        await world.follow_timers(datetime(2026, 3, 9, 12, tzinfo=UTC))
        await world.paid("i-d-3", "d-3", DUE, version=2)

        async def listed(**params: str) -> list[str]:
            response = await world.client.get("/v1/cases", params=params, headers=world.headers)
            assert response.status_code == 200, response.text
            return [c["debtor_id"] for c in response.json()["items"]]

        assert sorted(await listed(status="active")) == ["d-1", "d-2"]
        assert await listed(status="resolved") == ["d-3"]
        assert sorted(await listed(stage="minus-3-pre-due-reminder")) == ["d-1", "d-2", "d-3"]
        assert await listed(debtor_id="d-2") == ["d-2"]
        first = await world.client.get("/v1/cases", params={"limit": 2}, headers=world.headers)
        cursor = first.json()["next_cursor"]
        assert cursor
        rest = await world.client.get(
            "/v1/cases", params={"limit": 2, "cursor": cursor}, headers=world.headers
        )
        assert len(first.json()["items"]) + len(rest.json()["items"]) == 3
        tampered = await world.client.get(
            f"/v1/cases/{first.json()['items'][0]['case_id']}/timeline",
            params={"cursor": cursor},
            headers=world.headers,
        )
        assert tampered.status_code == 422
        assert tampered.json()["errors"][0]["field"] == "cursor"


async def test_a_malformed_invoice_fact_goes_to_the_dlq_and_the_next_one_is_applied(
    backend: Backend,
) -> None:
    async with backend.probe("invoice.issued.dlq") as dead, escalation_world(backend) as world:
        await world.debtor("d-1")
        broken = state("i-bad", "d-1", due=DUE) | {"open_balance": {"amount_minor": 1.5}}
        envelope = await world.publish("invoice.issued", {"invoice": broken}, "d-1", wait=False)
        await world.issued("i-1", "d-1", DUE)

        async def dead_lettered() -> bool:
            return len(dead.messages) == 1

        await eventually(dead_lettered, message="the malformed fact was not dead-lettered")
        assert dead.messages[0].header("dlq.reason") == b"invalid"
        assert str(envelope.id).encode() in dead.messages[0].value
        await world.follow_timers(datetime(2026, 3, 9, 12, tzinfo=UTC))
        (step,) = await world.emitted("escalation.step_executed")
        assert step.data["inputs"]["invoice_ids"] == ["i-1"]
