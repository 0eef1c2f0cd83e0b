"""Tenant isolation on every invoice-svc endpoint, checked route by route.

Tenant B, holding every scope, aims each endpoint at tenant A's data. A's ids are unknown to
B (404), A's debtors cannot be named in B's writes (refused), and B's tenant-wide writes
(settings, profile, rates) stay B's. Afterwards A's data is exactly as it was. A route added
without a case here fails the completeness test, so isolation is decided for each new route.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Literal

import pytest
from fastapi.routing import APIRoute

from invoice_svc.bootstrap import DEFINITION as INVOICE
from tests.invoice_svc.ledger_world import SCOPES, Ledger, money, running_ledger
from tests.support.api import bearer
from tests.support.harness import Backend

Expect = Literal["not_found", "refused", "own"]
DEBTOR_BODY = {"erp_id": "C-9", "name": "Debtor C-9", "country": "GB", "currency": "GBP"}
RATE = {"series": "GB", "effective_from": "2031-01-02", "rate_percent": "9.5", "source": "tenant B"}


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # the route's template; {ids} are tenant A's
    expect: Expect
    body: dict[str, Any] | None = None
    params: dict[str, str] | None = None


def cases(a: dict[str, str]) -> list[Case]:
    invoice_body = {
        "debtor_id": a["debtor_id"],
        "number": "B-1",
        "issue_date": "2026-03-01",
        "amount": money(1_000),
    }
    payment_body = {"debtor_id": a["debtor_id"], "amount": money(100), "received_on": "2026-03-02"}
    return [
        Case("POST", "/debtors", "own", DEBTOR_BODY),
        Case("GET", "/debtors/{debtor_id}", "not_found"),
        Case("PUT", "/debtors/{debtor_id}", "not_found", DEBTOR_BODY),
        Case("GET", "/debtors", "own"),
        Case("POST", "/invoices", "refused", invoice_body),
        Case("GET", "/invoices/{invoice_id}", "not_found"),
        Case("GET", "/invoices", "own", params={"debtor_id": a["debtor_id"]}),
        Case(
            "POST",
            "/invoices/{invoice_id}/credit-notes",
            "not_found",
            {"amount": money(100), "reason": "B"},
        ),
        Case("POST", "/invoices/{invoice_id}/cancel", "not_found", {"reason": "B"}),
        Case("POST", "/invoices/{invoice_id}/write-off", "not_found", {"reason": "B"}),
        Case("POST", "/payments", "refused", payment_body),
        Case("GET", "/payments/{payment_id}", "not_found"),
        Case("GET", "/payments", "own", params={"debtor_id": a["debtor_id"]}),
        Case("POST", "/payments/{payment_id}/reverse", "not_found", {"reason": "bounced"}),
        Case("PUT", "/creditor-profile", "own", PROFILE),
        Case("GET", "/creditor-profile", "own"),
        Case("GET", "/reference-rates/{series}", "own"),
        Case("POST", "/reference-rates", "own", RATE),
        Case("GET", "/reference-rates/{series}/checked-through", "own"),
        Case(
            "PUT",
            "/reference-rates/{series}/checked-through",
            "own",
            {"checked_through": "2026-03-01", "source": "tenant B"},
        ),
        Case("GET", "/debtors/{debtor_id}/statement", "not_found"),
        Case("GET", "/debtors/{debtor_id}/statement.pdf", "not_found"),
        Case("POST", "/batches/debtors", "own", {"items": [DEBTOR_BODY | {"erp_id": "C-8"}]}),
        Case("POST", "/batches/invoices", "refused", {"items": [invoice_body]}),
        Case("POST", "/batches/payments", "refused", {"items": [payment_body]}),
        Case(
            "POST",
            "/invoices/{invoice_id}/disputes",
            "not_found",
            {"reason": "B", "raised_by": "b@example.com"},
        ),
        Case("POST", "/disputes/{dispute_id}/resolve", "not_found", {"outcome": "upheld"}),
        Case("GET", "/disputes/{dispute_id}", "not_found"),
        Case("GET", "/disputes", "not_found", params={"invoice_id": a["invoice_id"]}),
        Case(
            "GET",
            "/invoices/{invoice_id}/interest-quote",
            "not_found",
            params={"as_of": "2026-03-02"},
        ),
        Case("GET", "/invoices/{invoice_id}/charges", "not_found"),
        Case("GET", "/ledger-settings", "own"),
        Case("PUT", "/ledger-settings", "own", {"allocation_order": "charges_first"}),
    ]


PROFILE = {
    "legal_name": "Tenant B Ltd",
    "address": {"lines": ["1 B Street"], "postcode": "B1 1BB", "city": "Bath", "country": "GB"},
}


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with running_ledger(backend) as world:
        yield world


async def tenant_a_world(ledger: Ledger) -> dict[str, str]:
    debtor = await ledger.debtor("C-1")
    invoice = await ledger.invoice(debtor, 10_000, due="2026-02-27", issued="2026-02-01")
    disputed = await ledger.invoice(debtor, 5_000, due="2026-03-31", number="D-1")
    payment = (await ledger.pay(debtor, 1_000, invoice_ids=[invoice["id"]])).json()
    dispute = await ledger.post(
        f"/v1/invoices/{disputed['id']}/disputes", {"reason": "A", "raised_by": "a@example.com"}
    )
    assert dispute.status_code == 201, dispute.text
    return {
        "debtor_id": debtor,
        "invoice_id": invoice["id"],
        "payment_id": payment["id"],
        "dispute_id": dispute.json()["id"],
        "series": "GB",
    }


async def snapshot(ledger: Ledger, a: dict[str, str]) -> list[Any]:
    """Everything tenant A can read about its data."""
    paths = [
        f"/v1/debtors/{a['debtor_id']}",
        f"/v1/invoices/{a['invoice_id']}",
        f"/v1/payments/{a['payment_id']}",
        f"/v1/disputes/{a['dispute_id']}",
        f"/v1/debtors/{a['debtor_id']}/statement",
        "/v1/reference-rates/GB",
        "/v1/reference-rates/GB/checked-through",
        "/v1/ledger-settings",
        "/v1/debtors",
    ]
    reads = [await ledger.get(path) for path in paths]
    reads.append(await ledger.get("/v1/invoices", debtor_id=a["debtor_id"]))
    return [(r.status_code, r.json()) for r in reads]


def test_every_route_has_an_isolation_case() -> None:
    routes = {
        (method, route.path)
        for router in INVOICE.routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    placeholder = dict.fromkeys(["debtor_id", "invoice_id"], "x")
    covered = {(case.method, case.path) for case in cases(placeholder)}
    assert routes == covered


async def test_tenant_b_cannot_read_or_change_tenant_a_through_any_route(
    ledger: Ledger, backend: Backend
) -> None:
    a = await tenant_a_world(ledger)
    before = await snapshot(ledger, a)
    b_headers = bearer(backend.token("tenant-b", *SCOPES, "admin"))
    for case in cases(a):
        path = "/v1" + case.path.format(**a)
        response = await ledger.client.request(
            case.method, path, json=case.body, params=case.params, headers=b_headers
        )
        where = f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
        if case.expect == "not_found":
            assert response.status_code == 404, where
            assert response.headers["content-type"].startswith("application/problem+json"), where
        elif case.expect == "refused":
            refused = response.status_code == 422 or _every_row_failed(response.json())
            assert refused, where
        else:
            assert response.status_code < 300, where
            assert a["debtor_id"] not in response.text, where
    assert await snapshot(ledger, a) == before


def _every_row_failed(body: dict[str, Any]) -> bool:
    results = body.get("items", [])
    return bool(results) and all(r["status"] == "error" for r in results)
