"""The collectors' task queue, on both backends: the +14 step creates a call task; the
queue is ordered by expected recovery once debtor.risk_scored arrives (by overdue balance
before); each outcome changes the case and feeds the compliance guard."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.escalation_svc.collection_world import World, escalation_world
from tests.support.harness import Backend

DUE = date(2026, 3, 12)
MONDAY_16_MARCH_10H = datetime(2026, 3, 16, 10, tzinfo=UTC)


async def opened(world: World, debtor_id: str = "d-1", amount: int = 100_000) -> str:
    await world.debtor(debtor_id)
    await world.issued(f"i-{debtor_id}", debtor_id, DUE, open_minor=amount)
    await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
    return str((await world.case_of(debtor_id))["case_id"])


async def call_task(world: World, case_id: str) -> str:
    created = await world.post(f"/cases/{case_id}/tasks", {"kind": "call"}, status=201)
    return str(created["task_id"])


async def outcome(world: World, task_id: str, body: dict[str, Any]) -> Any:
    return await world.client.post(f"/v1/tasks/{task_id}/outcome", json=body, headers=world.headers)


def risk_scored(debtor_id: str, *, version: int, recovery: int) -> dict[str, Any]:
    return {
        "debtor_id": debtor_id,
        "version": version,
        "score": "0.6200",
        "segment": "medium_risk",
        "top_factors": [{"factor": "two invoices overdue", "effect": "lowers"}],
        "expected_recovery": {"amount_minor": recovery, "currency": "GBP"},
        "model_version": "ptp-2026.02",
        "scored_at": "2026-03-16T02:00:00Z",
    }


async def test_the_plus_14_step_creates_a_call_task_in_the_queue(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 26, 12, tzinfo=UTC))
        (created,) = await world.emitted("task.created")
        assert created.data["kind"] == "call"
        assert created.data["step"] == "plus-14-collector-call"
        assert created.data["due_on"] == "2026-03-26"
        (task,) = (await world.get("/tasks", due_by="2026-03-26"))["items"]
        assert task["task_id"] == created.data["task_id"]
        assert task["priority"] == {
            "amount": {"amount_minor": 100_000, "currency": "GBP"},
            "basis": "overdue_balance",
        }


async def test_the_queue_is_by_overdue_balance_until_a_score_then_by_expected_recovery(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        small = await opened(world, "d-small", 50_000)
        big = await opened(world, "d-big", 200_000)
        small_task, big_task = await call_task(world, small), await call_task(world, big)

        async def queue() -> list[str]:
            return [t["task_id"] for t in (await world.get("/tasks"))["items"]]

        assert await queue() == [big_task, small_task]
        await world.publish(
            "debtor.risk_scored",
            risk_scored("d-small", version=2, recovery=150_000),
            "d-small",
            source="analytics-svc",
        )
        await world.publish(
            "debtor.risk_scored",
            risk_scored("d-big", version=1, recovery=40_000),
            "d-big",
            source="analytics-svc",
        )
        assert await queue() == [small_task, big_task]
        items = (await world.get("/tasks"))["items"]
        assert items[0]["priority"]["basis"] == "expected_recovery"
        # A replayed older score changes nothing.
        await world.publish(
            "debtor.risk_scored",
            risk_scored("d-small", version=1, recovery=1),
            "d-small",
            source="analytics-svc",
        )
        assert await queue() == [small_task, big_task]
        # Cursor pagination walks the same order.
        first = await world.get("/tasks", limit=1)
        second = await world.get("/tasks", limit=1, cursor=first["next_cursor"])
        assert [first["items"][0]["task_id"], second["items"][0]["task_id"]] == await queue()


async def test_a_reached_call_blocks_further_calls_about_the_debt_for_7_days(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        case_id = await opened(world)
        backend.clock.set(MONDAY_16_MARCH_10H)
        first, second = await call_task(world, case_id), await call_task(world, case_id)
        done = await outcome(world, first, {"outcome": "reached", "note": "spoke to AP"})
        assert done.status_code == 200, done.text
        (completed,) = await world.emitted("task.completed")
        assert completed.data["call_connected"] is True
        assert completed.data["conversation_held"] is True
        blocked = await outcome(world, second, {"outcome": "no_answer"})
        assert blocked.status_code == 409, blocked.text
        assert "no call within 7 days" in blocked.json()["detail"]
        # The conversation's day counts as day 1: calls may start again on 23 March.
        task = await world.get(f"/tasks/{second}")
        assert task["call_allowed_from"].startswith("2026-03-23T08:00")
        backend.clock.set(datetime(2026, 3, 22, 12, tzinfo=UTC))
        assert (await outcome(world, second, {"outcome": "no_answer"})).status_code == 409
        backend.clock.set(datetime(2026, 3, 23, 10, tzinfo=UTC))
        assert (await outcome(world, second, {"outcome": "no_answer"})).status_code == 200


@pytest.mark.parametrize("counted", [True, False])
async def test_a_call_that_never_connects_counts_toward_the_cap_only_by_the_policy_switch(
    backend: Backend, counted: bool
) -> None:
    async with escalation_world(backend) as world:
        policy = await world.get("/policies/default")
        rules = policy["rules"] | {
            "count_unconnected_calls": counted,
            "max_attempts": 1,
            "min_gap_minutes": 0,
        }
        saved = await world.client.put(
            "/v1/policies/default",
            json={
                "name": policy["name"],
                "steps": [_plain(s) for s in policy["steps"]],
                "rules": rules,
            },
            headers=world.headers,
        )
        assert saved.status_code == 200, saved.text
        await world.debtor("d-1", email=False, sms=False, letter=False)
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        case_id = str((await world.case_of("d-1"))["case_id"])
        backend.clock.set(MONDAY_16_MARCH_10H)
        first, second = await call_task(world, case_id), await call_task(world, case_id)
        assert (await outcome(world, first, {"outcome": "no_answer"})).status_code == 200
        again = await outcome(world, second, {"outcome": "no_answer"})
        assert again.status_code == (409 if counted else 200), again.text


def _plain(step: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in step.items() if v not in (None, [])}


async def test_a_promise_taken_on_a_call_records_the_promise_and_pauses_the_case(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        case_id = await opened(world)
        backend.clock.set(MONDAY_16_MARCH_10H)
        task_id = await call_task(world, case_id)
        body = {
            "outcome": "promise_taken",
            "promise": {
                "amount": {"amount_minor": 100_000, "currency": "GBP"},
                "promised_on": "2026-03-20",
                "channel": "email",
            },
        }
        assert (await outcome(world, task_id, body)).status_code == 200
        (made,) = await world.emitted("promise.made")
        assert made.data["channel"] == "phone"  # taken on a call
        (completed,) = await world.emitted("task.completed")
        assert completed.data["outcome"] == "promise_recorded"
        case = await world.get(f"/cases/{case_id}")
        assert [p["reason"] for p in case["pauses"]] == ["promise"]


async def test_a_dispute_raised_on_a_call_is_sent_to_invoice_svc(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        case_id = await opened(world)
        backend.clock.set(MONDAY_16_MARCH_10H)
        task_id = await call_task(world, case_id)
        missing = await outcome(world, task_id, {"outcome": "dispute_raised"})
        assert missing.status_code == 422
        assert missing.json()["errors"][0]["field"] == "dispute"
        body = {
            "outcome": "dispute_raised",
            "dispute": {"invoice_id": "i-d-1", "reason": "damaged"},
        }
        assert (await outcome(world, task_id, body)).status_code == 200
        (requested,) = await world.emitted("dispute.requested")
        assert requested.data["invoice_id"] == "i-d-1"
        assert requested.data["raised_by"].startswith("collector:")
        (completed,) = await world.emitted("task.completed")
        assert completed.data["outcome"] == "dispute_recorded"


async def test_a_wrong_number_makes_sms_unusable_and_asks_for_another_number(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        case_id = await opened(world)
        backend.clock.set(MONDAY_16_MARCH_10H)
        task_id = await call_task(world, case_id)
        body = {"outcome": "wrong_number", "phone": "+447700900123"}
        assert (await outcome(world, task_id, body)).status_code == 200
        kinds = [e.data["kind"] for e in await world.emitted("task.created")]
        assert kinds == ["call", "no_usable_contact"]
        (completed,) = await world.emitted("task.completed")
        assert completed.data["outcome"] == "wrong_contact"
        assert completed.data["conversation_held"] is False
        await world.follow_timers(datetime(2026, 3, 19, 12, tzinfo=UTC))
        firm = {
            e.data["channel"]
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plus-7-firmer-reminder"
        }
        assert "sms" not in firm
        assert "email" in firm


async def test_a_task_is_assigned_and_listed_by_its_collector(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        case_id = await opened(world)
        task_id = await call_task(world, case_id)
        await world.post(f"/tasks/{task_id}/assign", {"assignee": "collector:jane"})
        mine = await world.get("/tasks", assignee="collector:jane")
        assert [t["task_id"] for t in mine["items"]] == [task_id]
        assert (await world.get("/tasks", unassigned="true"))["items"] == []
        done = await outcome(world, task_id, {"outcome": "cancelled"})
        assert done.status_code == 200
        again = await world.client.post(
            f"/v1/tasks/{task_id}/assign", json={"assignee": None}, headers=world.headers
        )
        assert again.status_code == 409
        assert (await world.get("/tasks", assignee="collector:jane"))["items"] == []
