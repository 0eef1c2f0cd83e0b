"""The demo tenant ``debtflow run`` seeds: escalation-svc opens cases for its overdue
debtors, and they progress as the demo clock moves (cases API and timelines); its own
seeding adds an open promise, a running plan and a collector task list; on both backends."""

from __future__ import annotations

import contextlib
import functools
from datetime import datetime, timedelta
from typing import Any

from debtflow_cli.demo import DEMO_TENANT, seed_demo
from debtflow_cli.demo_collection import seed_collection_demo
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from escalation_svc.settings import EscalationSettings
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.api import api_client, bearer
from tests.support.harness import Backend, eventually


async def test_demo_cases_open_and_progress_as_the_demo_clock_moves(backend: Backend) -> None:
    async with (
        backend.service(INVOICE, InvoiceSettings) as invoice,
        backend.service(ESCALATION, EscalationSettings, timer_poll_seconds=3600.0) as escalation,
        api_client(escalation) as client,
    ):
        await seed_demo(invoice)
        reader = bearer(backend.token(DEMO_TENANT, "cases:read"))

        async def cases() -> list[dict[str, Any]]:
            response = await client.get("/v1/cases", params={"limit": 500}, headers=reader)
            return list(response.json()["items"])

        async def steps_run_since(moment: datetime) -> int:
            """Steps executed at or after ``moment`` of business time."""
            total = 0
            for case in await cases():
                timeline = await client.get(
                    f"/v1/cases/{case['case_id']}/timeline",
                    params={"limit": 500},
                    headers=reader,
                )
                total += sum(
                    1
                    for e in timeline.json()["items"]
                    if e["kind"] == "step_executed" and datetime.fromisoformat(e["at"]) >= moment
                )
            return total

        await eventually(cases, message="no demo case opened")
        opened = len(await cases())
        # A demo user moves time in steps; the demo's current debtor has its next step due
        # within weeks. Only a step run at a moved instant counts: the clock moved it.
        for _ in range(8):
            moved_to = backend.clock.advance(timedelta(days=10))
            with contextlib.suppress(AssertionError):
                await eventually(functools.partial(steps_run_since, moved_to), within=10)
                break
        else:
            raise AssertionError("no demo case moved on in 80 days of moving the clock")
        assert len(await cases()) >= opened


async def test_the_demo_holds_an_open_promise_a_running_plan_and_a_task_list(
    backend: Backend,
) -> None:
    async with (
        backend.service(INVOICE, InvoiceSettings) as invoice,
        backend.service(ESCALATION, EscalationSettings, timer_poll_seconds=3600.0) as escalation,
        api_client(escalation) as client,
    ):
        await seed_demo(invoice)
        assert await seed_collection_demo(invoice, escalation)
        assert await seed_collection_demo(invoice, escalation)  # a restart adds nothing
        reader = bearer(backend.token(DEMO_TENANT, "cases:read"))

        async def items(path: str, **params: str) -> list[dict[str, Any]]:
            response = await client.get(f"/v1{path}", params=params, headers=reader)
            assert response.status_code == 200, response.text
            return list(response.json()["items"])

        assert len(await items("/promises", status="open")) == 1
        (plan,) = await items("/plans", status="running")
        assert len(plan["installments"]) == 3
        tasks = await items("/tasks")
        assert {t["kind"] for t in tasks} >= {"call", "follow_up"}
        assert len(await items("/tasks", assignee="collector:demo-user")) == 2
        amounts = [t["priority"]["amount"]["amount_minor"] for t in tasks]
        assert amounts == sorted(amounts, reverse=True)
