"""A retried REST write with the same Idempotency-Key returns the first result, once: keyed
on the authenticated caller, after the scope check, committed with the write it answers."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from debtflow_shared.auth import issue_token
from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.http.idempotency import FAULT_HEADER, KILL_AFTER_COMMIT, KILL_BEFORE_COMMIT
from debtflow_shared.service import ServiceRuntime
from debtflow_shared.settings import ServiceSettings
from invoice_svc.adapters.tables import platform
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.service_layer import payments as payment_use_cases
from invoice_svc.settings import InvoiceSettings
from tests.support.api import api_client, bearer
from tests.support.harness import Backend, eventually
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


# -- keyed on the authenticated caller, after authorisation ---------------------------------

WRITER = ("debtors:read", "debtors:write", "invoices:read", "payments:write")


def _as(backend: Backend, key: str, *scopes: str, subject: str = "operator") -> dict[str, str]:
    backend.verifier()
    assert backend.signing_key is not None
    token = issue_token(backend.signing_key, tenant_id="tenant-a", scopes=scopes, subject=subject)
    return bearer(token) | {"Idempotency-Key": key}


async def _debtor(client: httpx.AsyncClient, backend: Backend) -> str:
    created = await client.post("/v1/debtors", json=ACME, headers=_as(backend, "d", *WRITER))
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _payment(debtor_id: str) -> dict[str, Any]:
    return {
        "debtor_id": debtor_id,
        "amount": {"amount_minor": 4_000, "currency": "GBP"},
        "received_on": "2026-03-02",
    }


async def _payments(client: httpx.AsyncClient, backend: Backend, debtor_id: str) -> list[Any]:
    listed = await client.get(
        "/v1/payments", params={"debtor_id": debtor_id}, headers=_as(backend, "-", *WRITER)
    )
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


async def test_a_lowercase_bearer_scheme_replays_the_payment_instead_of_booking_it_twice(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    debtor = await _debtor(client, backend)
    headers = _as(backend, "pay-1", *WRITER)
    headers["Authorization"] = headers["Authorization"].replace("Bearer ", "bearer ")
    first = await client.post("/v1/payments", json=_payment(debtor), headers=headers)
    retry = await client.post("/v1/payments", json=_payment(debtor), headers=headers)
    assert first.status_code == retry.status_code == 201, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert len(await _payments(client, backend, debtor)) == 1


async def test_a_replay_is_refused_to_a_token_without_the_write_scope(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    debtor = await _debtor(client, backend)
    written = await client.post(
        "/v1/payments", json=_payment(debtor), headers=_as(backend, "pay-2", *WRITER)
    )
    assert written.status_code == 201
    reader = await client.post(
        "/v1/payments", json=_payment(debtor), headers=_as(backend, "pay-2", "notifications:read")
    )
    assert reader.status_code == 403
    assert "Idempotent-Replayed" not in reader.headers


async def test_a_forbidden_answer_is_not_stored_for_the_properly_scoped_writer(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    debtor = await _debtor(client, backend)
    refused = await client.post(
        "/v1/payments", json=_payment(debtor), headers=_as(backend, "pay-3", "invoices:read")
    )
    assert refused.status_code == 403
    written = await client.post(
        "/v1/payments", json=_payment(debtor), headers=_as(backend, "pay-3", *WRITER)
    )
    assert written.status_code == 201, written.text
    assert "Idempotent-Replayed" not in written.headers


async def test_keys_are_per_token_subject_within_a_tenant(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    debtor = await _debtor(client, backend)
    for subject in ("erp-connector", "finance-desk"):
        headers = _as(backend, "pay-4", *WRITER, subject=subject)
        answer = await client.post("/v1/payments", json=_payment(debtor), headers=headers)
        assert answer.status_code == 201, answer.text
        assert "Idempotent-Replayed" not in answer.headers
    assert len(await _payments(client, backend, debtor)) == 2


async def test_a_server_error_leaves_the_key_free_for_the_retry(
    backend: Backend, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    debtor = await _debtor(client, backend)
    record = payment_use_cases.record_payment

    async def fails_after_the_write(*args: Any, **kwargs: Any) -> Any:
        await record(*args, **kwargs)
        raise RuntimeError("the route failed after its use case committed")

    monkeypatch.setattr(payment_use_cases, "record_payment", fails_after_the_write)
    headers = _as(backend, "pay-5", *WRITER)
    failed = await client.post("/v1/payments", json=_payment(debtor), headers=headers)
    assert failed.status_code == 500
    monkeypatch.setattr(payment_use_cases, "record_payment", record)
    retry = await client.post("/v1/payments", json=_payment(debtor), headers=headers)
    assert retry.status_code == 201, retry.text
    assert "Idempotent-Replayed" not in retry.headers
    assert len(await _payments(client, backend, debtor)) == 1  # the failed one rolled back


async def test_a_replayed_error_keeps_its_problem_content_type(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    body = _payment("no-such-debtor")
    headers = _as(backend, "pay-6", *WRITER)
    first = await client.post("/v1/payments", json=body, headers=headers)
    retry = await client.post("/v1/payments", json=body, headers=headers)
    assert first.status_code == retry.status_code == 422, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.headers["content-type"] == "application/problem+json"
    assert retry.json() == first.json()


async def test_concurrent_requests_with_one_key_book_one_payment(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    debtor = await _debtor(client, backend)
    headers = _as(backend, "pay-7", *WRITER)
    answers = await asyncio.gather(
        *(client.post("/v1/payments", json=_payment(debtor), headers=headers) for _ in range(3))
    )
    assert [a.status_code for a in answers] == [201, 201, 201], [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert len(await _payments(client, backend, debtor)) == 1


# -- a crash between the commit and the answer ------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(settings: ServiceSettings, port: int) -> dict[str, str]:
    """What ``python -m invoice_svc`` needs to serve ``settings``'s database on ``port``."""
    platform_settings = settings.platform
    values = {
        "DEBTFLOW_ENV": "test",
        "DEBTFLOW_BUS": platform_settings.bus.value,
        "DEBTFLOW_DATA_DIR": str(platform_settings.data_dir),
        "DEBTFLOW_AUTH_PUBLIC_KEYS_DIR": str(platform_settings.keys_dir),
        "DEBTFLOW_KAFKA_BOOTSTRAP_SERVERS": platform_settings.kafka_bootstrap_servers,
        "DEBTFLOW_KAFKA_TOPIC_PREFIX": platform_settings.kafka_topic_prefix,
        "DEBTFLOW_LOG_JSON": "false",
        "DEBTFLOW_FAULT_INJECTION": "true",
        "INVOICE_HTTP_HOST": "127.0.0.1",
        "INVOICE_HTTP_PORT": str(port),
        "INVOICE_DATABASE_SCHEMA": settings.database_schema,
    }
    if settings.database_url:
        values["INVOICE_DATABASE_URL"] = settings.database_url
    return os.environ | values


