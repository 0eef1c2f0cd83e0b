"""/v1/debtors/{id}/statement: open items aged in the debtor's zone, each with the lines that
make its balance, totals, creditor (with its logo), number and date, PDF."""

from __future__ import annotations

import base64
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from PIL import Image

from debtflow_cli.demo import DEMO_TENANT, seed_demo
from debtflow_shared.catalog.invoice import ChargeKind
from invoice_svc.adapters.charge_repository import ChargeRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.domain.creditor_profile import LOGO_MAX_BYTES
from tests.invoice_svc.ledger_world import Ledger, money, running_ledger
from tests.support.api import bearer
from tests.support.harness import Backend
from tests.support.pdf_text import pdf_image_count, pdf_text

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


def lines_of(item: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    return [
        (x["kind"], x["date"], x["amount"]["amount_minor"], x["balance"]["amount_minor"])
        for x in item["lines"]
    ]


async def charge(ledger: Ledger, invoice_id: str, amount_minor: int, kind: ChargeKind) -> None:
    """A charge as the charges slice records it: on the invoice and as its own row."""
    async with ledger.runtime.uow() as uow:
        invoices = InvoiceRepository(uow.session)
        invoice = await invoices.get(ledger.tenant, invoice_id, lock=True)
        assert invoice is not None
        added = invoice.apply_charge(
            charge_id=str(uuid4()),
            kind=kind,
            amount_minor=amount_minor,
            description=kind.value,
            now=uow.clock.now(),
        )
        await invoices.save(invoice)
        await ChargeRepository(uow.session).add(added)
        await uow.commit()


def png(width: int = 240, height: int = 80) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 60, 120)).save(out, "PNG")
    return out.getvalue()


def logo(data: bytes, media_type: str = "image/png") -> dict[str, str]:
    return {"media_type": media_type, "data_base64": base64.b64encode(data).decode()}


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
    text = pdf_text(by_path.content)
    for expected in ("FA-0042", "FA-0051", "Widget Supplies Ltd", "Lumière", "980,00"):
        assert expected in text, expected


async def test_a_pdf_without_a_creditor_profile_still_renders(ledger: Ledger) -> None:
    debtor = await ledger.debtor(name="Ωmega Ltd")
    await ledger.invoice(debtor, 1_000, number="N-1")
    response = await ledger.get(f"/v1/debtors/{debtor}/statement.pdf")
    assert response.status_code == 200
    assert "Ωmega Ltd" in pdf_text(response.content)
    assert "Creditor details not set" in pdf_text(response.content)


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


async def test_a_credit_note_is_a_line_under_the_invoice_as_issued(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 118_050, number="INV-1", issued="2026-02-01")
    credited = await ledger.post(
        f"/v1/invoices/{invoice['id']}/credit-notes",
        {"amount": money(18_050), "reason": "short delivery"},
    )
    assert credited.status_code in (200, 201), credited.text

    body = await statement(ledger, debtor)

    (item,) = body["items"]
    assert item["amount_issued"] == money(118_050)
    assert item["amount"] == item["open_balance"] == money(100_000)
    assert lines_of(item) == [
        ("invoice", "2026-02-01", 118_050, 118_050),
        ("credit_note", "2026-03-02", -18_050, 100_000),
    ]
    assert item["lines"][1]["detail"] == "short delivery"


