"""/v1/debtors: registration, upsert by ERP id, validation, auth and tenant isolation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.api import api_client, bearer
from tests.support.harness import Backend

ACME: dict[str, Any] = {
    "erp_id": "C-1",
    "name": "Acme Widgets Ltd",
    "country": "GB",
    "currency": "GBP",
    "time_zone": "Europe/London",
    "contacts": [{"kind": "email", "value": "ap@acme.example"}],
}


@pytest.fixture
async def client(backend: Backend) -> AsyncIterator[httpx.AsyncClient]:
    async with backend.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as c:
        yield c


@pytest.fixture
def writer_a(backend: Backend) -> dict[str, str]:
    return bearer(backend.token("tenant-a", "debtors:read", "debtors:write"))


async def test_registering_a_debtor_returns_it_with_version_one(
    client: httpx.AsyncClient, writer_a: dict[str, str]
) -> None:
    response = await client.post("/v1/debtors", json=ACME, headers=writer_a)
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Acme Widgets Ltd"
    assert body["version"] == 1
    assert response.headers["Location"] == f"/v1/debtors/{body['id']}"
    read = await client.get(f"/v1/debtors/{body['id']}", headers=writer_a)
    assert read.json() == body


async def test_resending_the_same_erp_id_updates_instead_of_duplicating(
    client: httpx.AsyncClient, writer_a: dict[str, str]
) -> None:
    first = (await client.post("/v1/debtors", json=ACME, headers=writer_a)).json()
    again = await client.post("/v1/debtors", json=ACME, headers=writer_a)
    renamed = await client.post("/v1/debtors", json=ACME | {"name": "Acme Group"}, headers=writer_a)
    assert again.status_code == 200
    assert again.json()["version"] == 1
    assert renamed.json()["id"] == first["id"]
    assert renamed.json()["version"] == 2
    listed = (await client.get("/v1/debtors", headers=writer_a)).json()
    assert [d["id"] for d in listed["items"]] == [first["id"]]


async def test_invalid_debtor_gets_a_problem_naming_the_field_and_changes_nothing(
    client: httpx.AsyncClient, writer_a: dict[str, str]
) -> None:
    response = await client.post("/v1/debtors", json=ACME | {"currency": "XYZ"}, headers=writer_a)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == ["currency"]
    assert problem["status"] == 422
    assert (await client.get("/v1/debtors", headers=writer_a)).json()["items"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "ZZ"}, "country"),
        ({"currency": "XXX"}, "currency"),
        (
            {"credit_policy": {"interest": {"kind": "statutory", "jurisdiction": "XX"}}},
            "credit_policy.interest.jurisdiction",
        ),
        (
            {"credit_policy": {"interest": {"kind": "contractual"}}},
            "credit_policy.interest.annual_rate_percent",
        ),
        ({"credit_policy": {"late_fee": {"kind": "fixed"}}}, "credit_policy.late_fee.fixed"),
    ],
    ids=["country", "no-currency", "jurisdiction", "contractual-rate", "late-fee-amount"],
)
async def test_a_debtor_whose_ledger_rules_would_fail_later_is_refused_when_saved(
    client: httpx.AsyncClient, writer_a: dict[str, str], change: dict[str, Any], field: str
) -> None:
    created = await client.post("/v1/debtors", json=ACME | change, headers=writer_a)
    assert created.status_code == 422
    assert created.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in created.json()["errors"]] == [field]
    saved = (await client.post("/v1/debtors", json=ACME, headers=writer_a)).json()
    changed = await client.put(f"/v1/debtors/{saved['id']}", json=ACME | change, headers=writer_a)
    assert changed.status_code == 422
    assert [e["field"] for e in changed.json()["errors"]] == [field]
    assert (await client.get(f"/v1/debtors/{saved['id']}", headers=writer_a)).json() == saved


async def test_bad_time_zone_is_rejected_with_the_field_named(
    client: httpx.AsyncClient, writer_a: dict[str, str]
) -> None:
    response = await client.post(
        "/v1/debtors", json=ACME | {"time_zone": "Mars/Olympus"}, headers=writer_a
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "time_zone"


async def test_another_tenants_debtor_is_not_found(
    client: httpx.AsyncClient, backend: Backend, writer_a: dict[str, str]
) -> None:
    created = (await client.post("/v1/debtors", json=ACME, headers=writer_a)).json()
    tenant_b = bearer(backend.token("tenant-b", "debtors:read", "debtors:write"))
    assert (await client.get(f"/v1/debtors/{created['id']}", headers=tenant_b)).status_code == 404
    replaced = await client.put(f"/v1/debtors/{created['id']}", json=ACME, headers=tenant_b)
    assert replaced.status_code == 404
    assert (await client.get("/v1/debtors", headers=tenant_b)).json()["items"] == []
    # The same ERP id in another tenant is another debtor.
    theirs = await client.post("/v1/debtors", json=ACME, headers=tenant_b)
    assert theirs.status_code == 201
    assert theirs.json()["id"] != created["id"]


async def test_request_without_token_is_unauthorized(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/debtors")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_token_signed_by_an_unknown_key_is_unauthorized(
    client: httpx.AsyncClient, tmp_path: Any
) -> None:
    from debtflow_shared.auth import generate_key_pair, issue_token

    stranger = generate_key_pair(tmp_path / "stranger", "test-key")  # same kid, other key
    token = issue_token(stranger, tenant_id="tenant-a", scopes=["debtors:read"])
    assert (await client.get("/v1/debtors", headers=bearer(token))).status_code == 401


async def test_token_without_the_needed_scope_is_forbidden(
    client: httpx.AsyncClient, backend: Backend
) -> None:
    reader = bearer(backend.token("tenant-a", "debtors:read"))
    response = await client.post("/v1/debtors", json=ACME, headers=reader)
    assert response.status_code == 403
    assert "debtors:write" in response.json()["detail"]


async def test_debtor_list_pages_with_a_cursor(
    client: httpx.AsyncClient, writer_a: dict[str, str]
) -> None:
    for n in range(5):
        await client.post("/v1/debtors", json=ACME | {"erp_id": f"C-{n}"}, headers=writer_a)
    first = (await client.get("/v1/debtors?limit=3", headers=writer_a)).json()
    second = (
        await client.get(f"/v1/debtors?limit=3&cursor={first['next_cursor']}", headers=writer_a)
    ).json()
    assert len(first["items"]) == 3
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    ids = [d["id"] for d in first["items"] + second["items"]]
    assert len(set(ids)) == 5


async def test_debtor_list_finds_one_debtor_by_its_erp_id(
    client: httpx.AsyncClient, writer_a: dict[str, str], backend: Backend
) -> None:
    for n in range(3):
        await client.post("/v1/debtors", json=ACME | {"erp_id": f"C-{n}"}, headers=writer_a)
    found = (await client.get("/v1/debtors", params={"erp_id": "C-1"}, headers=writer_a)).json()
    assert [d["erp_id"] for d in found["items"]] == ["C-1"]
    other = bearer(backend.token("tenant-b", "debtors:read"))
    theirs = (await client.get("/v1/debtors", params={"erp_id": "C-1"}, headers=other)).json()
    assert theirs["items"] == []
