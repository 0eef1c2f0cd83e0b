"""/v1/payments: allocation, account credit, reversal, currency rules, idempotency, isolation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from invoice_svc.adapters.tables import platform
from tests.invoice_svc.ledger_world import Ledger, money, running_ledger
from tests.support.harness import Backend, eventually
from tests.support.outbox import written_types


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with running_ledger(backend) as world:
        yield world


async def test_partial_payment_leaves_the_invoice_partially_paid(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    response = await ledger.pay(debtor, 4_000)
    assert response.status_code == 201, response.text
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert after["status"] == "partially_paid"
    assert after["principal_open"] == money(6_000)
    assert after["version"] == 2
    assert response.json()["unapplied"] == money(0)


async def test_payment_of_the_full_balance_marks_the_invoice_paid(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    await ledger.pay(debtor, 4_000)
    await ledger.pay(debtor, 6_000)
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert after["status"] == "paid"
    assert after["open_balance"] == money(0)


async def test_overpayment_becomes_account_credit_used_on_the_next_invoice(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    await ledger.invoice(debtor, 10_000)
    payment = (await ledger.pay(debtor, 13_000)).json()
    assert payment["unapplied"] == money(3_000)
    later = await ledger.invoice(debtor, 5_000, due="2026-04-30")
    assert later["principal_open"] == money(2_000)
    assert later["status"] == "partially_paid"
    spent = await ledger.read(f"/v1/payments/{payment['id']}")
    assert spent["unapplied"] == money(0)
    assert {a["invoice_id"] for a in spent["allocations"]} >= {later["id"]}


async def test_credit_spent_on_a_new_invoice_names_the_payment_it_came_from(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("invoice.updated") as seen:
        debtor = await ledger.debtor()
        await ledger.invoice(debtor, 10_000)
        payment = (await ledger.pay(debtor, 13_000)).json()
        later = await ledger.invoice(debtor, 5_000, due="2026-04-30")
        await eventually(lambda: len(seen.messages) == 1)
    update = seen.envelopes()[0].data
    assert update["invoice"]["invoice_id"] == later["id"]
    assert update["credit_spent"] == {
        "payment_id": payment["id"],
        "principal": money(3_000),
        "charges": money(0),
    }


async def test_an_amendment_raising_the_amount_is_paid_from_account_credit_first(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000, erp_id="INV-1", number="A")
    payment = (await ledger.pay(debtor, 13_000)).json()
    assert payment["unapplied"] == money(3_000)
    amended = (await ledger.invoice_upsert(debtor, invoice, amount_minor=12_000)).json()
    assert (amended["status"], amended["open_balance"]) == ("paid", money(0))
    assert (await ledger.read(f"/v1/payments/{payment['id']}"))["unapplied"] == money(1_000)
    reversed_ = await ledger.post(f"/v1/payments/{payment['id']}/reverse", {"reason": "bounced"})
    assert reversed_.status_code == 200, reversed_.text
    reopened = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert reopened["open_balance"] == money(12_000)


async def test_payment_without_named_invoices_pays_the_oldest_due_first(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    newer = await ledger.invoice(debtor, 5_000, due="2026-04-30")
    older = await ledger.invoice(debtor, 5_000, due="2026-03-15")
    payment = (await ledger.pay(debtor, 6_000)).json()
    assert [a["invoice_id"] for a in payment["allocations"]] == [older["id"], newer["id"]]
    assert (await ledger.read(f"/v1/invoices/{older['id']}"))["status"] == "paid"
    assert (await ledger.read(f"/v1/invoices/{newer['id']}"))["principal_open"] == money(4_000)


async def test_payment_naming_an_invoice_pays_that_one_even_if_another_is_older(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    older = await ledger.invoice(debtor, 5_000, due="2026-03-15")
    named = await ledger.invoice(debtor, 5_000, due="2026-04-30")
    await ledger.pay(debtor, 5_000, invoice_ids=[named["id"]])
    assert (await ledger.read(f"/v1/invoices/{named['id']}"))["status"] == "paid"
    assert (await ledger.read(f"/v1/invoices/{older['id']}"))["status"] == "open"


async def test_payment_covers_principal_before_charges(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    await ledger.add_charge(invoice["id"], 1_500)
    payment = (await ledger.pay(debtor, 10_500)).json()
    assert payment["allocations"][0]["principal"] == money(10_000)
    assert payment["allocations"][0]["charges"] == money(500)
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert after["principal_open"] == money(0)
    assert after["charges_open"] == money(1_000)
    assert after["status"] == "partially_paid"


async def test_payment_received_lists_allocations_with_each_invoices_state(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("payment.received") as seen:
        debtor = await ledger.debtor()
        first = await ledger.invoice(debtor, 5_000, due="2026-03-15")
        second = await ledger.invoice(debtor, 5_000, due="2026-04-15")
        await ledger.pay(debtor, 7_000)
        await eventually(lambda: len(seen.messages) == 1)
    data = seen.envelopes()[0].data
    states = {a["invoice_id"]: a["invoice"]["status"] for a in data["allocations"]}
    assert states == {first["id"]: "paid", second["id"]: "partially_paid"}
    assert data["unapplied"] == money(0)


async def test_reversal_reopens_the_invoices_and_emits_payment_reversed(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("payment.reversed") as seen:
        debtor = await ledger.debtor()
        invoice = await ledger.invoice(debtor, 10_000)
        payment = (await ledger.pay(debtor, 10_000)).json()
        reversed_ = await ledger.post(
            f"/v1/payments/{payment['id']}/reverse", {"reason": "bounced"}
        )
        assert reversed_.status_code == 200, reversed_.text
        await eventually(lambda: len(seen.messages) == 1)
    assert reversed_.json()["status"] == "reversed"
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert after["status"] == "open"
    assert after["principal_open"] == money(10_000)
    reopened = seen.envelopes()[0].data["reopened"]
    assert [(r["invoice_id"], r["invoice"]["status"]) for r in reopened] == [
        (invoice["id"], "open")
    ]


async def test_reversal_takes_back_the_credit_the_payment_left(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    payment = (await ledger.pay(debtor, 3_000)).json()
    assert payment["unapplied"] == money(3_000)
    await ledger.post(f"/v1/payments/{payment['id']}/reverse", {"reason": "chargeback"})
    later = await ledger.invoice(debtor, 5_000)
    assert later["principal_open"] == money(5_000)


async def test_reversing_twice_is_a_conflict(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    await ledger.invoice(debtor, 10_000)
    payment = (await ledger.pay(debtor, 10_000)).json()
    await ledger.post(f"/v1/payments/{payment['id']}/reverse", {"reason": "bounced"})
    again = await ledger.post(f"/v1/payments/{payment['id']}/reverse", {"reason": "bounced"})
    assert again.status_code == 409


async def test_payment_in_another_currency_than_the_named_invoice_is_rejected(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    response = await ledger.pay(debtor, 10_000, currency="EUR", invoice_ids=[invoice["id"]])
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/currency-mismatch")
    assert response.json()["errors"][0]["field"] == "invoice_ids[0]"
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert after["principal_open"] == money(10_000)
    assert after["version"] == 1
    assert (await ledger.get("/v1/payments", debtor_id=debtor)).json()["items"] == []


async def test_payment_in_a_currency_the_debtor_neither_owes_nor_uses_is_rejected(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    await ledger.invoice(debtor, 10_000)
    response = await ledger.pay(debtor, 10_000, currency="USD")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount.currency"


async def test_same_payment_erp_id_twice_records_one_payment(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    first = await ledger.pay(debtor, 4_000, erp_id="PAY-1")
    again = await ledger.pay(debtor, 4_000, erp_id="PAY-1")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["principal_open"] == money(6_000)
    assert (await written_types(ledger.runtime, platform)).count("payment.received") == 1


async def test_same_payment_erp_id_with_other_content_is_a_conflict(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    await ledger.pay(debtor, 4_000, erp_id="PAY-1")
    other = await ledger.pay(debtor, 5_000, erp_id="PAY-1")
    assert other.status_code == 409
    assert other.json()["errors"][0]["field"] == "erp_id"


async def test_crossing_the_credit_limit_holds_credit_once_and_payment_releases_it(
    ledger: Ledger, backend: Backend
) -> None:
    limit = {"credit_limit": money(10_000)}
    async with backend.probe("debtor.credit_hold", "debtor.credit_released") as seen:
        debtor = await ledger.debtor(credit_policy=limit)
        await ledger.invoice(debtor, 8_000, due="2026-03-15")
        await ledger.invoice(debtor, 4_000, due="2026-03-20")  # 12,000 > 10,000: hold
        await ledger.invoice(debtor, 1_000, due="2026-03-25")  # still over: no second hold
        await ledger.pay(debtor, 5_000)  # 8,000: release
        await eventually(lambda: len(seen.messages) == 2)
    # Two topics: Kafka orders each, not the pair, so compare as a set.
    by_type = {e.type: e.data for e in seen.envelopes()}
    assert by_type["debtor.credit_hold"]["reason"] == "limit_exceeded"
    assert by_type["debtor.credit_hold"]["open_balance"] == money(12_000)
    assert by_type["debtor.credit_released"]["open_balance"] == money(8_000)


async def test_lowering_the_credit_limit_below_the_balance_holds_and_raising_it_releases(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("debtor.credit_hold", "debtor.credit_released") as seen:
        debtor = await ledger.debtor(credit_policy={"credit_limit": money(20_000)})
        await ledger.invoice(debtor, 12_000, due="2026-03-15")
        # ERP upsert with a lower limit: 12,000 > 10,000, no invoice moved.
        await ledger.debtor(credit_policy={"credit_limit": money(10_000)})
        await eventually(lambda: len(seen.messages) == 1)
        profile = await ledger.read(f"/v1/debtors/{debtor}")
        body = {k: profile[k] for k in ("erp_id", "name", "country", "currency", "time_zone")}
        raised = await ledger.client.put(
            f"/v1/debtors/{debtor}",
            json=body | {"credit_policy": {"credit_limit": money(15_000)}},
            headers=ledger.headers,
        )
        assert raised.status_code == 200, raised.text
        await eventually(lambda: len(seen.messages) == 2)
    by_type = {e.type: e.data for e in seen.envelopes()}
    assert by_type["debtor.credit_hold"]["open_balance"] == money(12_000)
    assert by_type["debtor.credit_released"]["open_balance"] == money(12_000)


async def test_payment_for_an_unknown_debtor_names_the_field(ledger: Ledger) -> None:
    response = await ledger.pay("no-such-debtor", 1_000)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "debtor_id"


async def test_zero_payment_is_rejected_naming_the_amount(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    response = await ledger.pay(debtor, 0)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount.amount_minor"


async def test_another_tenants_payments_are_not_found(ledger: Ledger, backend: Backend) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    payment = (await ledger.pay(debtor, 1_000)).json()
    other = ledger.as_tenant(backend, "tenant-b")
    assert (await other.get(f"/v1/payments/{payment['id']}")).status_code == 404
    reverse = await other.post(f"/v1/payments/{payment['id']}/reverse", {"reason": "x"})
    assert reverse.status_code == 404
    assert (await other.get("/v1/payments", debtor_id=debtor)).json()["items"] == []
    # Paying into another tenant's debtor or invoice finds neither.
    assert (await other.pay(debtor, 1_000)).json()["errors"][0]["field"] == "debtor_id"
    own = await other.debtor()
    named = await other.pay(own, 1_000, invoice_ids=[invoice["id"]])
    assert named.status_code == 422
    assert named.json()["errors"][0]["field"] == "invoice_ids[0]"
    assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["principal_open"] == money(9_000)


async def test_payment_list_pages_with_a_cursor(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    for n in range(3):
        await ledger.pay(debtor, 100 + n)
    first = (await ledger.get("/v1/payments", debtor_id=debtor, limit=2)).json()
    second = (
        await ledger.get("/v1/payments", debtor_id=debtor, limit=2, cursor=first["next_cursor"])
    ).json()
    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None