async def test_payments_and_charges_are_lines_running_to_the_open_balance(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(
        debtor, 50_000, number="INV-2", issued="2026-01-01", due="2026-01-31"
    )
    await charge(ledger, invoice["id"], 4_000, ChargeKind.COMPENSATION)
    paid = await ledger.pay(
        debtor, 20_000, invoice_ids=[invoice["id"]], received_on="2026-03-02", reference="BACS 77"
    )
    assert paid.status_code == 201, paid.text

    (item,) = (await statement(ledger, debtor))["items"]

    assert lines_of(item) == [
        ("invoice", "2026-01-01", 50_000, 50_000),
        ("charge", "2026-03-02", 4_000, 54_000),
        ("payment", "2026-03-02", -20_000, 34_000),
    ]
    assert item["lines"][1]["charge_kind"] == "compensation"
    assert item["lines"][2]["detail"] == "BACS 77"
    assert item["open_balance"] == money(34_000)
    assert sum(x["amount"]["amount_minor"] for x in item["lines"]) == 34_000


async def test_a_reversed_payment_is_no_line_of_the_statement(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000, number="INV-3", issued="2026-02-01")
    paid = await ledger.pay(debtor, 4_000, invoice_ids=[invoice["id"]])
    reversed_ = await ledger.post(
        f"/v1/payments/{paid.json()['id']}/reverse", {"reason": "bounced"}
    )
    assert reversed_.status_code == 200, reversed_.text

    (item,) = (await statement(ledger, debtor))["items"]

    assert lines_of(item) == [("invoice", "2026-02-01", 10_000, 10_000)]


async def test_the_pdf_prints_every_line_of_an_item(ledger: Ledger) -> None:
    debtor = await ledger.debtor(name="Zakład Łódź Sp. z o.o.")
    invoice = await ledger.invoice(debtor, 118_050, number="INV-4", issued="2026-02-01")
    await ledger.post(
        f"/v1/invoices/{invoice['id']}/credit-notes",
        {"amount": money(18_050), "reason": "short delivery"},
    )
    await ledger.pay(debtor, 40_000, invoice_ids=[invoice["id"]], reference="BACS 9")

    text = pdf_text((await ledger.get(f"/v1/debtors/{debtor}/statement.pdf")).content)

    assert "Zakład Łódź Sp. z o.o." in text
    assert "Invoice INV-4" in text
    assert "£1,180.50 £1,180.50" in text
    assert "Credit note: short delivery -£180.50 £1,000.00" in text
    assert "Payment received: BACS 9 -£400.00 £600.00" in text
    assert "Balance due (GBP) £600.00" in text


async def test_the_statement_is_numbered_and_dated_by_the_business_clock(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor("ACME-7")
    await ledger.invoice(debtor, 1_000)

    today = await statement(ledger, debtor)
    aged_later = await statement(ledger, debtor, as_of="2026-04-30")
    backend.clock.advance(timedelta(days=1))
    tomorrow = await statement(ledger, debtor)

    assert (today["number"], today["statement_date"]) == ("ST-ACME-7-20260302", "2026-03-02")
    assert (aged_later["number"], aged_later["as_of"]) == ("ST-ACME-7-20260302", "2026-04-30")
    assert (tomorrow["number"], tomorrow["statement_date"]) == ("ST-ACME-7-20260303", "2026-03-03")
    pdf = await ledger.get(f"/v1/debtors/{debtor}/statement.pdf")
    assert "ST-ACME-7-20260303" in pdf.headers["content-disposition"]


async def test_the_creditors_logo_is_kept_and_drawn_on_the_pdf(
    ledger: Ledger, backend: Backend
) -> None:
    admin = bearer(backend.token(ledger.tenant, "admin"))
    put = await ledger.client.put(
        "/v1/creditor-profile", json=CREDITOR | {"logo": logo(png())}, headers=admin
    )
    assert put.status_code == 200, put.text
    debtor = await ledger.debtor()
    await ledger.invoice(debtor, 1_000)

    read = await ledger.read("/v1/creditor-profile")
    body = await statement(ledger, debtor)
    pdf = await ledger.get(f"/v1/debtors/{debtor}/statement.pdf")

    assert base64.b64decode(read["logo"]["data_base64"]) == png()
    assert body["creditor"]["has_logo"] is True
    assert pdf_image_count(pdf.content) == 1
    removed = await ledger.client.put("/v1/creditor-profile", json=CREDITOR, headers=admin)
    assert removed.json()["logo"] is None
    pdf = await ledger.get(f"/v1/debtors/{debtor}/statement.pdf")
    assert pdf_image_count(pdf.content) == 0


@pytest.mark.parametrize(
    ("sent", "reason"),
    [
        (logo(png(), "image/jpeg"), "not an image/jpeg"),
        (logo(png()[:60]), "cannot be read"),
        (logo(png(2400, 10)), "pixels"),
        (logo(b"\x89PNG\r\n\x1a\n" + bytes(LOGO_MAX_BYTES)), "at most"),
        (logo(png(), "image/gif"), "image/png"),
    ],
    ids=["wrong-type", "corrupt", "too-wide", "too-large", "gif"],
)
async def test_a_logo_that_cannot_be_drawn_is_refused(
    ledger: Ledger, backend: Backend, sent: dict[str, str], reason: str
) -> None:
    admin = bearer(backend.token(ledger.tenant, "admin"))
    response = await ledger.client.put(
        "/v1/creditor-profile", json=CREDITOR | {"logo": sent}, headers=admin
    )
    assert response.status_code == 422, response.text
    assert reason in response.text
    assert "logo" in response.text
