"""Dunning policies over HTTP: the shipped default, versions, validation naming the step."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.escalation_svc.collection_world import World, escalation_world
from tests.support.harness import Backend


def notify(key: str, offset: int, template: str = "reminder.friendly") -> dict[str, Any]:
    return {
        "key": key,
        "offset_days": offset,
        "action": "notify",
        "channels": ["email"],
        "template_key": template,
        "tone": "friendly",
    }


BODY = {"name": "Key accounts", "steps": [notify("plus-5", 5), notify("plus-10", 10)]}


async def problem(world: World, method: str, path: str, body: Any) -> tuple[int, list[str]]:
    response = await world.client.request(method, path, json=body, headers=world.headers)
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code, [e["field"] for e in response.json().get("errors", [])]


async def test_every_tenant_starts_with_the_shipped_default_ladder(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        listed = (await world.client.get("/v1/policies", headers=world.headers)).json()
        (default,) = listed["items"]
        assert default["policy_id"] == "default"
        assert default["version"] == 1
        assert default["shipped"] is True
        offsets = [s["offset_days"] for s in default["steps"]]
        assert offsets == [-3, 1, 7, 14, 21, 30, 30, 45, 60]
        assert default["rules"]["local_from"] == "08:00"
        assert default["rules"]["max_attempts"] == 7


async def test_a_policy_naming_an_unknown_template_is_refused_naming_the_step(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        body = BODY | {"policy_id": "vip", "steps": [notify("plus-5", 5, "reminder.nope")]}
        assert await problem(world, "POST", "/v1/policies", body) == (
            422,
            ["steps[0].template_key"],
        )
        missing = await world.client.get("/v1/policies/vip", headers=world.headers)
        assert missing.status_code == 404


async def test_offsets_out_of_order_are_refused_naming_the_later_step(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        body = {"name": "x", "steps": [notify("plus-10", 10), notify("plus-5", 5)]}
        assert await problem(world, "POST", "/v1/policies/validate", body) == (
            422,
            ["steps[1].offset_days"],
        )
        ok = await world.client.post("/v1/policies/validate", json=BODY, headers=world.headers)
        assert ok.status_code == 200
        assert ok.json() == {"valid": True}


async def test_a_hand_off_before_the_last_step_and_a_notify_without_channel_are_refused() -> None:
    from escalation_svc.api.policy_schemas import StepIn
    from escalation_svc.domain.policy import PolicyInvalid, validate_steps

    hand_off = StepIn(
        key="hand-off", offset_days=5, action="hand_off", partner="agency", partner_name="A"
    )
    with pytest.raises(PolicyInvalid) as hand_off_first:
        validate_steps([hand_off.to_step(), StepIn(**notify("later", 9)).to_step()])
    assert hand_off_first.value.field == "steps[0]"
    silent = StepIn(**(notify("quiet", 1) | {"channels": []}))
    with pytest.raises(PolicyInvalid) as no_channel:
        validate_steps([silent.to_step()])
    assert no_channel.value.field == "steps[0].channels"


async def test_revising_a_policy_adds_a_version_and_keeps_the_old_one(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        created = await world.client.post(
            "/v1/policies", json=BODY | {"policy_id": "vip"}, headers=world.headers
        )
        assert created.status_code == 201, created.text
        again = await world.client.post(
            "/v1/policies", json=BODY | {"policy_id": "vip"}, headers=world.headers
        )
        assert again.status_code == 409
        revised = await world.client.put(
            "/v1/policies/vip", json=BODY | {"name": "VIP v2"}, headers=world.headers
        )
        assert revised.json()["version"] == 2
        first = await world.client.get("/v1/policies/vip/versions/1", headers=world.headers)
        assert first.json()["name"] == "Key accounts"
        latest = await world.client.get("/v1/policies/vip", headers=world.headers)
        assert latest.json()["name"] == "VIP v2"


async def test_the_default_policy_cannot_be_archived_and_another_can(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        status, _ = await problem(world, "DELETE", "/v1/policies/default", None)
        assert status == 409
        await world.client.post(
            "/v1/policies", json=BODY | {"policy_id": "vip"}, headers=world.headers
        )
        gone = await world.client.delete("/v1/policies/vip", headers=world.headers)
        assert gone.status_code == 204
        assert (
            await world.client.get("/v1/policies/vip", headers=world.headers)
        ).status_code == 404


async def test_a_running_case_keeps_the_policy_version_it_started_on(backend: Backend) -> None:
    due = date(2026, 3, 12)
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", due)
        await world.follow_timers(datetime(2026, 3, 9, 12, tzinfo=UTC))  # -3 ran on v1
        revised = await world.client.put("/v1/policies/default", json=BODY, headers=world.headers)
        assert revised.json()["version"] == 2
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        steps = await world.emitted("escalation.step_executed")
        assert [(e.data["step"], e.data["policy_version"]) for e in steps] == [
            ("minus-3-pre-due-reminder", 1),
            ("plus-1-friendly-reminder", 1),
        ]


async def test_a_case_moved_explicitly_to_a_new_version_keeps_its_place_on_it(
    backend: Backend,
) -> None:
    due = date(2026, 3, 12)
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", due)
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))  # -3 and +1 on v1
        body = {"name": "Faster", "steps": [notify("plus-1", 1), notify("plus-5", 5)]}
        await world.client.put("/v1/policies/default", json=body, headers=world.headers)
        case = await world.case_of("d-1")
        moved = await world.client.post(
            f"/v1/cases/{case['case_id']}/policy",
            json={"policy_id": "default", "version": 2},
            headers=world.headers,
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["policy_version"] == 2
        missing = await world.client.post(
            f"/v1/cases/{case['case_id']}/policy",
            json={"policy_id": "default", "version": 9},
            headers=world.headers,
        )
        assert missing.status_code == 404
        await world.follow_timers(datetime(2026, 3, 18, 12, tzinfo=UTC))
        steps = await world.emitted("escalation.step_executed")
        # v2's +1 counts as done (the case had reached +1); its +5 runs on 17 March.
        assert [(e.data["step"], e.data["policy_version"]) for e in steps] == [
            ("minus-3-pre-due-reminder", 1),
            ("plus-1-friendly-reminder", 1),
            ("plus-5", 2),
        ]
