"""/v1/batches: many rows per request, a result per row, one bad row sinks nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.invoice_svc.ledger_world import Ledger, money, running_ledger
from tests.support.harness import Backend


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with running_ledger(backend) as world:
        yield world


def debtor_row(erp_id: str, **fields: Any) -> dict[str, Any]:
    return {"erp_id": erp_id, "name": f"Debtor {erp_id}", "country": "GB", "currency": "GBP"} | (
        fields
    )


def invoice_row(debtor_id: str, erp_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "erp_id": erp_id,
        "debtor_id": debtor_id,
        "number": erp_id,
        "issue_date": "2026-03-01",
        "due_date": "2026-03-31",
        "amount": money(10_000),
    } | fields


async def test_debtor_batch_reports_bad_rows_by_field_and_stores_the_good_ones(
    ledger: Ledger,
) -> None:
    response = await ledger.post(
        "/v1/batches/debtors",
        {
            "items": [
                debtor_row("C-1"),
                debtor_row("C-2", currency="XXQ"),
                "not an object",
                debtor_row("C-3"),
            ]
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [r["status"] for r in body["items"]] == ["created", "error", "error", "created"]
    assert [e["field"] for e in body["items"][1]["errors"]] == ["items[1].currency"]
    assert body["items"][2]["errors"][0]["field"] == "items[2]"
    assert (body["created"], body["failed"]) == (2, 2)
    stored = (await ledger.get("/v1/debtors")).json()["items"]
    assert sorted(d["erp_id"] for d in stored) == ["C-1", "C-3"]
    assert (await ledger.read(f"/v1/debtors/{body['items'][3]['id']}"))["erp_id"] == "C-3"


async def test_invoice_batch_reports_ledger_refusals_per_row(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    response = await ledger.post(
        "/v1/batches/invoices",
        {
            "items": [
                invoice_row(debtor, "I-1"),
                invoice_row("no-such-debtor", "I-2"),
                invoice_row(debtor, "I-3", amount=money(-5)),
                invoice_row(debtor, "I-4", issue_date="2026-02-30"),
                invoice_row(debtor, "I-5"),
            ]
        },
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [r["status"] for r in items] == ["created", "error", "error", "error", "created"]
    assert [[e["field"] for e in r.get("errors", [])] for r in items] == [
        [],
        ["items[1].debtor_id"],
        ["items[2].amount.amount_minor"],
        ["items[3].issue_date"],
        [],
    ]
    listed = (await ledger.get("/v1/invoices")).json()["items"]
    assert sorted(i["erp_id"] for i in listed) == ["I-1", "I-5"]


async def test_resent_batch_is_unchanged_and_a_changed_row_is_updated(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    rows = [invoice_row(debtor, f"I-{n}") for n in range(3)]
    first = (await ledger.post("/v1/batches/invoices", {"items": rows})).json()
    rows[1] = rows[1] | {"amount": money(12_000)}
    again = (await ledger.post("/v1/batches/invoices", {"items": rows})).json()
    assert [r["status"] for r in again["items"]] == ["unchanged", "updated", "unchanged"]
    assert [r["id"] for r in again["items"]] == [r["id"] for r in first["items"]]
    assert len((await ledger.get("/v1/invoices")).json()["items"]) == 3


async def test_payment_batch_records_once_per_erp_id(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000, erp_id="I-1")
    row = {
        "erp_id": "P-1",
        "debtor_id": debtor,
        "amount": money(4_000),
        "received_on": "2026-03-02",
        "invoice_ids": [invoice["id"]],
    }
    bad = row | {"erp_id": "P-2", "amount": money(1_000, "EUR")}
    first = (await ledger.post("/v1/batches/payments", {"items": [row, bad]})).json()
    again = (await ledger.post("/v1/batches/payments", {"items": [row]})).json()
    assert [r["status"] for r in first["items"]] == ["created", "error"]
    assert first["items"][1]["errors"][0]["field"].startswith("items[1].")
    assert again["items"][0] == {"index": 0, "status": "unchanged", "id": first["items"][0]["id"]}
    stored = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert stored["open_balance"] == money(6_000)


async def test_more_than_ten_thousand_items_are_refused_naming_items(ledger: Ledger) -> None:
    response = await ledger.post("/v1/batches/debtors", {"items": [{}] * 10_001})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["items"]
    assert (await ledger.get("/v1/debtors")).json()["items"] == []


async def test_batches_see_only_the_callers_tenant(ledger: Ledger, backend: Backend) -> None:
    debtor_a = await ledger.debtor("C-1")
    other = ledger.as_tenant(backend, "tenant-b")
    created = (await other.post("/v1/batches/debtors", {"items": [debtor_row("C-1")]})).json()
    invoices = (
        await other.post("/v1/batches/invoices", {"items": [invoice_row(debtor_a, "I-1")]})
    ).json()
    assert created["items"][0]["status"] == "created"
    assert created["items"][0]["id"] != debtor_a
    assert invoices["items"][0]["errors"][0]["field"] == "items[0].debtor_id"
    assert len((await ledger.get("/v1/debtors")).json()["items"]) == 1
    assert (await ledger.get("/v1/invoices")).json()["items"] == []
