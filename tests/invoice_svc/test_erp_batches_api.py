"""/v1/batches: many rows per request, a result per row, one bad row sinks nothing."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from debtflow_shared.envelope import Envelope
from invoice_svc.adapters.credit_state_repository import CreditStateRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.adapters.payment_repository import PaymentRepository
from invoice_svc.adapters.tables import platform
from invoice_svc.domain.invoice import Invoice
from invoice_svc.domain.payment import Payment
from tests.invoice_svc.ledger_world import Ledger, money, running_ledger
from tests.support.harness import Backend
from tests.support.outbox import written as outbox_written


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


def by_debtor_erp_id(row: dict[str, Any], debtor_erp_id: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "debtor_id"} | {"debtor_erp_id": debtor_erp_id}


async def written(ledger: Ledger) -> list[Envelope]:
    """Every event the service wrote to its outbox, in order: what a batch emitted, exactly."""
    return await outbox_written(ledger.runtime, platform)


async def emitted_by(
    ledger: Ledger, batch: dict[str, Any], path: str = "/v1/batches/invoices"
) -> tuple[Any, list[Envelope]]:
    """POST a batch (invoices unless told); its body and the events it wrote (only those)."""
    before = len(await written(ledger))
    response = await ledger.post(path, batch)
    assert response.status_code == 200, response.text
    return response.json(), (await written(ledger))[before:]


def invoice_events(envelopes: list[Envelope]) -> Counter[tuple[str, str]]:
    return Counter((e.type, e.data["invoice"]["erp_id"]) for e in envelopes)


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


async def test_a_batch_row_changing_an_invoices_currency_is_refused_for_that_row(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    rows = [invoice_row(debtor, "I-1"), invoice_row(debtor, "I-2")]
    await ledger.post("/v1/batches/invoices", {"items": rows})
    rows = [rows[0] | {"amount": money(10_000, "EUR")}, rows[1] | {"amount": money(12_000)}]
    body, events = await emitted_by(ledger, {"items": rows})
    assert [r["status"] for r in body["items"]] == ["error", "updated"]
    assert [e["field"] for e in body["items"][0]["errors"]] == ["items[0].amount.currency"]
    assert invoice_events(events) == Counter({("invoice.updated", "I-2"): 1})


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


async def test_invoice_batch_of_new_unchanged_amended_and_refused_rows_emits_only_the_changes(
    ledger: Ledger,
) -> None:
    debtor, other = await ledger.debtor("C-1"), await ledger.debtor("C-2")
    rows = [invoice_row(debtor, f"I-{n}") for n in (1, 2, 3)]
    first = (await ledger.post("/v1/batches/invoices", {"items": rows})).json()
    paid = await ledger.pay(debtor, 6_000, invoice_ids=[first["items"][2]["id"]])
    assert paid.status_code == 201, paid.text
    body, events = await emitted_by(
        ledger,
        {
            "items": [
                rows[0],  # unchanged
                rows[1] | {"amount": money(12_000)},  # amended
                invoice_row(debtor, "I-4"),  # new
                rows[2] | {"amount": money(5_000)},  # refused: 6,000 was paid on it
                invoice_row(other, "I-1"),  # refused: I-1 is another debtor's
                invoice_row("no-such-debtor", "I-5"),  # refused: unknown debtor
                invoice_row(debtor, "I-6"),  # new, after the refusals
            ]
        },
    )
    assert [r["status"] for r in body["items"]] == [
        "unchanged", "updated", "created", "error", "error", "error", "created"
    ]  # fmt: skip
    assert [r["id"] for r in body["items"][:2]] == [r["id"] for r in first["items"][:2]]
    assert [[e["field"] for e in r.get("errors", [])] for r in body["items"][3:6]] == [
        ["items[3].amount"],
        ["items[4].debtor_id"],
        ["items[5].debtor_id"],
    ]
    assert (body["created"], body["updated"], body["unchanged"], body["failed"]) == (2, 1, 1, 3)
    assert invoice_events(events) == Counter(
        {("invoice.updated", "I-2"): 1, ("invoice.issued", "I-4"): 1, ("invoice.issued", "I-6"): 1}
    )
    refused = await ledger.read(f"/v1/invoices/{first['items'][2]['id']}")
    assert refused["amount"] == money(10_000)
    listed = (await ledger.get("/v1/invoices")).json()["items"]
    assert sorted(i["erp_id"] for i in listed) == ["I-1", "I-2", "I-3", "I-4", "I-6"]


async def test_a_row_repeating_an_erp_id_of_the_same_batch_amends_what_that_row_issued(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    row = invoice_row(debtor, "I-1")
    changed = row | {"amount": money(12_000)}
    body, events = await emitted_by(ledger, {"items": [row, changed, changed]})
    assert [r["status"] for r in body["items"]] == ["created", "updated", "unchanged"]
    assert len({r["id"] for r in body["items"]}) == 1
    assert [(e.type, e.data["invoice"]["version"]) for e in events] == [
        ("invoice.issued", 1),
        ("invoice.updated", 2),
    ]
    stored = await ledger.read(f"/v1/invoices/{body['items'][0]['id']}")
    assert (stored["amount"], stored["version"]) == (money(12_000), 2)


async def test_new_invoices_in_a_batch_spend_the_debtors_account_credit_oldest_row_first(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    await ledger.invoice(debtor, 10_000)
    payment = (await ledger.pay(debtor, 13_000)).json()  # 3,000 left as account credit
    rows = [invoice_row(debtor, f"I-{n}", amount=money(2_000)) for n in (1, 2, 3)]
    body = (await ledger.post("/v1/batches/invoices", {"items": rows})).json()
    issued = [await ledger.read(f"/v1/invoices/{r['id']}") for r in body["items"]]
    assert [(i["status"], i["open_balance"]["amount_minor"]) for i in issued] == [
        ("paid", 0),
        ("partially_paid", 1_000),
        ("open", 2_000),
    ]
    assert (await ledger.read(f"/v1/payments/{payment['id']}"))["unapplied"] == money(0)


async def test_a_batch_amendment_raising_an_amount_spends_account_credit(ledger: Ledger) -> None:
    debtor = await ledger.debtor("C-1")
    await ledger.post("/v1/batches/invoices", {"items": [invoice_row(debtor, "I-1")]})
    payment = (await ledger.pay(debtor, 13_000)).json()
    body, _ = await emitted_by(
        ledger,
        {
            "items": [
                invoice_row(debtor, "I-1", amount=money(11_000)),  # 1,000 more: from credit
                invoice_row(debtor, "I-2", amount=money(5_000)),  # takes the 2,000 left
            ]
        },
    )
    assert body["failed"] == 0, body
    listed = (await ledger.get("/v1/invoices", debtor_id=debtor)).json()["items"]
    assert {i["erp_id"]: i["open_balance"] for i in listed} == {
        "I-1": money(0),
        "I-2": money(3_000),
    }
    assert (await ledger.read(f"/v1/payments/{payment['id']}"))["unapplied"] == money(0)


async def test_a_batch_crossing_the_credit_limit_holds_credit_once_at_its_final_balance(
    ledger: Ledger,
) -> None:
    limit = {"credit_limit": money(10_000)}
    crossing = await ledger.debtor("C-1", credit_policy=limit)
    back_under = await ledger.debtor("C-2", credit_policy=limit)
    body, events = await emitted_by(
        ledger,
        {
            "items": [
                invoice_row(crossing, "I-1", amount=money(4_000)),
                invoice_row(crossing, "I-2", amount=money(4_000)),
                invoice_row(back_under, "I-3", amount=money(8_000)),
                invoice_row(crossing, "I-4", amount=money(4_000)),  # 12,000 > 10,000
                invoice_row(back_under, "I-5", amount=money(4_000)),  # over for a moment
                invoice_row(back_under, "I-5", amount=money(1_000)),  # 9,000: under again
            ]
        },
    )
    assert body["failed"] == 0, body
    holds = [e for e in events if e.type.startswith("debtor.credit")]
    assert [(e.type, e.data["debtor_id"], e.data["open_balance"]) for e in holds] == [
        ("debtor.credit_hold", crossing, money(12_000))
    ]
    assert holds[0].data["reason"] == "limit_exceeded"
    async with ledger.runtime.uow() as uow:
        states = CreditStateRepository(uow.session)
        held = await states.get(ledger.tenant, crossing)
        not_held = await states.get(ledger.tenant, back_under)
    assert (held.on_hold, held.held_for_limit) == (True, True)
    assert not not_held.on_hold


async def test_a_debtor_batch_lowering_a_limit_below_the_balance_holds_credit(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor("C-1", credit_policy={"credit_limit": money(20_000)})
    await ledger.invoice(debtor, 12_000)
    lowered = debtor_row("C-1", credit_policy={"credit_limit": money(10_000)})
    body, events = await emitted_by(ledger, {"items": [lowered]}, path="/v1/batches/debtors")
    assert body["updated"] == 1, body
    holds = [e for e in events if e.type == "debtor.credit_hold"]
    assert [(e.data["debtor_id"], e.data["open_balance"]) for e in holds] == [
        (debtor, money(12_000))
    ]


async def test_a_payment_batch_bringing_the_balance_under_the_limit_releases_the_hold(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor(credit_policy={"credit_limit": money(10_000)})
    await ledger.invoice(debtor, 12_000)  # held
    before = len(await written(ledger))
    rows = [
        {"erp_id": f"P-{n}", "debtor_id": debtor, "amount": money(2_000), "received_on": d}
        for n, d in ((1, "2026-03-02"), (2, "2026-03-03"))
    ]
    body = (await ledger.post("/v1/batches/payments", {"items": rows})).json()
    assert [r["status"] for r in body["items"]] == ["created", "created"]
    released = [e for e in (await written(ledger))[before:] if e.type.startswith("debtor.credit")]
    assert [(e.type, e.data["open_balance"]) for e in released] == [
        ("debtor.credit_released", money(8_000))
    ]


async def test_invoice_and_payment_rows_may_name_the_debtor_by_its_erp_id(ledger: Ledger) -> None:
    debtor = await ledger.debtor("C-1")
    invoices = (
        await ledger.post(
            "/v1/batches/invoices",
            {"items": [by_debtor_erp_id(invoice_row(debtor, "I-1"), "C-1")]},
        )
    ).json()
    payment = {"erp_id": "P-1", "debtor_erp_id": "C-1", "amount": money(4_000)}
    payments = (
        await ledger.post(
            "/v1/batches/payments", {"items": [payment | {"received_on": "2026-03-02"}]}
        )
    ).json()
    assert [invoices["created"], payments["created"]] == [1, 1]
    issued = await ledger.read(f"/v1/invoices/{invoices['items'][0]['id']}")
    assert issued["debtor_id"] == debtor
    assert issued["open_balance"] == money(6_000)
    recorded = await ledger.read(f"/v1/payments/{payments['items'][0]['id']}")
    assert recorded["debtor_id"] == debtor


async def test_an_unknown_debtor_erp_id_is_refused_for_its_row_only(ledger: Ledger) -> None:
    debtor = await ledger.debtor("C-1")
    rows = [
        by_debtor_erp_id(invoice_row(debtor, "I-1"), "C-404"),
        by_debtor_erp_id(invoice_row(debtor, "I-2"), "C-1"),
    ]
    body = (await ledger.post("/v1/batches/invoices", {"items": rows})).json()
    assert [r["status"] for r in body["items"]] == ["error", "created"]
    assert [e["field"] for e in body["items"][0]["errors"]] == ["items[0].debtor_erp_id"]
    payment = {"debtor_erp_id": "C-404", "amount": money(1_000), "received_on": "2026-03-02"}
    paid = (await ledger.post("/v1/batches/payments", {"items": [payment]})).json()
    assert [e["field"] for e in paid["items"][0]["errors"]] == ["items[0].debtor_erp_id"]


async def test_a_row_naming_its_debtor_both_ways_or_not_at_all_is_invalid(ledger: Ledger) -> None:
    debtor = await ledger.debtor("C-1")
    both = invoice_row(debtor, "I-1") | {"debtor_erp_id": "C-1"}
    neither = by_debtor_erp_id(invoice_row(debtor, "I-2"), "C-1")
    del neither["debtor_erp_id"]
    body = (await ledger.post("/v1/batches/invoices", {"items": [both, neither]})).json()
    assert [[e["field"] for e in r["errors"]] for r in body["items"]] == [
        ["items[0].debtor_erp_id"],
        ["items[1].debtor_id"],
    ]
    assert (await ledger.get("/v1/invoices")).json()["items"] == []


async def test_single_invoice_and_payment_may_name_the_debtor_by_its_erp_id(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor("C-1")
    row = by_debtor_erp_id(invoice_row(debtor, "I-1"), "C-1")
    issued = await ledger.post("/v1/invoices", row)
    assert issued.status_code == 201, issued.text
    assert issued.json()["debtor_id"] == debtor
    payment = {"debtor_erp_id": "C-1", "amount": money(1_000), "received_on": "2026-03-02"}
    paid = await ledger.post("/v1/payments", payment)
    assert paid.status_code == 201, paid.text
    assert paid.json()["debtor_id"] == debtor
    unknown = await ledger.post("/v1/invoices", by_debtor_erp_id(row, "C-404"))
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["debtor_erp_id"]
    both = await ledger.post("/v1/invoices", row | {"debtor_id": debtor})
    assert both.status_code == 422
    assert [e["field"] for e in both.json()["errors"]] == ["debtor_erp_id"]


async def test_debtor_batch_row_repeating_an_erp_id_updates_the_debtor_it_registered(
    ledger: Ledger,
) -> None:
    renamed = debtor_row("C-1", name="Renamed Ltd")
    body = (
        await ledger.post("/v1/batches/debtors", {"items": [debtor_row("C-1"), renamed, renamed]})
    ).json()
    assert [r["status"] for r in body["items"]] == ["created", "updated", "unchanged"]
    assert len({r["id"] for r in body["items"]}) == 1
    stored = await ledger.read(f"/v1/debtors/{body['items'][0]['id']}")
    assert (stored["name"], stored["version"]) == ("Renamed Ltd", 2)
    upserts = [e for e in await written(ledger) if e.type == "debtor.upserted"]
    assert [e.data["version"] for e in upserts] == [1, 2]


async def test_payment_row_repeating_an_erp_id_of_the_same_batch_is_unchanged(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    await ledger.invoice(debtor, 10_000)
    row = {"erp_id": "P-1", "debtor_id": debtor, "amount": money(4_000)}
    row["received_on"] = "2026-03-02"
    body = (await ledger.post("/v1/batches/payments", {"items": [row, row]})).json()
    assert [r["status"] for r in body["items"]] == ["created", "unchanged"]
    assert body["items"][0]["id"] == body["items"][1]["id"]
    assert [e.type for e in await written(ledger)].count("payment.received") == 1


async def test_concurrent_batches_over_the_same_debtors_both_complete(ledger: Ledger) -> None:
    debtors = [await ledger.debtor(f"C-{n}") for n in range(4)]
    forward = [invoice_row(d, f"F-{n}") for n, d in enumerate(debtors * 3)]
    backward = [invoice_row(d, f"B-{n}") for n, d in enumerate(reversed(debtors * 3))]
    responses = await asyncio.gather(
        ledger.post("/v1/batches/invoices", {"items": forward}),
        ledger.post("/v1/batches/invoices", {"items": backward}),
    )
    assert [r.status_code for r in responses] == [200, 200]
    assert [r.json()["created"] for r in responses] == [12, 12]


async def test_a_payment_row_failing_after_paying_its_invoice_publishes_nothing_for_it(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    add = PaymentRepository.add

    async def not_together(self: PaymentRepository, new: Sequence[Payment]) -> set[str]:
        raise RuntimeError("the chunk's insert failed")

    async def not_p2(self: PaymentRepository, payment: Payment) -> bool:
        if payment.details.erp_id == "P-2":
            raise RuntimeError("this one cannot be stored")
        return await add(self, payment)

    monkeypatch.setattr(PaymentRepository, "add_many", not_together)
    monkeypatch.setattr(PaymentRepository, "add", not_p2)
    debtor = await ledger.debtor()
    kept = await ledger.invoice(debtor, 10_000, erp_id="I-1", number="I-1")
    untouched = await ledger.invoice(debtor, 10_000, erp_id="I-2", number="I-2")

    def row(erp_id: str, amount_minor: int, invoice: dict[str, Any]) -> dict[str, Any]:
        return {
            "erp_id": erp_id,
            "debtor_id": debtor,
            "amount": money(amount_minor),
            "received_on": "2026-03-02",
            "invoice_ids": [invoice["id"]],
        }

    # P-2 pays I-2 in full (its invoice.paid is raised and tracked), then cannot be stored.
    body, events = await emitted_by(
        ledger,
        {"items": [row("P-1", 4_000, kept), row("P-2", 10_000, untouched)]},
        "/v1/batches/payments",
    )
    assert [r["status"] for r in body["items"]] == ["created", "error"]
    assert "nothing of it was written" in body["items"][1]["errors"][0]["message"]
    assert (await ledger.read(f"/v1/invoices/{untouched['id']}"))["open_balance"] == money(10_000)
    assert (await ledger.read(f"/v1/invoices/{kept['id']}"))["open_balance"] == money(6_000)
    about_i2 = [e.type for e in events if (e.data.get("invoice") or {}).get("erp_id") == "I-2"]
    assert about_i2 == []
    assert [e.data["erp_id"] for e in events if e.type == "payment.received"] == ["P-1"]


async def test_an_invoice_row_failing_deep_inside_is_refused_alone_and_the_rest_commit(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    add = InvoiceRepository.add

    async def not_together(self: InvoiceRepository, new: Sequence[Invoice]) -> int:
        raise RuntimeError("the chunk's insert failed")

    async def not_i2_or_i3(self: InvoiceRepository, invoice: Invoice) -> bool:
        if invoice.erp_id in {"I-2", "I-3"}:
            raise RuntimeError("this one cannot be stored")
        return await add(self, invoice)

    monkeypatch.setattr(InvoiceRepository, "add_many", not_together)
    monkeypatch.setattr(InvoiceRepository, "add", not_i2_or_i3)
    debtor = await ledger.debtor()
    body, events = await emitted_by(
        ledger,
        {
            "items": [
                invoice_row(debtor, "I-1"),
                invoice_row(debtor, "I-2"),
                invoice_row(debtor, "I-3", amount=money(20_000)),
                invoice_row(debtor, "I-4"),
            ]
        },
    )
    assert [r["status"] for r in body["items"]] == ["created", "error", "error", "created"]
    listed = (await ledger.get("/v1/invoices")).json()["items"]
    assert sorted(i["erp_id"] for i in listed) == ["I-1", "I-4"]
    assert invoice_events(events) == Counter(
        {("invoice.issued", "I-1"): 1, ("invoice.issued", "I-4"): 1}
    )
