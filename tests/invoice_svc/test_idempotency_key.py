"""A retried REST write with the same Idempotency-Key returns the first result, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.tables import platform
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.api import api_client, bearer
from tests.support.harness import Backend
from tests.support.outbox import written_types

ACME: dict[str, Any] = {"name": "Acme Widgets Ltd", "country": "GB", "currency": "GBP"}


@pytest.fixture
async def runtime(backend: Backend) -> AsyncIterator[ServiceRuntime]:
    async with backend.service(INVOICE, InvoiceSettings) as invoice:
        yield invoice


@pytest.fixture
async def client(runtime: ServiceRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(runtime) as c:
        yield c


def _headers(backend: Backend, key: str, tenant: str = "tenant-a") -> dict[str, str]:
    token = backend.token(tenant, "debtors:read", "debtors:write")
    return bearer(token) | {"Idempotency-Key": key}


async def test_retry_with_the_same_key_returns_the_first_result_and_changes_nothing(
    backend: Backend, client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    first = await client.post("/v1/debtors", json=ACME, headers=_headers(backend, "k-1"))
    retry = await client.post("/v1/debtors", json=ACME, headers=_headers(backend, "k-1"))
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    listed = await client.get("/v1/debtors", headers=_headers(backend, "unused"))
    assert len(listed.json()["items"]) == 1
    assert await written_types(runtime, platform) == [DebtorUpserted.event_type]


async def test_same_key_with_another_body_is_refused(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    await client.post("/v1/debtors", json=ACME, headers=_headers(backend, "k-2"))
    other = await client.post(
        "/v1/debtors", json=ACME | {"name": "Other Ltd"}, headers=_headers(backend, "k-2")
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_keys_are_per_tenant(backend: Backend, client: httpx.AsyncClient) -> None:
    mine = await client.post("/v1/debtors", json=ACME, headers=_headers(backend, "k-3"))
    theirs = await client.post(
        "/v1/debtors", json=ACME, headers=_headers(backend, "k-3", tenant="tenant-b")
    )
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]
