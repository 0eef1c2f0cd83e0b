"""Rebuilding the read models from the event log gives the same numbers, on both backends,
through the use case and through ``debtflow analytics rebuild``."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete
from typer.testing import CliRunner

from analytics_svc.adapters.tables import (
    ledger_entries,
    lifecycles,
    payments,
    risk_models,
    risk_scores,
    touches,
)
from analytics_svc.service_layer.rebuild import rebuild
from analytics_svc.service_layer.scoring_runs import score_daily_once
from debtflow_cli.main import app
from debtflow_shared.catalog.escalation import CaseOpened
from tests.analytics_svc.analytics_world import Analytics, running_analytics
from tests.analytics_svc.collection_events import (
    escalation_event,
    instant,
    notification_requested,
    notification_sent,
    step_executed,
)
from tests.analytics_svc.ledger_events import InvoiceStory
from tests.analytics_svc.worked_example import K, worked_example
from tests.support.harness import Backend, eventually

Q1 = {"currency": "GBP", "start": "2026-01-01", "end": "2026-03-31"}


def a_busier_quarter() -> list[Any]:
    e = InvoiceStory("inv-e", "d-4", 80 * K, date(2026, 1, 5), date(2026, 2, 4))
    return [
        *worked_example(),
        e.issued(),
        e.credited(10 * K, date(2026, 1, 12)),
        e.charged(1 * K, date(2026, 3, 6)),
        step_executed("case-e", "d-4", "inv-e", date(2026, 3, 9), variant="b"),
        notification_sent("case-e", "d-4", "inv-e", date(2026, 3, 9)),
        notification_requested("case-e", "d-4", "inv-e", date(2026, 3, 9)),
        *e.paid(30 * K, date(2026, 3, 20), "pay-e"),
        e.disputed(date(2026, 3, 21), "dsp-e"),
        escalation_event(CaseOpened, date(2026, 3, 2), "d-4", opened_at=instant(date(2026, 3, 2))),
    ]


async def reports(analytics: Analytics) -> list[Any]:
    trend = {"currency": "GBP", "from": "2026-01-01", "to": "2026-03-31"}
    asked = [
        ("/v1/kpis", Q1),
        ("/v1/kpis/monthly", trend),
        ("/v1/aging", {"as_of": "2026-03-31"}),
        ("/v1/aging", {"as_of": "2026-02-15", "include_charges": "false"}),
        ("/v1/debtors/d-4/ledger", {"as_of": "2026-03-31"}),
        ("/v1/effectiveness", {"dimension": "step", "start": "2026-03-01", "end": "2026-03-31"}),
        ("/v1/effectiveness", {"dimension": "tone", "start": "2026-03-01", "end": "2026-03-31"}),
        ("/v1/outcomes", {"start": "2026-01-01", "end": "2026-03-31"}),
    ]
    answers = [await analytics.get(path, **params) for path, params in asked]
    return [(a.status_code, a.json()) for a in answers]


async def damage_read_models(analytics: Analytics) -> None:
    async with analytics.runtime.engine.begin() as connection:
        await connection.execute(delete(ledger_entries))
        await connection.execute(delete(payments))
        await connection.execute(delete(touches))
        await connection.execute(delete(lifecycles))


async def test_a_rebuild_restores_damaged_read_models_to_the_same_numbers(
    backend: Backend,
) -> None:
    async with running_analytics(backend) as analytics:
        messages = a_busier_quarter()
        await analytics.send(*messages)
        before = await reports(analytics)
        await damage_read_models(analytics)
        assert await reports(analytics) != before  # the damage shows
        told: list[tuple[int, int]] = []
        replayed = await rebuild(
            analytics.runtime.uow, progress=lambda d, t: told.append((d, t)), chunk=7
        )
        assert replayed == len(messages)
        assert told[0] == (0, len(messages))
        assert told[-1] == (len(messages), len(messages))
        assert await reports(analytics) == before


async def test_debtflow_analytics_rebuild_shows_progress_and_arrives_at_the_same_numbers(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_analytics(backend) as analytics:
        await analytics.send(*a_busier_quarter())
        before = await reports(analytics)
        await damage_read_models(analytics)
        settings = analytics.runtime.settings
        monkeypatch.setenv("DEBTFLOW_DATA_DIR", str(settings.platform.data_dir))
        if backend.is_infra:
            monkeypatch.setenv("ANALYTICS_DATABASE_URL", analytics.runtime.database_url)
            monkeypatch.setenv("ANALYTICS_DATABASE_SCHEMA", analytics.runtime.schema)
        result = await asyncio.to_thread(CliRunner().invoke, app, ["analytics", "rebuild"])
        assert result.exit_code == 0, result.output
        assert "replaying events" in result.output
        assert f"from {len(a_busier_quarter())} events" in result.output
        assert await reports(analytics) == before


async def risk_reports(analytics: Analytics) -> list[Any]:
    asked = [
        ("/v1/risk/model", {}),
        ("/v1/risk/expected-recovery", {"currency": "GBP"}),
        *((f"/v1/debtors/{d}/risk", {}) for d in ("d-1", "d-2", "d-3", "d-4")),
    ]
    answers = [await analytics.get(path, **params) for path, params in asked]
    return [(a.status_code, a.json()) for a in answers]


async def test_a_rebuild_scores_again_and_publishes_no_score_that_did_not_move(
    backend: Backend,
) -> None:
    async with (
        backend.probe("debtor.risk_scored") as seen,
        running_analytics(backend) as analytics,
    ):
        await analytics.send(*a_busier_quarter())
        await score_daily_once(analytics.runtime, force=True)
        before = await risk_reports(analytics)
        assert {status for status, _ in before} == {200}
        async with analytics.runtime.uow() as uow:
            published = await uow.repos.risk.published("tenant-a", ["d-1", "d-2", "d-3", "d-4"])
        versions = sum(p.version for p in published.values())

        async def all_arrived() -> bool:
            return bool(len(seen.messages) >= versions)

        await eventually(all_arrived, message="the scores were never all published")
        async with analytics.runtime.engine.begin() as connection:
            await connection.execute(delete(risk_scores))
            await connection.execute(delete(risk_models))
        assert await risk_reports(analytics) != before
        await rebuild(analytics.runtime.uow)
        assert await risk_reports(analytics) == before
        async with analytics.runtime.uow() as uow:
            again = await uow.repos.risk.published("tenant-a", ["d-1", "d-2", "d-3", "d-4"])
        assert again == published
