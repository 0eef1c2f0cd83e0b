"""/v1/creditor-profile: set by an admin, read by users, published for notify-svc."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.api import api_client, bearer
from tests.support.harness import Backend, eventually

PROFILE: dict[str, Any] = {
    "legal_name": "Widget Supplies Ltd",
    "address": {
        "lines": ["1 High Street"],
        "postcode": "LS1 1AA",
        "city": "Leeds",
        "country": "GB",
    },
    "bank_accounts": [
        {
            "account_name": "Widget Supplies Ltd",
            "sort_code": "12-34-56",
            "account_number": "12345678",
        }
    ],
    "pay_link": "https://pay.example.com/widget",
    "dispute_email": "credit-control@widget.example",
}


@pytest.fixture
async def client(backend: Backend) -> AsyncIterator[httpx.AsyncClient]:
    async with backend.service(INVOICE, InvoiceSettings) as invoice, api_client(invoice) as c:
        yield c


async def test_setting_the_profile_publishes_it_once_per_change(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    admin = bearer(backend.token("tenant-a", "admin"))
    async with backend.probe("creditor.profile_updated") as seen:
        first = await client.put("/v1/creditor-profile", json=PROFILE, headers=admin)
        same = await client.put("/v1/creditor-profile", json=PROFILE, headers=admin)
        moved = await client.put(
            "/v1/creditor-profile", headers=admin, json=PROFILE | {"legal_name": "Widget Group Ltd"}
        )
        await eventually(lambda: len(seen.messages) == 2)
    assert [first.json()["version"], same.json()["version"], moved.json()["version"]] == [1, 1, 2]
    published = seen.envelopes()
    assert [e.data["legal_name"] for e in published] == ["Widget Supplies Ltd", "Widget Group Ltd"]
    assert all(e.tenantid == "tenant-a" for e in published)


async def test_profile_is_read_per_tenant(backend: Backend, client: httpx.AsyncClient) -> None:
    await client.put(
        "/v1/creditor-profile", json=PROFILE, headers=bearer(backend.token("tenant-a", "admin"))
    )
    reader_a = bearer(backend.token("tenant-a", "invoices:read"))
    reader_b = bearer(backend.token("tenant-b", "invoices:read"))
    assert (await client.get("/v1/creditor-profile", headers=reader_a)).json()["legal_name"] == (
        "Widget Supplies Ltd"
    )
    assert (await client.get("/v1/creditor-profile", headers=reader_b)).status_code == 404


async def test_only_an_admin_sets_the_profile(backend: Backend, client: httpx.AsyncClient) -> None:
    writer = bearer(backend.token("tenant-a", "invoices:write"))
    assert (
        await client.put("/v1/creditor-profile", json=PROFILE, headers=writer)
    ).status_code == 403


async def test_profile_without_an_address_is_rejected_naming_the_field(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    admin = bearer(backend.token("tenant-a", "admin"))
    body = {k: v for k, v in PROFILE.items() if k != "address"}
    response = await client.put("/v1/creditor-profile", json=body, headers=admin)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["address"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"legal_name": "Widget\u0000Ltd"}, "legal_name"),
        ({"legal_name": "   "}, "legal_name"),
        ({"registration_numbers": {"vat": "GB1\u00002"}}, "registration_numbers.vat"),
        ({"registration_numbers": {f"k{n}": "1" for n in range(11)}}, "registration_numbers"),
        ({"dispute_email": "a\u0000b@widget.example"}, "dispute_email"),
        ({"dispute_phone": "+44\u0000"}, "dispute_phone"),
    ],
    ids=["nul-name", "blank-name", "nul-number", "eleven-numbers", "nul-email", "nul-phone"],
)
async def test_profile_text_with_control_characters_or_no_bound_is_refused_naming_it(
    backend: Backend, client: httpx.AsyncClient, change: dict[str, Any], field: str
) -> None:
    admin = bearer(backend.token("tenant-a", "admin"))
    response = await client.put("/v1/creditor-profile", json=PROFILE | change, headers=admin)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert (await client.get("/v1/creditor-profile", headers=admin)).status_code == 404
