"""Tenant isolation on every analytics-svc endpoint, checked route by route.

Tenant B, holding every scope, aims each route at tenant A's data: A's debtors are unknown
to B (404) and B's reports hold none of A's figures. A route added without a case here
fails the completeness test, so isolation is decided for each new route.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from fastapi.routing import APIRoute

from analytics_svc.bootstrap import DEFINITION as ANALYTICS
from debtflow_shared.catalog.escalation import CaseOpened
from tests.analytics_svc.analytics_world import running_analytics
from tests.analytics_svc.collection_events import escalation_event, instant, step_executed
from tests.analytics_svc.worked_example import worked_example
from tests.support.api import bearer
from tests.support.harness import Backend

Expect = Literal["not_found", "own"]
Q1 = {"currency": "GBP", "start": "2026-01-01", "end": "2026-03-31"}
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    expect: Expect
    params: dict[str, str] | None = None


CASES = [
    Case("GET", "/aging", "own", {"as_of": "2026-03-31"}),
    Case("GET", "/aging/debtors", "own", {"currency": "GBP", "as_of": "2026-03-31"}),
    Case("GET", "/kpis", "own", Q1),
    Case(
        "GET", "/kpis/monthly", "own", {"currency": "GBP", "from": "2026-01-01", "to": "2026-03-31"}
    ),
    Case("GET", "/effectiveness", "own", {"dimension": "step", **MARCH}),
    Case("GET", "/effectiveness/variants", "own", {"a": "b", "b": "a", **MARCH}),
    Case("GET", "/outcomes", "own", MARCH),
    Case("GET", "/debtors/{debtor_id}/ledger", "not_found"),
    Case("GET", "/debtors/{debtor_id}/risk", "not_found"),
    Case("GET", "/risk/expected-recovery", "own", {"currency": "GBP"}),
    Case("GET", "/risk/model", "own"),
    Case("GET", "/forecast", "own", {"currency": "GBP", "as_of": "2026-01-20"}),
    Case(
        "GET",
        "/forecast/backtest",
        "own",
        {"currency": "GBP", "from": "2025-10-01", "to": "2025-11-01"},
    ),
]


def test_every_route_has_an_isolation_case() -> None:
    routes = {
        (method, route.path)
        for router in ANALYTICS.routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    assert routes == {(case.method, case.path) for case in CASES}


async def test_tenant_b_sees_none_of_tenant_as_figures_through_any_route(backend: Backend) -> None:
    async with running_analytics(backend) as analytics:
        await analytics.send(*worked_example("tenant-a"))
        await analytics.send(
            step_executed("case-1", "d-2", "inv-b", date(2026, 3, 9), variant="b"),
            escalation_event(
                CaseOpened, date(2026, 3, 2), "d-2", opened_at=instant(date(2026, 3, 2))
            ),
        )
        b_headers = bearer(backend.token("tenant-b", "analytics:read", "admin"))
        for case in CASES:
            path = "/v1" + case.path.format(debtor_id="d-2")
            response = await analytics.client.request(
                case.method, path, params=case.params, headers=b_headers
            )
            where = f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
            if case.expect == "not_found":
                assert response.status_code == 404, where
                assert response.headers["content-type"].startswith("application/problem+json")
            else:
                assert response.status_code == 200, where
                assert "d-2" not in response.text, where
                assert "plus-7" not in response.text, where
                assert '"touches":1' not in response.text, where
                assert '"cases_opened":1' not in response.text, where
                assert str(300 * 100_000) not in response.text, where
        # The same reports are A's figures for A.
        assert (await analytics.json("/v1/debtors/d-2/risk"))["debtor_id"] == "d-2"
        a_aging = await analytics.json("/v1/aging", as_of="2026-03-31")
        assert a_aging["currencies"][0]["total"]["total"] == 300 * 100_000
        a_steps = await analytics.json("/v1/effectiveness", dimension="step", **MARCH)
        assert a_steps["groups"][0]["touches"] == 1
        assert (await analytics.json("/v1/outcomes", **MARCH))["cases_opened"] == 1
