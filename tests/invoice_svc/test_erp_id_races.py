"""Two requests creating the same ERP id at once (PostgreSQL: real concurrent transactions).

The first request holds its insert uncommitted while the second arrives; the second must
end as a clean answer, never a 500 from the unique index: the same debtor is updated, and
an invoice or payment id already taken by another debtor is a 409 naming the field.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Any

import httpx
import pytest

from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.domain.debtor import DebtorProfile
from invoice_svc.domain.payment import PaymentDetails
from invoice_svc.service_layer.debtors import upsert_debtor_in
from invoice_svc.service_layer.invoices import IssueInvoice, issue_invoice_in
from invoice_svc.service_layer.payments import RecordPayment, record_payment_in
from tests.invoice_svc.ledger_world import Ledger, money, running_ledger
from tests.support.harness import Backend


@pytest.fixture
async def ledger(infra: Backend) -> AsyncIterator[Ledger]:
    async with running_ledger(infra) as world:
        yield world


async def while_uncommitted(
    ledger: Ledger, write: Any, request: Awaitable[httpx.Response]
) -> tuple[Any, httpx.Response]:
    """Run ``write`` in a transaction, send ``request`` while it is open, then commit."""
    async with ledger.runtime.uow() as uow:
        written = await write(uow)
        pending = asyncio.ensure_future(request)
        await asyncio.sleep(0.5)
        assert not pending.done(), "the request should wait for the open transaction"
        await uow.commit()
    return written, await pending


def issuing_inv_x_for(ledger: Ledger, debtor_id: str) -> Callable[[UnitOfWork], Awaitable[None]]:
    """A write issuing invoice ``INV-X`` to ``debtor_id``, for :func:`while_uncommitted`."""
    command = IssueInvoice(
        debtor_id=debtor_id,
        number="X-1",
        currency="GBP",
        issue_date=date(2026, 3, 1),
        amount_minor=5_000,
        erp_id="INV-X",
    )

    async def issue(uow: UnitOfWork) -> None:
        await issue_invoice_in(uow, ledger.tenant, command)

    return issue


async def test_two_first_registrations_of_one_erp_debtor_make_one_debtor(ledger: Ledger) -> None:
    profile = DebtorProfile(name="Debtor C-1", country="GB", currency="GBP", erp_id="C-1")

    async def register(uow: UnitOfWork) -> str:
        return (await upsert_debtor_in(uow, ledger.tenant, profile)).debtor.id

    first_id, second = await while_uncommitted(
        ledger,
        register,
        ledger.post(
            "/v1/debtors",
            {"erp_id": "C-1", "name": "Debtor C-1 Ltd", "country": "GB", "currency": "GBP"},
        ),
    )
    assert second.status_code == 200, second.text
    assert second.json()["id"] == first_id
    assert second.json()["name"] == "Debtor C-1 Ltd"
    listed = (await ledger.get("/v1/debtors")).json()["items"]
    assert [d["id"] for d in listed] == [first_id]


async def test_an_invoice_erp_id_taken_meanwhile_by_another_debtor_is_a_conflict(
    ledger: Ledger,
) -> None:
    first, other = await ledger.debtor("C-1"), await ledger.debtor("C-2")
    issue = issuing_inv_x_for(ledger, other)
    body = {
        "debtor_id": first,
        "erp_id": "INV-X",
        "number": "X-1",
        "issue_date": "2026-03-01",
        "amount": money(5_000),
    }
    _, response = await while_uncommitted(ledger, issue, ledger.post("/v1/invoices", body))
    assert response.status_code == 409, response.text
    assert response.json()["errors"][0]["field"] == "debtor_id"
    assert (await ledger.get("/v1/invoices", debtor_id=first)).json()["items"] == []


async def test_a_payment_erp_id_recorded_meanwhile_for_another_debtor_is_a_conflict(
    ledger: Ledger,
) -> None:
    first, other = await ledger.debtor("C-1"), await ledger.debtor("C-2")
    await ledger.invoice(first, 5_000)
    details = PaymentDetails(
        amount_minor=1_000, currency="GBP", received_on=date(2026, 3, 2), erp_id="PAY-X"
    )

    async def record(uow: UnitOfWork) -> None:
        await record_payment_in(uow, ledger.tenant, RecordPayment(other, details))

    request = ledger.pay(first, 1_000, erp_id="PAY-X")
    _, response = await while_uncommitted(ledger, record, request)
    assert response.status_code == 409, response.text
    assert response.json()["errors"][0]["field"] == "erp_id"
    assert (await ledger.get("/v1/payments", debtor_id=first)).json()["items"] == []


async def test_a_batch_debtor_registered_meanwhile_is_updated_not_a_failed_chunk(
    ledger: Ledger,
) -> None:
    profile = DebtorProfile(name="Debtor C-1", country="GB", currency="GBP", erp_id="C-1")

    async def register(uow: UnitOfWork) -> str:
        return (await upsert_debtor_in(uow, ledger.tenant, profile)).debtor.id

    rows = [
        {"erp_id": "C-1", "name": "Debtor C-1 Ltd", "country": "GB", "currency": "GBP"},
        {"erp_id": "C-2", "name": "Debtor C-2", "country": "GB", "currency": "GBP"},
    ]
    first_id, response = await while_uncommitted(
        ledger, register, ledger.post("/v1/batches/debtors", {"items": rows})
    )
    assert response.status_code == 200, response.text
    results = response.json()["items"]
    assert [(r["status"], r["id"] == first_id) for r in results] == [
        ("updated", True),
        ("created", False),
    ]
    listed = (await ledger.get("/v1/debtors", erp_id="C-1")).json()["items"]
    assert [(d["id"], d["name"]) for d in listed] == [(first_id, "Debtor C-1 Ltd")]


async def test_a_batch_invoice_erp_id_taken_meanwhile_by_another_debtor_fails_that_row_only(
    ledger: Ledger,
) -> None:
    first, other = await ledger.debtor("C-1"), await ledger.debtor("C-2")
    issue = issuing_inv_x_for(ledger, other)

    def row(erp_id: str) -> dict[str, Any]:
        return {
            "debtor_id": first,
            "erp_id": erp_id,
            "number": erp_id,
            "issue_date": "2026-03-01",
            "amount": money(5_000),
        }

    batch = {"items": [row("INV-X"), row("INV-Y")]}
    _, response = await while_uncommitted(ledger, issue, ledger.post("/v1/batches/invoices", batch))
    assert response.status_code == 200, response.text
    taken, fine = response.json()["items"]
    assert (taken["status"], taken["errors"][0]["field"]) == ("error", "items[0].debtor_id")
    assert fine["status"] == "created"
    mine = (await ledger.get("/v1/invoices", debtor_id=first)).json()["items"]
    assert [i["erp_id"] for i in mine] == ["INV-Y"]


async def test_a_race_found_while_a_later_row_reads_its_erp_id_again_reads_the_chunk_again(
    ledger: Ledger,
) -> None:
    first, other = await ledger.debtor("C-1"), await ledger.debtor("C-2")
    issue = issuing_inv_x_for(ledger, other)

    def row(amount_minor: int) -> dict[str, Any]:
        return {
            "debtor_id": first,
            "erp_id": "INV-X",
            "number": "X-1",
            "issue_date": "2026-03-01",
            "amount": money(amount_minor),
        }

    # The second row repeats the first's ERP id: the chunk inserts the first to read it back,
    # and finds the id taken meanwhile (not a failure of that row: the chunk is read again).
    batch = {"items": [row(5_000), row(6_000)]}
    _, response = await while_uncommitted(ledger, issue, ledger.post("/v1/batches/invoices", batch))
    assert response.status_code == 200, response.text
    assert [(r["status"], r["errors"][0]["field"]) for r in response.json()["items"]] == [
        ("error", "items[0].debtor_id"),
        ("error", "items[1].debtor_id"),
    ]
