"""/v1/invoices: issue and ERP upsert, amendments, credit notes, cancel, write-off, listing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from invoice_svc.adapters.tables import platform
from invoice_svc.service_layer.overdue_sweeper import sweep_once
from tests.invoice_svc.ledger_world import Ledger, money, running_ledger
from tests.support.harness import Backend, eventually
from tests.support.outbox import written_types


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with running_ledger(backend) as world:
        yield world


async def test_issuing_an_invoice_returns_it_open_with_version_one(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 12_500, erp_id="INV-1")
    assert invoice["status"] == "open"
    assert invoice["version"] == 1
    assert invoice["principal_open"] == money(12_500)
    assert await ledger.read(f"/v1/invoices/{invoice['id']}") == invoice


async def test_due_date_defaults_from_the_debtors_payment_terms(ledger: Ledger) -> None:
    debtor = await ledger.debtor(credit_policy={"payment_terms_days": 14})
    body = {
        "debtor_id": debtor,
        "number": "N-1",
        "issue_date": "2026-03-01",
        "amount": money(1_000),
    }
    response = await ledger.post("/v1/invoices", body)
    assert response.status_code == 201
    assert response.json()["due_date"] == "2026-03-15"


async def test_resending_the_same_erp_invoice_changes_nothing_and_emits_once(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    first = await ledger.invoice(debtor, 10_000, erp_id="INV-1")
    again = await ledger.post(
        "/v1/invoices",
        {
            "debtor_id": debtor,
            "erp_id": "INV-1",
            "number": first["number"],
            "issue_date": first["issue_date"],
            "due_date": first["due_date"],
            "amount": money(10_000),
        },
    )
    assert again.status_code == 200
    assert again.json() == first
    emitted = await written_types(ledger.runtime, platform)
    assert [t for t in emitted if t.startswith("invoice.")] == ["invoice.issued"]
    assert len((await ledger.get("/v1/invoices")).json()["items"]) == 1


async def test_erp_amendment_moves_the_open_principal_by_the_same_delta(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("invoice.updated") as seen:
        debtor = await ledger.debtor()
        invoice = await ledger.invoice(debtor, 10_000, erp_id="INV-1", number="A")
        await ledger.pay(debtor, 4_000)
        amended = await ledger.invoice_upsert(debtor, invoice, amount_minor=12_000)
        await eventually(lambda: len(seen.messages) == 1)
    assert amended.status_code == 200
    assert amended.json()["principal_open"] == money(8_000)
    assert amended.json()["version"] == 3
    assert seen.envelopes()[0].data["changed"] == ["amount_minor"]


async def test_amendment_raising_a_paid_overdue_invoice_announces_it_overdue_again(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("invoice.overdue") as seen:
        debtor = await ledger.debtor()
        invoice = await ledger.invoice(
            debtor, 10_000, due="2026-02-20", issued="2026-02-01", erp_id="INV-1", number="A"
        )
        await sweep_once(ledger.runtime)
        await eventually(lambda: len(seen.messages) == 1)
        await ledger.pay(debtor, 10_000)
        amended = await ledger.invoice_upsert(debtor, invoice, amount_minor=12_000)
        assert amended.json()["status"] == "partially_paid"
        await sweep_once(ledger.runtime)
        await eventually(lambda: len(seen.messages) == 2)
    versions = [e.data["invoice"]["version"] for e in seen.envelopes()]
    assert versions == [1, 3]


async def test_amending_the_amount_below_what_was_paid_is_rejected(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000, erp_id="INV-1", number="A")
    await ledger.pay(debtor, 6_000)
    response = await ledger.invoice_upsert(debtor, invoice, amount_minor=5_000)
    assert response.status_code == 422
    assert response.json()["type"].endswith("/amount-below-paid")
    assert response.json()["errors"][0]["field"] == "amount"
    assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["amount"] == money(10_000)


@pytest.mark.parametrize("paid", [0, 6_000], ids=["unpaid", "partly-paid"])
async def test_an_amendment_changing_the_currency_is_refused_paid_or_not(
    ledger: Ledger, paid: int
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000, erp_id="INV-1", number="A")
    if paid:
        assert (await ledger.pay(debtor, paid)).status_code == 201
    response = await ledger.invoice_upsert(debtor, invoice, amount=money(10_000, "EUR"))
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/currency-fixed")
    assert [e["field"] for e in response.json()["errors"]] == ["amount.currency"]
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert (after["amount"], after["version"]) == (money(10_000), invoice["version"] + bool(paid))


async def test_an_invoice_in_no_currency_is_refused_naming_the_currency(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    body = {"debtor_id": debtor, "number": "1", "issue_date": "2026-03-01"}
    response = await ledger.post("/v1/invoices", body | {"amount": money(100, "XXX")})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["amount.currency"]


def _lines(*amounts: int) -> list[dict[str, object]]:
    return [{"description": f"line {n}", "amount_minor": a} for n, a in enumerate(amounts)]


@pytest.mark.parametrize(
    "lines",
    [_lines(6_000, 3_000), _lines(*([20] * 501))],
    ids=["not-adding-up", "more-than-500"],
)
async def test_invoice_lines_must_add_up_to_the_amount_and_number_at_most_500(
    ledger: Ledger, lines: list[dict[str, object]]
) -> None:
    debtor = await ledger.debtor()
    body = {"debtor_id": debtor, "number": "1", "issue_date": "2026-03-01", "lines": lines}
    response = await ledger.post("/v1/invoices", body | {"amount": money(10_000)})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["lines"]
    assert (await ledger.get("/v1/invoices")).json()["items"] == []


async def test_invoice_lines_with_tax_and_a_discount_adding_up_are_kept_as_sent(
    ledger: Ledger,
) -> None:
    lines = _lines(9_000, 1_800, -800)
    invoice = await ledger.invoice(await ledger.debtor(), 10_000, lines=lines)
    assert [line["amount_minor"] for line in invoice["lines"]] == [9_000, 1_800, -800]


async def test_credit_note_reduces_the_principal_and_emits_invoice_credited(
    ledger: Ledger, backend: Backend
) -> None:
    async with backend.probe("invoice.credited") as seen:
        debtor = await ledger.debtor()
        invoice = await ledger.invoice(debtor, 10_000)
        response = await ledger.post(
            f"/v1/invoices/{invoice['id']}/credit-notes",
            {"amount": money(2_500), "reason": "damaged goods"},
        )
        await eventually(lambda: len(seen.messages) == 1)
    assert response.status_code == 200, response.text
    assert response.json()["amount"] == money(7_500)
    assert response.json()["principal_open"] == money(7_500)
    assert seen.envelopes()[0].data["amount"] == money(2_500)


async def test_credit_note_larger_than_the_open_principal_is_rejected(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 1_000)
    response = await ledger.post(
        f"/v1/invoices/{invoice['id']}/credit-notes", {"amount": money(1_001), "reason": "x"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"


async def test_cancelled_invoice_leaves_collection(ledger: Ledger, backend: Backend) -> None:
    async with backend.probe("invoice.cancelled") as seen:
        debtor = await ledger.debtor()
        invoice = await ledger.invoice(debtor, 1_000)
        response = await ledger.post(f"/v1/invoices/{invoice['id']}/cancel", {"reason": "dup"})
        await eventually(lambda: len(seen.messages) == 1)
    assert response.json()["status"] == "cancelled"
    assert response.json()["open_balance"] == money(0)
    again = await ledger.post(f"/v1/invoices/{invoice['id']}/cancel", {"reason": "dup"})
    assert again.status_code == 409


async def test_write_off_reports_what_was_written_off(ledger: Ledger, backend: Backend) -> None:
    async with backend.probe("invoice.written_off") as seen:
        debtor = await ledger.debtor()
        invoice = await ledger.invoice(debtor, 10_000)
        await ledger.pay(debtor, 3_000)
        response = await ledger.post(
            f"/v1/invoices/{invoice['id']}/write-off", {"reason": "insolvent"}
        )
        await eventually(lambda: len(seen.messages) == 1)
    assert response.json()["status"] == "written_off"
    assert seen.envelopes()[0].data["amount"] == money(7_000)


async def test_invoice_for_an_unknown_debtor_names_the_field(ledger: Ledger) -> None:
    response = await ledger.post(
        "/v1/invoices",
        {"debtor_id": "nobody", "number": "1", "issue_date": "2026-03-01", "amount": money(1)},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "debtor_id"


async def test_due_date_before_the_issue_date_is_rejected(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    body = {
        "debtor_id": debtor,
        "number": "1",
        "issue_date": "2026-03-01",
        "due_date": "2026-02-01",
        "amount": money(1),
    }
    response = await ledger.post("/v1/invoices", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "due_date"


async def test_invoice_list_filters_by_status_debtor_and_due_range(ledger: Ledger) -> None:
    one, two = await ledger.debtor("C-1"), await ledger.debtor("C-2")
    march = await ledger.invoice(one, 1_000, due="2026-03-20")
    april = await ledger.invoice(one, 2_000, due="2026-04-20")
    other = await ledger.invoice(two, 3_000, due="2026-03-25")
    await ledger.pay(one, 1_000)  # pays march

    async def ids(**params: object) -> list[str]:
        return [i["id"] for i in (await ledger.get("/v1/invoices", **params)).json()["items"]]

    assert await ids(status="paid") == [march["id"]]
    assert await ids(debtor_id=two) == [other["id"]]
    assert await ids(due_from="2026-03-21", due_to="2026-04-30") == [other["id"], april["id"]]
    bad = await ledger.get("/v1/invoices", status="late")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "status"


async def test_invoice_list_pages_with_a_cursor_in_due_date_order(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    dues = ["2026-05-01", "2026-03-10", "2026-04-01", "2026-03-10", "2026-06-01"]
    for n, due in enumerate(dues):
        await ledger.invoice(debtor, 100 + n, due=due)
    seen: list[dict[str, object]] = []
    cursor = None
    while True:
        params: dict[str, object] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await ledger.get("/v1/invoices", **params)).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [i["due_date"] for i in seen] == sorted(dues)
    assert len({i["id"] for i in seen}) == 5
    assert (await ledger.get("/v1/invoices", cursor="garbage")).status_code == 422


async def test_london_invoice_due_yesterday_is_overdue(ledger: Ledger) -> None:
    debtor = await ledger.debtor(time_zone="Europe/London")
    due_yesterday = await ledger.invoice(debtor, 1_000, issued="2026-02-01", due="2026-03-01")
    due_today = await ledger.invoice(debtor, 1_000, issued="2026-02-01", due="2026-03-02")
    assert due_yesterday["overdue"] is True
    assert due_today["overdue"] is False
    overdue = (await ledger.get("/v1/invoices", overdue="true")).json()["items"]
    not_overdue = (await ledger.get("/v1/invoices", overdue="false")).json()["items"]
    assert [i["id"] for i in overdue] == [due_yesterday["id"]]
    assert [i["id"] for i in not_overdue] == [due_today["id"]]


async def test_overdue_filter_uses_the_debtors_time_zone(ledger: Ledger, backend: Backend) -> None:
    auckland = await ledger.debtor("NZ", time_zone="Pacific/Auckland")
    los_angeles = await ledger.debtor("US", time_zone="America/Los_Angeles")
    nz = await ledger.invoice(auckland, 1_000, issued="2026-02-01", due="2026-03-02")
    await ledger.invoice(los_angeles, 1_000, issued="2026-02-01", due="2026-03-02")
    # 12:00 UTC: already 3 March, 01:00 in Auckland; still 2 March, 04:00 in Los Angeles.
    backend.clock.advance(timedelta(hours=3))
    overdue = (await ledger.get("/v1/invoices", overdue="true")).json()["items"]
    assert [i["id"] for i in overdue] == [nz["id"]]


async def test_paid_invoice_is_not_overdue(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 1_000, issued="2026-02-01", due="2026-02-15")
    await ledger.pay(debtor, 1_000)
    assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["overdue"] is False
    assert (await ledger.get("/v1/invoices", overdue="true")).json()["items"] == []


async def test_another_tenants_invoices_are_not_found(ledger: Ledger, backend: Backend) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 1_000)
    other = ledger.as_tenant(backend, "tenant-b")
    path = f"/v1/invoices/{invoice['id']}"
    assert (await other.get(path)).status_code == 404
    credit = await other.post(f"{path}/credit-notes", {"amount": money(1), "reason": "x"})
    assert credit.status_code == 404
    assert (await other.post(f"{path}/cancel", {"reason": "x"})).status_code == 404
    assert (await other.post(f"{path}/write-off", {"reason": "x"})).status_code == 404
    assert (await other.get("/v1/invoices")).json()["items"] == []
    assert (await other.get("/v1/invoices", debtor_id=debtor)).json()["items"] == []
    issue = await other.post(
        "/v1/invoices",
        {"debtor_id": debtor, "number": "1", "issue_date": "2026-03-01", "amount": money(1)},
    )
    assert issue.status_code == 422
    assert (await ledger.read(path))["version"] == 1


async def test_reading_invoices_needs_the_invoices_read_scope(
    ledger: Ledger, backend: Backend
) -> None:
    from tests.support.api import bearer

    headers = bearer(backend.token("tenant-a", "debtors:read"))
    response = await ledger.client.get("/v1/invoices", headers=headers)
    assert response.status_code == 403
