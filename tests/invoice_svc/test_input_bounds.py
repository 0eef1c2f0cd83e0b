"""Bounded input: money, dates, text and lists are refused beyond their documented bounds,
naming the field (422 on REST, the DLQ on ``erp.*``), identically on both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from debtflow_shared.catalog.common import MAX_CONTACTS, MAX_NAMED_INVOICES, MAX_TAGS
from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.catalog.invoice import PaymentReceived
from debtflow_shared.catalog.money import MAX_AMOUNT_MINOR
from invoice_svc.adapters.debtor_repository import DebtorRepository
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.invoice_svc.ledger_world import Ledger, money, running_ledger
from tests.invoice_svc.test_erp_ingestion_kafka import (
    ERP_DEBTOR,
    debtor_refused,
    erp_message,
    invoice_refused,
)
from tests.support.harness import Backend, eventually

TOO_MUCH = MAX_AMOUNT_MINOR + 1


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with running_ledger(backend) as world:
        yield world


def fields_of(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [e["field"] for e in response.json()["errors"]]


def debtor_body(erp_id: str = "C-1", **fields: Any) -> dict[str, Any]:
    return {"erp_id": erp_id, "name": "Acme Ltd", "country": "GB", "currency": "GBP"} | fields


def invoice_body(debtor: str, **fields: Any) -> dict[str, Any]:
    return {
        "debtor_id": debtor,
        "erp_id": "I-1",
        "number": "I-1",
        "issue_date": "2026-03-01",
        "due_date": "2026-03-31",
        "amount": money(10_000),
    } | fields


# --- PUT /v1/debtors/{id}: an ERP id names one debtor ---------------------------------------


async def test_changing_a_debtors_erp_id_to_another_debtors_is_a_conflict_naming_erp_id(
    ledger: Ledger,
) -> None:
    await ledger.debtor("C-1")
    other = await ledger.debtor("C-2")
    response = await ledger.client.put(
        f"/v1/debtors/{other}", json=debtor_body("C-1"), headers=ledger.headers
    )
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["erp_id"]
    assert (await ledger.read(f"/v1/debtors/{other}"))["erp_id"] == "C-2"


async def test_an_erp_id_taken_by_another_debtor_after_the_check_is_still_a_conflict(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    await ledger.debtor("C-1")
    other = await ledger.debtor("C-2")

    async def nobody_has_it(self: DebtorRepository, tenant_id: str, erp_id: str) -> None:
        return None  # as if a concurrent request registered C-1 just after this look-up

    monkeypatch.setattr(DebtorRepository, "get_by_erp_id", nobody_has_it)
    response = await ledger.client.put(
        f"/v1/debtors/{other}", json=debtor_body("C-1"), headers=ledger.headers
    )
    assert response.status_code == 409, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["erp_id"]


async def test_a_put_keeping_the_debtors_own_erp_id_succeeds(ledger: Ledger) -> None:
    debtor = await ledger.debtor("C-1")
    response = await ledger.client.put(
        f"/v1/debtors/{debtor}", json=debtor_body("C-1", name="Acme Group"), headers=ledger.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Acme Group"


# --- money -------------------------------------------------------------------------------------


async def test_an_invoice_above_the_maximum_amount_is_refused_naming_the_amount(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    response = await ledger.post("/v1/invoices", invoice_body(debtor, amount=money(TOO_MUCH)))
    assert fields_of(response) == ["amount.amount_minor"]


async def test_an_invoice_line_beyond_the_maximum_either_way_is_refused_naming_the_line(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    lines = [
        {"description": "goods", "amount_minor": TOO_MUCH},
        {"description": "discount", "amount_minor": -TOO_MUCH + 10_000},
    ]
    response = await ledger.post("/v1/invoices", invoice_body(debtor, lines=lines))
    assert fields_of(response) == ["lines[0].amount_minor"]


async def test_a_discount_line_within_the_maximum_is_accepted(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    lines = [
        {"description": "goods", "amount_minor": MAX_AMOUNT_MINOR},
        {"description": "discount", "amount_minor": -MAX_AMOUNT_MINOR + 10_000},
    ]
    response = await ledger.post("/v1/invoices", invoice_body(debtor, lines=lines))
    assert response.status_code == 201, response.text


async def test_a_payment_above_the_maximum_amount_is_refused_naming_the_amount(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    assert fields_of(await ledger.pay(debtor, TOO_MUCH)) == ["amount.amount_minor"]


async def test_a_credit_note_above_the_maximum_amount_is_refused_naming_the_amount(
    ledger: Ledger,
) -> None:
    invoice = await ledger.invoice(await ledger.debtor())
    response = await ledger.post(
        f"/v1/invoices/{invoice['id']}/credit-notes", {"amount": money(TOO_MUCH), "reason": "x"}
    )
    assert fields_of(response) == ["amount.amount_minor"]


async def test_a_disputed_amount_above_the_maximum_is_refused_naming_it(ledger: Ledger) -> None:
    invoice = await ledger.invoice(await ledger.debtor())
    body = {"reason": "damaged", "raised_by": "ap@acme.example", "disputed_amount": money(TOO_MUCH)}
    response = await ledger.post(f"/v1/invoices/{invoice['id']}/disputes", body)
    assert fields_of(response) == ["disputed_amount.amount_minor"]


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        ({"credit_limit": money(TOO_MUCH)}, "credit_policy.credit_limit.amount_minor"),
        ({"credit_limit": money(-1)}, "credit_policy.credit_limit.amount_minor"),
        (
            {"late_fee": {"kind": "fixed", "fixed": money(TOO_MUCH)}},
            "credit_policy.late_fee.fixed.amount_minor",
        ),
        (
            {"late_fee": {"kind": "percent", "percent": "5", "cap": money(TOO_MUCH)}},
            "credit_policy.late_fee.cap.amount_minor",
        ),
    ],
    ids=["credit-limit", "negative-credit-limit", "fixed-fee", "fee-cap"],
)
async def test_a_credit_policy_amount_beyond_its_bounds_is_refused_naming_it(
    ledger: Ledger, policy: dict[str, Any], field: str
) -> None:
    response = await ledger.post("/v1/debtors", debtor_body(credit_policy=policy))
    assert fields_of(response) == [field]


async def test_invoices_at_the_maximum_amount_add_up_on_the_statement(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    for n in (1, 2, 3):
        body = invoice_body(
            debtor, erp_id=f"I-{n}", number=f"I-{n}", amount=money(MAX_AMOUNT_MINOR)
        )
        assert (await ledger.post("/v1/invoices", body)).status_code == 201
    statement = await ledger.read(f"/v1/debtors/{debtor}/statement")
    [totals] = statement["totals"]
    assert totals["open_balance_minor"] == 3 * MAX_AMOUNT_MINOR


async def test_batch_rows_above_the_maximum_amount_are_refused_alone_naming_the_field(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    rows = [
        invoice_body(debtor, erp_id="I-1", number="I-1"),
        invoice_body(debtor, erp_id="I-2", number="I-2", amount=money(TOO_MUCH)),
    ]
    response = await ledger.post("/v1/batches/invoices", {"items": rows})
    assert response.status_code == 200, response.text
    [kept, refused] = response.json()["items"]
    assert kept["status"] == "created"
    assert [e["field"] for e in refused["errors"]] == ["items[1].amount.amount_minor"]


async def test_payment_batch_rows_above_the_maximum_amount_are_refused_naming_the_field(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    row = {"debtor_id": debtor, "amount": money(TOO_MUCH), "received_on": "2026-03-02"}
    response = await ledger.post("/v1/batches/payments", {"items": [row]})
    assert response.status_code == 200, response.text
    [refused] = response.json()["items"]
    assert [e["field"] for e in refused["errors"]] == ["items[0].amount.amount_minor"]


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"issue_date": "9999-12-31", "due_date": "9999-12-31"}, "issue_date"),
        ({"issue_date": "0001-01-01"}, "issue_date"),
        ({"due_date": "2200-01-01"}, "due_date"),
        ({"issue_date": "1899-12-31"}, "issue_date"),
        ({"issue_date": 0}, "issue_date"),
        ({"issue_date": "2026-03-01T00:00:00"}, "issue_date"),
    ],
    ids=["year-9999", "year-1", "due-after-2199", "before-1900", "a-number", "a-datetime"],
)
async def test_an_invoice_date_outside_the_business_range_or_not_iso_is_refused_naming_it(
    ledger: Ledger, change: dict[str, Any], field: str
) -> None:
    debtor = await ledger.debtor()
    response = await ledger.post("/v1/invoices", invoice_body(debtor) | change)
    assert field in fields_of(response)


async def test_invoices_at_the_edges_of_the_date_range_are_issued_in_any_time_zone(
    ledger: Ledger,
) -> None:
    late = await ledger.debtor(
        "C-EAST", time_zone="Pacific/Kiritimati", credit_policy={"payment_terms_days": 365}
    )
    early = await ledger.debtor("C-WEST", time_zone="Etc/GMT+12")
    last = invoice_body(late, issue_date="2199-12-31", due_date=None)
    first = invoice_body(early, erp_id="I-2", issue_date="1900-01-01", due_date="1900-01-01")
    issued_last = await ledger.post("/v1/invoices", last)
    issued_first = await ledger.post("/v1/invoices", first)
    assert issued_last.status_code == 201, issued_last.text
    assert issued_last.json()["due_date"] == "2200-12-31"
    assert issued_first.status_code == 201, issued_first.text


async def test_a_payment_received_outside_the_business_range_is_refused_naming_the_date(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    assert fields_of(await ledger.pay(debtor, 100, received_on="9999-12-31")) == ["received_on"]


async def test_a_batch_row_dated_outside_the_range_is_refused_naming_the_field(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    row = invoice_body(debtor, issue_date="0001-01-01", due_date="0001-01-01")
    response = await ledger.post("/v1/batches/invoices", {"items": [row]})
    [refused] = response.json()["items"]
    assert "items[0].issue_date" in [e["field"] for e in refused["errors"]]


@pytest.mark.parametrize("as_of", ["0", "1700000000", "2026-03-31T00:00:00", "31/03/2026"])
async def test_the_interest_quote_accepts_only_an_iso_date_as_of(
    ledger: Ledger, as_of: str
) -> None:
    invoice = await ledger.invoice(await ledger.debtor())
    response = await ledger.get(f"/v1/invoices/{invoice['id']}/interest-quote", as_of=as_of)
    assert fields_of(response) == ["as_of"]


async def test_the_interest_quote_refuses_an_as_of_outside_the_business_range(
    ledger: Ledger,
) -> None:
    invoice = await ledger.invoice(await ledger.debtor())
    response = await ledger.get(f"/v1/invoices/{invoice['id']}/interest-quote", as_of="9999-12-31")
    assert fields_of(response) == ["as_of"]


async def test_the_statement_accepts_only_an_iso_date_as_of(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    response = await ledger.get(f"/v1/debtors/{debtor}/statement", as_of="0")
    assert fields_of(response) == ["as_of"]


async def test_invoice_list_due_date_filters_accept_only_iso_dates(ledger: Ledger) -> None:
    response = await ledger.get("/v1/invoices", due_from="0", due_to="2026-03-31")
    assert fields_of(response) == ["due_from"]


# --- text and lists ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Acme\u0000Ltd"}, "name"),
        ({"erp_id": "C\u00001"}, "erp_id"),
        ({"name": "Acme\nLtd"}, "name"),
        ({"name": "Acme\u009bLtd"}, "name"),
        ({"tags": ["vip\u0007"]}, "tags[0]"),
        (
            {"contacts": [{"kind": "email", "value": "ap@acme.example\u0000"}]},
            "contacts[0].email.value",
        ),
    ],
    ids=["nul-in-name", "nul-in-erp-id", "newline-in-name", "c1-in-name", "bell-in-tag", "contact"],
)
async def test_debtor_text_with_control_characters_is_refused_naming_the_field(
    ledger: Ledger, change: dict[str, Any], field: str
) -> None:
    response = await ledger.post("/v1/debtors", debtor_body() | change)
    assert fields_of(response) == [field]
    assert (await ledger.get("/v1/debtors")).json()["items"] == []


@pytest.mark.parametrize("name", [" ", "\u00a0\u2003", "\t"], ids=["space", "nbsp-em", "tab"])
async def test_a_whitespace_only_debtor_name_is_refused(ledger: Ledger, name: str) -> None:
    assert fields_of(await ledger.post("/v1/debtors", debtor_body(name=name))) == ["name"]


async def test_an_invoice_number_with_a_nul_is_refused_naming_the_number(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    response = await ledger.post("/v1/invoices", invoice_body(debtor, number="2026\u00000042"))
    assert fields_of(response) == ["number"]


async def test_a_payment_reference_with_a_control_character_is_refused(ledger: Ledger) -> None:
    debtor = await ledger.debtor()
    response = await ledger.pay(debtor, 100, reference="BACS\u001b[31m")
    assert fields_of(response) == ["reference"]


async def test_a_reason_may_span_several_lines(ledger: Ledger) -> None:
    invoice = await ledger.invoice(await ledger.debtor())
    body = {"amount": money(100), "reason": "damaged goods:\n\tpallet 3\r\n\tpallet 4"}
    response = await ledger.post(f"/v1/invoices/{invoice['id']}/credit-notes", body)
    assert response.status_code in (200, 201), response.text


async def test_a_reason_with_a_nul_is_refused_naming_the_reason(ledger: Ledger) -> None:
    invoice = await ledger.invoice(await ledger.debtor())
    response = await ledger.post(f"/v1/invoices/{invoice['id']}/write-off", {"reason": "bad\u0000"})
    assert fields_of(response) == ["reason"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tags": [f"t{n}" for n in range(MAX_TAGS + 1)]}, "tags"),
        ({"tags": ["x" * 101]}, "tags[0]"),
        (
            {"contacts": [{"kind": "email", "value": f"{n}@a.example"} for n in range(21)]},
            "contacts",
        ),
        ({"name": "x" * 301}, "name"),
        ({"erp_id": "x" * 101}, "erp_id"),
        ({"language": "en" + "-abcdefgh" * 5}, "language"),
    ],
    ids=["tag-count", "tag-length", "contact-count", "name-length", "erp-id-length", "language"],
)
async def test_debtor_lists_and_strings_beyond_their_bounds_are_refused_naming_the_field(
    ledger: Ledger, change: dict[str, Any], field: str
) -> None:
    assert MAX_CONTACTS == 20
    assert fields_of(await ledger.post("/v1/debtors", debtor_body() | change)) == [field]


async def test_a_payment_naming_too_many_invoices_is_refused_naming_invoice_ids(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor()
    named = [f"inv-{n}" for n in range(MAX_NAMED_INVOICES + 1)]
    assert fields_of(await ledger.pay(debtor, 100, invoice_ids=named)) == ["invoice_ids"]


# --- currencies in the schema --------------------------------------------------------------


async def test_currency_fields_list_the_accepted_iso_4217_codes_in_the_openapi_schema(
    ledger: Ledger,
) -> None:
    schemas = (await ledger.client.get("/openapi.json")).json()["components"]["schemas"]
    currency = schemas["DebtorIn"]["properties"]["currency"]
    money_currency = schemas["PositiveMoney"]["properties"]["currency"]
    assert {"GBP", "EUR", "JPY"} <= set(currency["enum"])
    assert not {"XXX", "XAU", "XTS"} & set(currency["enum"])
    assert money_currency["enum"] == currency["enum"]


# --- erp.* topics: the same bounds, to the DLQ with the reason -----------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_minor": TOO_MUCH}, b"amount_minor"),
        ({"issue_date": "9999-12-31", "due_date": None}, b"issue_date"),
        ({"issue_date": 0}, b"issue_date"),
        ({"number": "2026\u00000001"}, b"number"),
        ({"lines": [{"description": "goods", "amount_minor": -TOO_MUCH}]}, b"lines"),
    ],
    ids=["amount", "date-range", "date-not-iso", "nul-in-number", "line-amount"],
)
async def test_an_erp_invoice_beyond_its_bounds_goes_to_the_dlq_naming_the_field(
    backend: Backend, change: dict[str, Any], field: bytes
) -> None:
    letter, _issued = await invoice_refused(backend, change)
    assert letter.header("dlq.reason") == b"invalid"
    assert field in (letter.header("dlq.error") or b"")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": {"amount_minor": TOO_MUCH, "currency": "GBP"}}, b"amount.amount_minor"),
        ({"received_on": "0001-01-01"}, b"received_on"),
    ],
    ids=["amount", "date-range"],
)
async def test_an_erp_payment_beyond_its_bounds_goes_to_the_dlq_naming_the_field(
    backend: Backend, change: dict[str, Any], field: bytes
) -> None:
    payment = {
        "erp_id": "PAY-1",
        "debtor_erp_id": "CUST-7",
        "amount": {"amount_minor": 100, "currency": "GBP"},
        "received_on": "2026-03-02",
    }
    async with (
        backend.probe("erp.payment.dlq") as dead,
        backend.probe(PaymentReceived.event_type) as received,
        backend.probe(DebtorUpserted.event_type) as upserted,
        backend.service(INVOICE, InvoiceSettings),
    ):
        await backend.raw_publish([erp_message("erp.debtor", ERP_DEBTOR)])
        await eventually(lambda: len(upserted.messages) == 1)
        await backend.raw_publish(
            [
                erp_message("erp.payment", payment | change),
                erp_message("erp.payment", payment | {"erp_id": "PAY-2"}),
            ]
        )
        await eventually(lambda: len(dead.messages) == 1 and len(received.messages) == 1)
    assert dead.messages[0].header("dlq.reason") == b"invalid"
    assert field in (dead.messages[0].header("dlq.error") or b"")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Acme\u0000Ltd"}, b"name"),
        ({"name": "   "}, b"name"),
        (
            {"credit_policy": {"credit_limit": {"amount_minor": TOO_MUCH, "currency": "GBP"}}},
            b"credit_limit",
        ),
        ({"tags": ["t"] * (MAX_TAGS + 1)}, b"tags"),
    ],
    ids=["nul-in-name", "blank-name", "credit-limit", "tag-count"],
)
async def test_an_erp_debtor_beyond_its_bounds_goes_to_the_dlq_naming_the_field(
    backend: Backend, change: dict[str, Any], field: bytes
) -> None:
    letter, upserted = await debtor_refused(backend, change)
    assert letter.header("dlq.reason") == b"invalid"
    assert field in (letter.header("dlq.error") or b"")
    assert upserted.envelopes()[0].data["erp_id"] == "CUST-8"
