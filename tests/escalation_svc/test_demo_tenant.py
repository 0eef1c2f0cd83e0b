"""The demo tenant ``debtflow run`` seeds: escalation-svc opens cases for its overdue
debtors, and they progress as the demo clock moves (cases API and timelines), on both
backends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from debtflow_cli.demo import DEMO_TENANT, seed_demo
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

        async def steps_run() -> int:
            total = 0
            for case in await cases():
                timeline = await client.get(
                    f"/v1/cases/{case['case_id']}/timeline",
                    params={"limit": 500},
                    headers=reader,
                )
                total += sum(1 for e in timeline.json()["items"] if e["kind"] == "step_executed")
            return total

        await eventually(cases, message="no demo case opened")
        opened = len(await cases())
        before = await steps_run()
        backend.clock.advance(timedelta(days=10))

        async def progressed() -> bool:
            return await steps_run() > before

        await eventually(progressed, message="no demo case moved on when the clock moved")
        assert len(await cases()) >= opened
