"""Health, readiness, metrics and the controlled clock, the same on every service."""

from __future__ import annotations

from datetime import datetime

import pytest

from analytics_svc.bootstrap import DEFINITION as ANALYTICS
from debtflow_shared.auth import CLOCK_WRITE
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
        assert ready.json()["checks"] == {"database": True, "broker": True, "clock": True}


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


async def test_an_operator_moves_a_controlled_clock_forward(embedded: Backend) -> None:
    async with embedded.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as client:
        admin = bearer(embedded.token("tenant-a", "admin"))
        operator = bearer(embedded.token("tenant-a", CLOCK_WRITE))
        before = (await client.get("/v1/admin/clock", headers=admin)).json()
        moved = await client.post(
            "/v1/admin/clock", json={"advance_seconds": 86400}, headers=operator
        )
        assert moved.status_code == 200
        assert moved.json()["now"] == "2026-03-03T09:00:00Z"
        assert before["now"] == "2026-03-02T09:00:00Z"
        assert invoice.clock.now().isoformat() == "2026-03-03T09:00:00+00:00"
        back = await client.post(
            "/v1/admin/clock", json={"to": "2026-03-01T00:00:00Z"}, headers=operator
        )
        assert back.status_code == 422


@pytest.mark.parametrize("scopes", [("debtors:write",), ("admin",)], ids=["user", "admin"])
async def test_moving_the_clock_needs_the_clock_write_scope_which_admin_does_not_imply(
    embedded: Backend, scopes: tuple[str, ...]
) -> None:
    async with embedded.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as client:
        caller = bearer(embedded.token("tenant-a", *scopes))
        response = await client.post("/v1/admin/clock", json={"advance_seconds": 1}, headers=caller)
        assert response.status_code == 403
        assert "clock:write" in response.json()["detail"]
        assert invoice.clock.now().isoformat() == "2026-03-02T09:00:00+00:00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"advance_seconds": 2.6e11}', "advance_seconds"),
        ('{"advance_seconds": 1e20}', "advance_seconds"),
        ('{"advance_seconds": 1e400}', "advance_seconds"),
        ('{"advance_seconds": Infinity}', "advance_seconds"),
        ('{"advance_seconds": NaN}', "advance_seconds"),
        ('{"advance_seconds": -1}', "advance_seconds"),
        ('{"to": "9999-12-31T23:59:59Z"}', "to"),
        ('{"to": "2200-01-01T00:00:01Z"}', "to"),
        ('{"to": "2026-12-01T09:00:00"}', "to"),
        ('{"to": "0001-01-01T00:00:03+01:00"}', "to"),
        ('{"advance_seconds": true}', "advance_seconds"),
        ('{"advance_seconds": "86400"}', "advance_seconds"),
    ],
    ids=[
        *("2.6e11", "1e20", "1e400", "infinity", "nan", "negative", "year-9999", "2200", "naive"),
        *("before-utc-year-1", "boolean", "string"),
    ],
)
async def test_an_unusable_move_is_a_422_naming_the_field_and_leaves_the_clock_working(
    embedded: Backend, body: str, field: str
) -> None:
    async with embedded.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as client:
        operator = bearer(embedded.token("tenant-a", CLOCK_WRITE))
        response = await client.post(
            "/v1/admin/clock",
            content=body,
            headers=operator | {"Content-Type": "application/json"},
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == [field]
        assert invoice.clock.now().isoformat() == "2026-03-02T09:00:00+00:00"
        assert (await client.get("/readyz")).status_code == 200


async def test_an_advance_that_would_end_past_2200_is_a_422_naming_advance_seconds(
    embedded: Backend,
) -> None:
    async with embedded.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as client:
        operator = bearer(embedded.token("tenant-a", CLOCK_WRITE))
        near_the_end = await client.post(
            "/v1/admin/clock", json={"to": "2199-12-31T00:00:00Z"}, headers=operator
        )
        assert near_the_end.status_code == 200
        response = await client.post(
            "/v1/admin/clock", json={"advance_seconds": 2 * 86400}, headers=operator
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "advance_seconds"
        assert invoice.clock.now().isoformat() == "2199-12-31T00:00:00+00:00"


async def test_system_clock_cannot_be_moved(embedded: Backend) -> None:
    async with embedded.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as client:
        invoice.clock = SystemClock()
        operator = bearer(embedded.token("tenant-a", CLOCK_WRITE))
        response = await client.post(
            "/v1/admin/clock", json={"advance_seconds": 1}, headers=operator
        )
        assert response.status_code == 409


class _BrokenClock:
    def now(self) -> datetime:
        raise OverflowError("date value out of range")


async def test_readiness_reports_a_clock_that_cannot_tell_the_time(embedded: Backend) -> None:
    async with embedded.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as client:
        invoice.clock = _BrokenClock()
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["clock"] is False
        assert "date value out of range" in response.json()["reasons"]["clock"]
