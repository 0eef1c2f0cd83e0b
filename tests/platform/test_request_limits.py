"""Every service bounds request bodies, speaks plainly about unreadable input, and logs
every answer it gives, failures included."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import structlog

from debtflow_shared.service import ServiceRuntime
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.service_layer import debtors as debtor_use_cases
from invoice_svc.settings import InvoiceSettings
from tests.support.api import api_client, bearer
from tests.support.harness import Backend

LIMIT, BATCH_LIMIT = 64 * 1024, 256 * 1024
ACME: dict[str, Any] = {"name": "Acme Widgets Ltd", "country": "GB", "currency": "GBP"}


@pytest.fixture
async def runtime(embedded: Backend) -> AsyncIterator[ServiceRuntime]:
    settings = embedded.platform()
    settings.http_max_body_bytes, settings.http_max_batch_body_bytes = LIMIT, BATCH_LIMIT
    async with embedded.service(INVOICE, InvoiceSettings, platform=settings) as invoice:
        yield invoice


@pytest.fixture
async def client(runtime: ServiceRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(runtime) as c:
        yield c


@pytest.fixture
def writer(embedded: Backend) -> dict[str, str]:
    return bearer(embedded.token("tenant-a", "debtors:read", "debtors:write"))


def _debtor_of(size: int) -> bytes:
    """A debtor whose body is about ``size`` bytes (one long tag list)."""
    tags = ",".join(['"t"'] * (size // 4))
    return f'{{"name": "Big Ltd", "country": "GB", "currency": "GBP", "tags": [{tags}]}}'.encode()


async def test_a_body_over_the_limit_is_refused_with_a_413_problem(
    client: httpx.AsyncClient, writer: dict[str, str]
) -> None:
    headers = writer | {"content-type": "application/json"}
    refused = await client.post("/v1/debtors", content=_debtor_of(LIMIT * 2), headers=headers)
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert str(LIMIT) in refused.json()["detail"]


async def test_a_batch_endpoint_takes_a_body_larger_than_a_single_write_does(
    client: httpx.AsyncClient, writer: dict[str, str]
) -> None:
    row = {"erp_id": "C-1", "name": "Acme Widgets Ltd", "country": "GB", "currency": "GBP"}
    rows = [row | {"erp_id": f"C-{n}", "name": f"Debtor {n:05d}"} for n in range(1_200)]
    body = httpx.Request("POST", "/", json={"items": rows}).content
    assert LIMIT < len(body) < BATCH_LIMIT
    answer = await client.post(
        "/v1/batches/debtors", content=body, headers=writer | {"content-type": "application/json"}
    )
    assert answer.status_code == 200, answer.text[:500]


async def test_a_batch_body_over_the_batch_limit_is_refused_with_a_413_problem(
    client: httpx.AsyncClient, writer: dict[str, str]
) -> None:
    refused = await client.post(
        "/v1/batches/debtors",
        content=b'{"items": [' + b" " * BATCH_LIMIT + b"]}",
        headers=writer | {"content-type": "application/json"},
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"


async def test_a_body_that_is_not_json_is_a_400_problem_saying_so(
    client: httpx.AsyncClient, writer: dict[str, str]
) -> None:
    answer = await client.post(
        "/v1/debtors", content=b"{nope", headers=writer | {"content-type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"] == "the body is not valid JSON"
    assert "errors" not in answer.json()


async def test_a_garbage_token_is_refused_without_the_decoder_s_internals(
    client: httpx.AsyncClient,
) -> None:
    # The header segment decodes to the bytes ff fe: not UTF-8, so not JSON either.
    answer = await client.get("/v1/debtors", headers={"Authorization": "Bearer __4.e30.c2ln"})
    assert answer.status_code == 401
    assert answer.json()["detail"] == "the token is not a signed JWT"


async def test_a_failed_request_is_logged_with_its_status_and_correlation_id(
    client: httpx.AsyncClient, writer: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fails(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(debtor_use_cases, "upsert_debtor", fails)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    try:
        with structlog.testing.capture_logs([structlog.contextvars.merge_contextvars]) as logs:
            answer = await client.post(
                "/v1/debtors", json=ACME, headers=writer | {"X-Correlation-Id": "corr-500"}
            )
    finally:
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["X-Correlation-Id"] == "corr-500"
    requests = [line for line in logs if line["event"] == "request"]
    assert [(r["status"], r["correlation_id"]) for r in requests] == [(500, "corr-500")]
