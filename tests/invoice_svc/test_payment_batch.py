"""A payment batch's chunk allocates in memory and writes together; a row failing anywhere
is still refused alone, on both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from debtflow_shared.envelope import Envelope
from invoice_svc.adapters.payment_repository import PaymentRepository
from invoice_svc.adapters.tables import platform
from invoice_svc.domain.payment import Payment
from tests.invoice_svc.ledger_world import Ledger, money, running_ledger
from tests.support.harness import Backend
from tests.support.outbox import written

FAILING_AMOUNT = 1_234


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with running_ledger(backend) as world:
        yield world


def payment_row(debtor_id: str, erp_id: str, amount_minor: int) -> dict[str, Any]:
    return {
        "erp_id": erp_id,
        "debtor_id": debtor_id,
        "amount": money(amount_minor),
        "received_on": "2026-03-02",
    }


async def batch(ledger: Ledger, rows: list[dict[str, Any]]) -> tuple[Any, list[Envelope]]:
    before = len(await written(ledger.runtime, platform))
    response = await ledger.post("/v1/batches/payments", {"items": rows})
    assert response.status_code == 200, response.text
    return response.json(), (await written(ledger.runtime, platform))[before:]


def received(events: list[Envelope]) -> list[str]:
    return [e.data["erp_id"] for e in events if e.type == "payment.received"]


async def test_a_row_failing_after_paying_in_memory_is_refused_alone_and_the_next_pays_on(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000, erp_id="I-1")
    allocations_of = Payment._allocations_of

    def failing(self: Payment, invoices: Sequence[Any]) -> Any:
        if self.details.amount_minor == FAILING_AMOUNT:  # after the invoice took the money
            raise RuntimeError("deep inside")
        return allocations_of(self, invoices)

    monkeypatch.setattr(Payment, "_allocations_of", failing)
    rows = [
        payment_row(debtor, "P-1", 4_000),
        payment_row(debtor, "P-2", FAILING_AMOUNT),
        payment_row(debtor, "P-3", 3_000),
    ]
    body, events = await batch(ledger, rows)
    assert [r["status"] for r in body["items"]] == ["created", "error", "created"]
    assert "nothing of it was written" in body["items"][1]["errors"][0]["message"]
    assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["open_balance"] == money(3_000)
    assert received(events) == ["P-1", "P-3"]
    paid_amounts = [e.data["amount"] for e in events if e.type == "payment.received"]
    assert paid_amounts == [money(4_000), money(3_000)]


async def test_a_chunk_whose_writes_fail_together_records_its_rows_one_by_one(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000, erp_id="I-1")
    add = PaymentRepository.add

    async def refused_together(self: PaymentRepository, new: Sequence[Payment]) -> set[str]:
        raise RuntimeError("the chunk's insert failed")

    async def refused_alone(self: PaymentRepository, payment: Payment) -> bool:
        if payment.details.erp_id == "P-2":
            raise RuntimeError("this one cannot be stored")
        return await add(self, payment)

    monkeypatch.setattr(PaymentRepository, "add_many", refused_together)
    monkeypatch.setattr(PaymentRepository, "add", refused_alone)
    rows = [payment_row(debtor, f"P-{n}", 2_000) for n in (1, 2, 3)]
    body, events = await batch(ledger, rows)
    assert [r["status"] for r in body["items"]] == ["created", "error", "created"]
    assert "nothing of it was written" in body["items"][1]["errors"][0]["message"]
    assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["open_balance"] == money(6_000)
    assert received(events) == ["P-1", "P-3"]
    listed = (await ledger.get("/v1/payments", debtor_id=debtor)).json()["items"]
    assert sorted(p["id"] for p in listed) == sorted(
        body["items"][i]["id"] for i in (0, 2)
    )  # the ids the batch reported


async def test_payments_of_one_debtor_in_a_batch_pay_its_invoices_oldest_first(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    older = await ledger.invoice(debtor, 5_000, erp_id="I-1", due_date="2026-03-20")
    newer = await ledger.invoice(debtor, 5_000, erp_id="I-2", due_date="2026-03-31")
    rows = [payment_row(debtor, "P-1", 4_000), payment_row(debtor, "P-2", 4_000)]
    body, events = await batch(ledger, rows)
    assert [r["status"] for r in body["items"]] == ["created", "created"]
    assert (await ledger.read(f"/v1/invoices/{older['id']}"))["status"] == "paid"
    assert (await ledger.read(f"/v1/invoices/{newer['id']}"))["open_balance"] == money(2_000)
    assert [e.type for e in events if e.type.startswith(("invoice.", "payment."))] == [
        "payment.received",
        "invoice.paid",
        "payment.received",
    ]


async def test_a_chunks_payments_pay_every_invoice_they_cover_oldest_first_before_any_credit(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    issued = [
        await ledger.invoice(debtor, 1_000, due=f"2026-03-{10 + n}", erp_id=f"I-{n}")
        for n in range(5)
    ]
    rows = [payment_row(debtor, "P-1", 2_500), payment_row(debtor, "P-2", 2_000)]
    body, _ = await batch(ledger, rows)
    assert [r["status"] for r in body["items"]] == ["created", "created"]
    open_after = [
        (await ledger.read(f"/v1/invoices/{i['id']}"))["open_balance"]["amount_minor"]
        for i in issued
    ]
    assert open_after == [0, 0, 0, 0, 500]
    second = await ledger.read(f"/v1/payments/{body['items'][1]['id']}")
    assert second["unapplied"] == money(0)


async def test_a_batch_payment_in_a_currency_the_debtor_does_not_owe_names_what_it_owes(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    await ledger.invoice(debtor, 1_000, erp_id="I-GBP")
    await ledger.invoice(debtor, 1_000, currency="EUR", erp_id="I-EUR")
    row = payment_row(debtor, "P-1", 500) | {"amount": money(500, "USD")}
    body, _ = await batch(ledger, [row])
    [refused] = body["items"]
    assert refused["status"] == "error"
    assert "EUR, GBP" in refused["errors"][0]["message"]
