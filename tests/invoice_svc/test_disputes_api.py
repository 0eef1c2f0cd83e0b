"""Disputes: collection pauses; upheld credits the disputed amount, rejected resumes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from invoice_svc.service_layer.overdue_sweeper import SweepResult, sweep_once
from tests.invoice_svc.escalation_world import command, ledger_with_commands
from tests.invoice_svc.ledger_world import Ledger, money
from tests.support.harness import Backend, eventually

DISPUTE = {"reason": "two pallets arrived damaged", "raised_by": "accounts@acme.example"}


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with ledger_with_commands(backend) as world:
        yield world


async def test_opening_a_dispute_pauses_collection_of_the_open_balance(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("invoice.disputed") as seen:
        invoice = await ledger.invoice(await ledger.debtor(), 10_000)
        await ledger.add_charge(invoice["id"], 500)
        response = await ledger.post(f"/v1/invoices/{invoice['id']}/disputes", DISPUTE)
        await eventually(lambda: len(seen.messages) == 1)
    assert response.status_code == 201, response.text
    assert response.json()["disputed_amount"] == money(10_500)
    assert response.json()["status"] == "open"
    assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["status"] == "disputed"
    event = seen.envelopes()[0].data
    assert event["dispute_id"] == response.json()["id"]
    assert event["invoice"]["status"] == "disputed"


async def test_upheld_dispute_credits_the_disputed_amount_and_resumes_collection(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("invoice.credited", "invoice.dispute_resolved") as seen:
        invoice = await ledger.invoice(await ledger.debtor(), 10_000)
        opened = await ledger.post(
            f"/v1/invoices/{invoice['id']}/disputes", DISPUTE | {"disputed_amount": money(2_500)}
        )
        resolved = await ledger.post(
            f"/v1/disputes/{opened.json()['id']}/resolve", {"outcome": "upheld"}
        )
        await eventually(lambda: len(seen.messages) == 2)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "upheld"
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert (after["status"], after["principal_open"]) == ("open", money(7_500))
    # Two topics: Kafka keeps no order between them, so pick each event by its type.
    by_type = {e.type: e.data for e in seen.envelopes()}
    credited, closed = by_type["invoice.credited"], by_type["invoice.dispute_resolved"]
    assert credited["amount"] == money(2_500)
    assert (closed["outcome"], closed["credited"]) == ("upheld", money(2_500))


async def test_rejected_dispute_on_a_past_due_invoice_is_announced_overdue_again(
    ledger: Ledger, backend: Backend
) -> None:
    invoice = await ledger.invoice(
        await ledger.debtor(), 10_000, due="2026-02-20", issued="2026-01-20"
    )
    assert (await sweep_once(ledger.runtime)).overdue == 1
    opened = await ledger.post(f"/v1/invoices/{invoice['id']}/disputes", DISPUTE)
    assert await sweep_once(ledger.runtime) == SweepResult()  # paused while disputed
    resolved = await ledger.post(
        f"/v1/disputes/{opened.json()['id']}/resolve", {"outcome": "rejected", "note": "no"}
    )
    assert resolved.json()["status"] == "rejected"
    assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["status"] == "open"
    assert (await sweep_once(ledger.runtime)).overdue == 1


async def test_a_second_open_dispute_on_the_same_invoice_is_refused(ledger: Ledger) -> None:
    invoice = await ledger.invoice(await ledger.debtor(), 10_000)
    first = await ledger.post(f"/v1/invoices/{invoice['id']}/disputes", DISPUTE)
    second = await ledger.post(f"/v1/invoices/{invoice['id']}/disputes", DISPUTE)
    assert first.status_code == 201
    assert second.status_code == 409, second.text
    listed = (await ledger.get("/v1/disputes", invoice_id=invoice["id"])).json()
    assert [d["id"] for d in listed["items"]] == [first.json()["id"]]


async def test_resolving_a_resolved_dispute_is_refused(ledger: Ledger) -> None:
    invoice = await ledger.invoice(await ledger.debtor(), 10_000)
    opened = await ledger.post(f"/v1/invoices/{invoice['id']}/disputes", DISPUTE)
    path = f"/v1/disputes/{opened.json()['id']}/resolve"
    assert (await ledger.post(path, {"outcome": "rejected"})).status_code == 200
    assert (await ledger.post(path, {"outcome": "upheld"})).status_code == 409


async def test_dispute_requested_twice_opens_one_dispute(ledger: Ledger, backend: Backend) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    marker = await ledger.invoice(debtor, 5_000)  # disputed last: all before it are handled
    request = {"request_id": "case-1/dispute", "invoice_id": invoice["id"]} | DISPUTE
    async with backend.probe("invoice.disputed") as seen:
        await backend.raw_publish(
            [
                command("dispute.requested", request, debtor),
                command("dispute.requested", request, debtor),
                command(
                    "dispute.requested",
                    request | {"request_id": "case-1/marker", "invoice_id": marker["id"]},
                    debtor,
                ),
            ]
        )
        await eventually(lambda: len(seen.messages) == 2)
    listed = (await ledger.get("/v1/disputes", invoice_id=invoice["id"])).json()
    assert [d["request_id"] for d in listed["items"]] == ["case-1/dispute"]
    assert [e.data["invoice"]["invoice_id"] for e in seen.envelopes()] == [
        invoice["id"],
        marker["id"],
    ]


async def test_disputes_of_another_tenant_are_not_found(ledger: Ledger, backend: Backend) -> None:
    invoice = await ledger.invoice(await ledger.debtor(), 10_000)
    opened = (await ledger.post(f"/v1/invoices/{invoice['id']}/disputes", DISPUTE)).json()
    other = ledger.as_tenant(backend, "tenant-b")
    responses = [
        await other.get(f"/v1/disputes/{opened['id']}"),
        await other.get("/v1/disputes", invoice_id=invoice["id"]),
        await other.post(f"/v1/disputes/{opened['id']}/resolve", {"outcome": "upheld"}),
        await other.post(f"/v1/invoices/{invoice['id']}/disputes", DISPUTE),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert (await ledger.read(f"/v1/disputes/{opened['id']}"))["status"] == "open"
