"""Health, readiness, metrics and the admin clock, the same on every service."""

from __future__ import annotations

import pytest

from analytics_svc.bootstrap import DEFINITION as ANALYTICS
from debtflow_shared.clock import SystemClock
from debtflow_shared.service import ServiceDefinition
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from notify_svc.bootstrap import DEFINITION as NOTIFY
from tests.support.api import api_client, bearer
from tests.support.events import debtor_event, emit_committed
from tests.support.harness import Backend, eventually


@pytest.mark.parametrize(
    "definition", [INVOICE, ESCALATION, NOTIFY, ANALYTICS], ids=lambda d: d.name
)
async def test_every_service_is_live_and_ready(
    backend: Backend, definition: ServiceDefinition
) -> None:
    async with backend.service(definition) as runtime, api_client(runtime) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": True, "broker": True}


async def test_readiness_fails_when_the_database_is_unreachable(embedded: Backend) -> None:
    async with embedded.service(INVOICE, InvoiceSettings) as runtime, api_client(runtime) as client:
        (runtime.settings.platform.data_dir / "invoice.sqlite").unlink()
        (embedded.tmp_path / "data").rename(embedded.tmp_path / "moved")
        await runtime.engine.dispose()
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["database"] is False


async def test_metrics_count_published_events(backend: Backend) -> None:
    async with backend.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as client:
        await emit_committed(invoice, "t", debtor_event("d-1"))

        async def counted() -> bool:
            text = (await client.get("/metrics")).text
            return (
                'debtflow_events_published_total{service="invoice-svc",topic="debtor.upserted"} 1.0'
            ) in text

        await eventually(counted)
        assert "debtflow_outbox_backlog" in (await client.get("/metrics")).text


async def test_admin_moves_a_controlled_clock_forward(embedded: Backend) -> None:
    async with embedded.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as client:
        admin = bearer(embedded.token("tenant-a", "admin"))
        before = (await client.get("/v1/admin/clock", headers=admin)).json()
        moved = await client.post("/v1/admin/clock", json={"advance_seconds": 86400}, headers=admin)
        assert moved.status_code == 200
        assert moved.json()["now"] == "2026-03-03T09:00:00Z"
        assert before["now"] == "2026-03-02T09:00:00Z"
        assert invoice.clock.now().isoformat() == "2026-03-03T09:00:00+00:00"
        back = await client.post(
            "/v1/admin/clock", json={"to": "2026-03-01T00:00:00Z"}, headers=admin
        )
        assert back.status_code == 422


async def test_moving_the_clock_needs_the_admin_scope(embedded: Backend) -> None:
    async with embedded.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as client:
        user = bearer(embedded.token("tenant-a", "debtors:write"))
        response = await client.post("/v1/admin/clock", json={"advance_seconds": 1}, headers=user)
        assert response.status_code == 403
        assert invoice.clock.now().isoformat() == "2026-03-02T09:00:00+00:00"


async def test_system_clock_cannot_be_moved(embedded: Backend) -> None:
    async with embedded.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as client:
        invoice.clock = SystemClock()
        admin = bearer(embedded.token("tenant-a", "admin"))
        response = await client.post("/v1/admin/clock", json={"advance_seconds": 1}, headers=admin)
        assert response.status_code == 409
