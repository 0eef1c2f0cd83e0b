"""/v1/debtors/{id}/statement: open items aged in the debtor's zone, totals, creditor, PDF."""

from __future__ import annotations

import re
import zlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from debtflow_cli.demo import DEMO_TENANT, seed_demo
from tests.invoice_svc.ledger_world import Ledger, money, running_ledger
from tests.support.api import bearer
from tests.support.harness import Backend

# The harness clock starts at 2026-03-02 09:00 UTC.
CREDITOR = {
    "legal_name": "Widget Supplies Ltd",
    "address": {
        "lines": ["1 High Street"],
        "postcode": "LS1 4AP",
        "city": "Leeds",
        "country": "GB",
    },
    "bank_accounts": [{"account_name": "Widget Supplies Ltd", "iban": "GB33BUKB20201555555555"}],
    "pay_link": "https://pay.example.com/widget",
    "dispute_email": "credit-control@widget.example",
}


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with running_ledger(backend) as world:
        yield world


async def statement(ledger: Ledger, debtor: str, **params: Any) -> dict[str, Any]:
    response = await ledger.get(f"/v1/debtors/{debtor}/statement", **params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def by_number(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["number"]: item for item in body["items"]}


def page_text(pdf: bytes) -> bytes:
    """The PDF's content streams, inflated (fpdf2 compresses them)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    out = b""
    for raw in streams:
        try:
            out += zlib.decompress(raw)
        except zlib.error:
            out += raw
    return out


async def test_open_items_fall_into_aging_buckets_with_totals_per_currency(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    for number, due in [
        ("CUR", "2026-03-10"),
        ("D10", "2026-02-20"),
        ("D46", "2026-01-15"),
        ("D72", "2025-12-20"),
        ("D121", "2025-11-01"),
    ]:
        await ledger.invoice(debtor, 10_000, number=number, due=due, issued="2025-10-01")
    await ledger.invoice(
        debtor, 5_000, number="EUR-1", due="2026-02-01", currency="EUR", issued="2026-01-01"
    )

    body = await statement(ledger, debtor)

    items = by_number(body)
    assert {n: (i["days_past_due"], i["aging_bucket"]) for n, i in items.items()} == {
        "CUR": (0, "current"),
        "D10": (10, "1-30"),
        "D46": (46, "31-60"),
        "D72": (72, "61-90"),
        "D121": (121, "90+"),
        "EUR-1": (29, "1-30"),
    }
    assert body["items"][0]["number"] == "D121"  # oldest due first
    assert body["as_of"] == "2026-03-02"
    assert [t["currency"] for t in body["totals"]] == ["EUR", "GBP"]
    eur, gbp = body["totals"]
    assert gbp["buckets"] == {
        "current": 10_000,
        "1-30": 10_000,
        "31-60": 10_000,
        "61-90": 10_000,
        "90+": 10_000,
    }
    assert gbp["open_balance_minor"] == gbp["balance_due_minor"] == 50_000
    assert eur["buckets"]["1-30"] == eur["open_balance_minor"] == 5_000


async def test_a_partial_payment_shows_as_paid_so_far_and_overpayment_as_credit(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    part = await ledger.invoice(
        debtor, 10_000, number="PART", due="2026-02-20", issued="2026-01-20"
    )
    full = await ledger.invoice(debtor, 3_000, number="FULL", due="2026-02-10", issued="2026-01-10")
    await ledger.pay(debtor, 4_000, invoice_ids=[part["id"]])
    await ledger.pay(debtor, 3_500, invoice_ids=[full["id"]])  # 500 too much: account credit
    await ledger.add_charge(part["id"], 1_500)

    body = await statement(ledger, debtor)

    assert list(by_number(body)) == ["PART"]
    item = body["items"][0]
    assert item["status"] == "partially_paid"
    assert item["amount"] == money(10_000)
    assert item["paid"] == money(4_000)
    assert item["charges_open"] == money(1_500)
    assert item["open_balance"] == money(7_500)
    (gbp,) = body["totals"]
    assert gbp["open_balance_minor"] == 7_500
    assert gbp["unapplied_credit_minor"] == 500
    assert gbp["balance_due_minor"] == 7_000


async def test_paid_and_cancelled_invoices_are_not_on_the_statement(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    paid = await ledger.invoice(debtor, 2_000, number="PAID")
    cancelled = await ledger.invoice(debtor, 3_000, number="CANCELLED")
    await ledger.invoice(debtor, 4_000, number="OPEN")
    assert (await ledger.pay(debtor, 2_000, invoice_ids=[paid["id"]])).status_code == 201
    response = await ledger.post(f"/v1/invoices/{cancelled['id']}/cancel", {"reason": "wrong"})
    assert response.status_code == 200, response.text

    body = await statement(ledger, debtor)

    assert list(by_number(body)) == ["OPEN"]
    assert body["totals"][0]["open_balance_minor"] == 4_000


async def test_days_past_due_count_in_the_debtors_own_time_zone(
    ledger: Ledger, backend: Backend
) -> None:
    east = await ledger.debtor("EAST", time_zone="Pacific/Kiritimati")  # UTC+14
    west = await ledger.debtor("WEST", time_zone="Pacific/Honolulu")  # UTC-10
    for debtor in (east, west):
        await ledger.invoice(debtor, 1_000, number="DUE-0302", due="2026-03-02")
    backend.clock.advance(timedelta(hours=2))  # 11:00 UTC: 3 March in Kiritimati, 2nd in Hawaii

    east_item = (await statement(ledger, east))["items"][0]
    west_item = (await statement(ledger, west))["items"][0]
    assert (east_item["days_past_due"], east_item["aging_bucket"]) == (1, "1-30")
    assert (west_item["days_past_due"], west_item["aging_bucket"]) == (0, "current")

    backend.clock.advance(timedelta(days=30))
    assert (await statement(ledger, east))["items"][0]["aging_bucket"] == "31-60"
    assert (await statement(ledger, west))["items"][0]["aging_bucket"] == "1-30"


async def test_as_of_ages_the_open_items_at_another_date(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    await ledger.invoice(debtor, 1_000, number="N", due="2026-03-10")

    body = await statement(ledger, debtor, as_of="2026-04-20")

    assert body["as_of"] == "2026-04-20"
    assert (body["items"][0]["days_past_due"], body["items"][0]["aging_bucket"]) == (41, "31-60")


async def test_without_a_creditor_profile_the_statement_says_so(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    body = await statement(ledger, debtor)
    assert body["creditor"] is None
    assert any("no creditor profile" in w for w in body["warnings"])


async def test_the_statement_names_the_creditor_and_how_to_pay(
    ledger: Ledger, backend: Backend
) -> None:
    admin = bearer(backend.token(ledger.tenant, "admin"))
    put = await ledger.client.put("/v1/creditor-profile", json=CREDITOR, headers=admin)
    assert put.status_code == 200, put.text
    debtor = await ledger.debtor(
        contacts=[{"kind": "postal", "value": "1 Mill Lane\nYork YO1 7HH"}]
    )

    body = await statement(ledger, debtor)

    assert body["warnings"] == []
    assert body["creditor"]["legal_name"] == "Widget Supplies Ltd"
    assert body["creditor"]["bank_accounts"][0]["iban"] == "GB33BUKB20201555555555"
    assert body["creditor"]["dispute_email"] == "credit-control@widget.example"
    assert body["debtor"]["postal_address"] == ["1 Mill Lane", "York YO1 7HH"]


async def test_the_pdf_statement_lists_the_open_invoices(ledger: Ledger, backend: Backend) -> None:
    admin = bearer(backend.token(ledger.tenant, "admin"))
    await ledger.client.put("/v1/creditor-profile", json=CREDITOR, headers=admin)
    debtor = await ledger.debtor(name="Lumière Distribution SARL", language="fr", country="FR")
    await ledger.invoice(
        debtor, 98_000, number="FA-0042", due="2026-01-10", currency="EUR", issued="2025-12-10"
    )
    await ledger.invoice(debtor, 15_400, number="FA-0051", due="2026-03-20", currency="EUR")

    by_path = await ledger.get(f"/v1/debtors/{debtor}/statement.pdf")
    by_accept = await ledger.client.get(
        f"/v1/debtors/{debtor}/statement",
        headers=ledger.headers | {"Accept": "application/pdf"},
    )

    for response in (by_path, by_accept):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    text = page_text(by_path.content)
    for expected in ("FA-0042", "FA-0051", "Widget Supplies Ltd", "Lumière", "980,00"):
        assert expected.encode("cp1252") in text, expected


async def test_a_pdf_without_a_creditor_profile_still_renders(ledger: Ledger) -> None:
    debtor = await ledger.debtor(name="Ωmega Ltd")  # outside the PDF fonts: printed as '?'
    await ledger.invoice(debtor, 1_000, number="N-1")
    response = await ledger.get(f"/v1/debtors/{debtor}/statement.pdf")
    assert response.status_code == 200
    assert b"?mega Ltd" in page_text(response.content)


async def test_another_tenants_debtor_has_no_statement(ledger: Ledger, backend: Backend) -> None:
    debtor = await ledger.debtor()
    await ledger.invoice(debtor, 1_000)
    other = ledger.as_tenant(backend, "tenant-b")
    assert (await other.get(f"/v1/debtors/{debtor}/statement")).status_code == 404
    assert (await other.get(f"/v1/debtors/{debtor}/statement.pdf")).status_code == 404
    assert (await ledger.get("/v1/debtors/nobody/statement")).status_code == 404


async def test_the_demo_seed_shows_every_bucket_and_reseeding_later_adds_nothing(
    backend: Backend,
) -> None:
    async with running_ledger(backend) as world:
        demo = world.as_tenant(backend, DEMO_TENANT)
        await seed_demo(world.runtime)
        first = (await demo.read("/v1/invoices"))["items"]
        backend.clock.advance(timedelta(days=3))
        await seed_demo(world.runtime)
        again = (await demo.read("/v1/invoices"))["items"]
        debtors = (await demo.read("/v1/debtors"))["items"]
        statements = [await statement(demo, d["id"]) for d in debtors]
        pdf = await demo.get(f"/v1/debtors/{debtors[0]['id']}/statement.pdf")

    assert [(i["id"], i["version"]) for i in again] == [(i["id"], i["version"]) for i in first]
    assert {i["status"] for i in first} == {"open", "partially_paid", "paid"}
    buckets = {i["aging_bucket"] for s in statements for i in s["items"]}
    assert buckets == {"current", "1-30", "31-60", "61-90", "90+"}
    assert all(s["creditor"] is not None for s in statements)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