async def _killed_mid_payment(backend: Backend, fault: str, headers: dict[str, str]) -> str:
    """Record a debtor, then send a payment to a service process the fault kills."""
    async with (
        backend.service(INVOICE, InvoiceSettings, relay=False) as runtime,
        api_client(runtime) as client,
    ):
        debtor = await _debtor(client, backend)
    port = _free_port()
    settings = backend.settings(InvoiceSettings, "invoice")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "invoice_svc",
        env=_environment(settings, port),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as remote:

            async def serving() -> bool:
                try:
                    return (await remote.get("/healthz")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(serving, within=60, message="the service process never served")
            with pytest.raises(httpx.TransportError):
                await remote.post(
                    "/v1/payments", json=_payment(debtor), headers=headers | {FAULT_HEADER: fault}
                )
        assert await asyncio.wait_for(process.wait(), timeout=30) == -signal.SIGKILL
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return debtor


async def test_a_payment_committed_just_before_a_kill_is_replayed_not_booked_again(
    backend: Backend,
) -> None:
    headers = _as(backend, "pay-kill-1", *WRITER)
    debtor = await _killed_mid_payment(backend, KILL_AFTER_COMMIT, headers)
    async with (
        backend.service(INVOICE, InvoiceSettings) as restarted,
        api_client(restarted) as client,
    ):
        retry = await client.post("/v1/payments", json=_payment(debtor), headers=headers)
        booked = await _payments(client, backend, debtor)
    assert retry.status_code == 201, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert [p["id"] for p in booked] == [retry.json()["id"]]


async def test_a_payment_killed_before_its_commit_runs_again_on_the_retry_at_once(
    backend: Backend,
) -> None:
    headers = _as(backend, "pay-kill-2", *WRITER)
    debtor = await _killed_mid_payment(backend, KILL_BEFORE_COMMIT, headers)
    async with (
        backend.service(INVOICE, InvoiceSettings) as restarted,
        api_client(restarted) as client,
    ):
        retry = await client.post("/v1/payments", json=_payment(debtor), headers=headers)
        booked = await _payments(client, backend, debtor)
    assert retry.status_code == 201, retry.text  # not 409 "still running": nothing runs
    assert "Idempotent-Replayed" not in retry.headers
    assert [p["id"] for p in booked] == [retry.json()["id"]]


async def test_a_batch_of_several_commits_replays_its_whole_answer(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    rows = [ACME | {"erp_id": f"C-{n}", "name": f"Debtor {n}"} for n in range(501)]  # 2 chunks
    headers = _as(backend, "batch-1", *WRITER)
    first = await client.post("/v1/batches/debtors", json={"items": rows}, headers=headers)
    retry = await client.post("/v1/batches/debtors", json={"items": rows}, headers=headers)
    assert first.status_code == retry.status_code == 200, retry.text[:300]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert {item["status"] for item in first.json()["items"]} == {"created"}
