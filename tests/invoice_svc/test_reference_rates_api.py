"""/v1/reference-rates: the shipped history, extended per tenant by its admins."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.api import api_client, bearer
from tests.support.harness import Backend

NEW_RATE = {
    "series": "GB",
    "effective_from": "2030-01-02",
    "rate_percent": "2.75",
    "source": "Bank of England MPC announcement (test)",
}


@pytest.fixture
async def client(backend: Backend) -> AsyncIterator[httpx.AsyncClient]:
    async with backend.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as c:
        yield c


async def test_shipped_history_is_listed_with_its_sources(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    reader = bearer(backend.token("tenant-a", "invoices:read"))
    history = (await client.get("/v1/reference-rates/GB", headers=reader)).json()
    entry = next(r for r in history if r["effective_from"] == "2023-08-03")
    assert entry["rate_percent"] == "5.25"
    assert "Bank of England" in entry["source"]


async def test_an_admins_new_rate_is_seen_by_that_tenant_only(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    admin = bearer(backend.token("tenant-a", "admin"))
    added = await client.post("/v1/reference-rates", json=NEW_RATE, headers=admin)
    assert added.status_code == 201
    mine = (await client.get("/v1/reference-rates/GB", headers=admin)).json()
    theirs = (
        await client.get(
            "/v1/reference-rates/GB", headers=bearer(backend.token("tenant-b", "invoices:read"))
        )
    ).json()
    assert mine[-1] == NEW_RATE
    assert NEW_RATE not in theirs


async def test_adding_rates_needs_the_admin_scope(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    writer = bearer(backend.token("tenant-a", "invoices:write"))
    assert (
        await client.post("/v1/reference-rates", json=NEW_RATE, headers=writer)
    ).status_code == 403


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
async def test_a_rate_or_confirmation_outside_the_business_dates_is_a_422_and_reads_still_work(
    backend: Backend, client: httpx.AsyncClient, day: str
) -> None:
    admin = bearer(backend.token("tenant-a", "admin"))
    added = await client.post(
        "/v1/reference-rates", json=NEW_RATE | {"effective_from": day}, headers=admin
    )
    confirmed = await client.put(
        "/v1/reference-rates/GB/checked-through",
        json={"checked_through": day, "source": "test"},
        headers=admin,
    )
    assert [e["field"] for e in added.json()["errors"]] == ["effective_from"]
    assert [e["field"] for e in confirmed.json()["errors"]] == ["checked_through"]
    assert (await client.get("/v1/reference-rates/GB", headers=admin)).status_code == 200
    checked = await client.get("/v1/reference-rates/GB/checked-through", headers=admin)
    assert checked.status_code == 200


async def test_a_rate_given_as_a_float_string_is_kept_exact(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    admin = bearer(backend.token("tenant-a", "admin"))
    await client.post(
        "/v1/reference-rates",
        headers=admin,
        json=NEW_RATE | {"rate_percent": "0.1", "effective_from": "2030-03-01"},
    )
    history = (await client.get("/v1/reference-rates/GB", headers=admin)).json()
    assert history[-1]["rate_percent"] == "0.1"


async def test_a_rate_posted_ahead_applies_from_its_day_but_checks_the_series_only_to_today(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    admin = bearer(backend.token("tenant-a", "admin"))
    ahead = NEW_RATE | {"effective_from": "2026-03-19"}  # announced now, 17 days ahead
    assert (await client.post("/v1/reference-rates", json=ahead, headers=admin)).status_code == 201
    history = (await client.get("/v1/reference-rates/GB", headers=admin)).json()
    checked = await client.get("/v1/reference-rates/GB/checked-through", headers=admin)
    assert history[-1] == ahead
    # The business day is 2026-03-02: the same bound a confirmation has (no day to come).
    assert checked.json() == {"series": "GB", "checked_through": "2026-03-02"}


async def test_a_rate_posted_for_a_past_day_checks_the_series_through_that_day(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    admin = bearer(backend.token("tenant-a", "admin"))
    late = NEW_RATE | {"effective_from": "2026-03-01"}
    assert (await client.post("/v1/reference-rates", json=late, headers=admin)).status_code == 201
    checked = await client.get("/v1/reference-rates/GB/checked-through", headers=admin)
    assert checked.json()["checked_through"] == "2026-03-01"


async def test_a_rate_whose_source_holds_a_nul_is_refused_naming_the_source(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    admin = bearer(backend.token("tenant-a", "admin"))
    bad = NEW_RATE | {"source": "Bank of England\u0000"}
    response = await client.post("/v1/reference-rates", json=bad, headers=admin)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["source"]
