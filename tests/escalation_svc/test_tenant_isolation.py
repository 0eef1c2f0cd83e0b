"""Tenant isolation on every escalation-svc endpoint, checked route by route.

Tenant B, holding every scope, aims each endpoint at tenant A's data: A's debtors, cases and
policies are unknown to B (404), B's own writes (its policies) stay B's. Afterwards A's data
reads exactly as before. A route added without a case here fails the completeness test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import pytest
from fastapi.routing import APIRoute

from escalation_svc.bootstrap import DEFINITION as ESCALATION
from tests.escalation_svc.collection_world import SCOPES, World, escalation_world
from tests.support.api import bearer
from tests.support.harness import Backend

Expect = Literal["not_found", "own"]
STEPS = [
    {
        "key": "plus-5",
        "offset_days": 5,
        "action": "notify",
        "channels": ["email"],
        "template_key": "reminder.friendly",
        "tone": "friendly",
    }
]
POLICY = {"name": "B's ladder", "steps": STEPS}
RESTRICTION = {"kind": "do_not_contact", "channel": "sms", "reason": "tenant B"}
GBP_500 = {"amount_minor": 50_000, "currency": "GBP"}
PROMISE = {"amount": GBP_500, "promised_on": "2026-03-20"}
PLAN = {"count": 2, "frequency": "monthly", "first_on": "2026-04-01"}
SETTLEMENT = {"amount": {"amount_minor": 90_000, "currency": "GBP"}, "expires_on": "2026-03-30"}


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # the route's template; {ids} are tenant A's
    expect: Expect
    body: dict[str, Any] | None = None
    params: dict[str, str] | None = None


def cases(a: dict[str, str]) -> list[Case]:
    return [
        Case("GET", "/debtors/{debtor_id}", "not_found"),
        Case("GET", "/debtors/{debtor_id}/contact-restrictions", "not_found"),
        Case("POST", "/debtors/{debtor_id}/contact-restrictions", "not_found", RESTRICTION),
        Case(
            "DELETE",
            "/debtors/{debtor_id}/contact-restrictions/{kind}/{channel}",
            "not_found",
        ),
        Case("GET", "/cases", "own", params={"debtor_id": a["debtor_id"]}),
        Case("GET", "/cases/{case_id}", "not_found"),
        Case("GET", "/cases/{case_id}/timeline", "not_found"),
        Case("GET", "/cases/{case_id}/case-file", "not_found"),
        Case("POST", "/cases/{case_id}/pause", "not_found", {"note": "B"}),
        Case("POST", "/cases/{case_id}/resume", "not_found", {}),
        Case(
            "POST", "/cases/{case_id}/policy", "not_found", {"policy_id": "default", "version": 1}
        ),
        Case("POST", "/cases/{case_id}/promises", "not_found", PROMISE),
        Case("GET", "/promises", "own", params={"case_id": a.get("case_id", "")}),
        Case("GET", "/promises/{promise_id}", "not_found"),
        Case("POST", "/cases/{case_id}/plans", "not_found", PLAN),
        Case("GET", "/plans", "own", params={"debtor_id": a["debtor_id"]}),
        Case("GET", "/plans/{plan_id}", "not_found"),
        Case("POST", "/cases/{case_id}/settlements", "not_found", SETTLEMENT),
        Case("GET", "/settlements", "own"),
        Case("GET", "/settlements/{settlement_id}", "not_found"),
        Case("GET", "/tasks", "own", params={"case_id": a.get("case_id", "")}),
        Case("GET", "/tasks/{task_id}", "not_found"),
        Case("POST", "/cases/{case_id}/tasks", "not_found", {"kind": "call"}),
        Case("POST", "/tasks/{task_id}/assign", "not_found", {"assignee": "collector:b"}),
        Case("POST", "/tasks/{task_id}/outcome", "not_found", {"outcome": "no_answer"}),
        Case("GET", "/policies", "own"),
        Case("POST", "/policies", "own", POLICY | {"policy_id": "b-only"}),
        Case("POST", "/policies/validate", "own", POLICY),
        Case("GET", "/policies/{policy_id}", "not_found"),
        Case("GET", "/policies/{policy_id}/versions/{version}", "not_found"),
        Case("PUT", "/policies/{policy_id}", "not_found", POLICY),
        Case("DELETE", "/policies/{policy_id}", "not_found"),
    ]


@pytest.fixture
async def world(backend: Backend) -> AsyncIterator[World]:
    async with escalation_world(backend) as running:
        yield running


async def tenant_a_world(world: World) -> dict[str, str]:
    for debtor in ("a-debtor", "a-planned", "a-settling"):
        await world.debtor(debtor)
        await world.issued(f"{debtor}-invoice", debtor, date(2026, 3, 12))
    await world.follow_timers(datetime(2026, 3, 9, 12, tzinfo=UTC))
    made = {}
    for debtor, kind, body in (
        ("a-debtor", "promises", PROMISE),
        ("a-planned", "plans", PLAN),
        ("a-settling", "settlements", SETTLEMENT),
    ):
        case_id = (await world.case_of(debtor))["case_id"]
        response = await world.client.post(
            f"/v1/cases/{case_id}/{kind}", json=body, headers=world.headers
        )
        assert response.status_code == 201, response.text
        made[kind] = response.json()
    task = await world.client.post(
        f"/v1/cases/{made['promises']['case_id']}/tasks",
        json={"kind": "follow_up"},
        headers=world.headers,
    )
    assert task.status_code == 201, task.text
    created = await world.client.post(
        "/v1/policies", json=POLICY | {"policy_id": "a-only"}, headers=world.headers
    )
    assert created.status_code == 201, created.text
    restricted = await world.client.post(
        "/v1/debtors/a-debtor/contact-restrictions", json=RESTRICTION, headers=world.headers
    )
    assert restricted.status_code == 201, restricted.text
    case = await world.case_of("a-debtor")
    return {
        "debtor_id": "a-debtor",
        "case_id": case["case_id"],
        "policy_id": "a-only",
        "version": "1",
        "kind": "do_not_contact",
        "channel": "sms",
        "promise_id": made["promises"]["promise_id"],
        "plan_id": made["plans"]["plan_id"],
        "settlement_id": made["settlements"]["settlement_id"],
        "task_id": task.json()["task_id"],
    }


async def snapshot(world: World, a: dict[str, str]) -> list[Any]:
    paths = [
        f"/v1/debtors/{a['debtor_id']}",
        f"/v1/debtors/{a['debtor_id']}/contact-restrictions",
        f"/v1/cases/{a['case_id']}",
        f"/v1/cases/{a['case_id']}/timeline",
        f"/v1/policies/{a['policy_id']}",
        "/v1/policies",
        "/v1/cases",
        f"/v1/promises/{a['promise_id']}",
        f"/v1/plans/{a['plan_id']}",
        f"/v1/settlements/{a['settlement_id']}",
        f"/v1/tasks/{a['task_id']}",
        "/v1/tasks",
    ]
    reads = [await world.client.get(p, headers=world.headers) for p in paths]
    return [(r.status_code, r.json()) for r in reads]


def test_every_route_has_an_isolation_case() -> None:
    routes = {
        (method, route.path)
        for router in ESCALATION.routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    covered = {(case.method, case.path) for case in cases({"debtor_id": "x"})}
    assert routes == covered


async def test_tenant_b_cannot_read_or_change_tenant_a_through_any_route(
    world: World, backend: Backend
) -> None:
    a = await tenant_a_world(world)
    before = await snapshot(world, a)
    b_headers = bearer(backend.token("tenant-b", *SCOPES))
    for case in cases(a):
        path = "/v1" + case.path.format(**a)
        response = await world.client.request(
            case.method, path, json=case.body, params=case.params, headers=b_headers
        )
        where = f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
        if case.expect == "not_found":
            assert response.status_code == 404, where
            assert response.headers["content-type"].startswith("application/problem+json"), where
        else:
            assert response.status_code < 300, where
            for own in (a["debtor_id"], a["case_id"], a["policy_id"]):
                assert own not in response.text, where
    assert await snapshot(world, a) == before
    assert await world.emitted("contact.restricted") == [
        e for e in await world.emitted("contact.restricted") if e.tenantid == "tenant-a"
    ]
