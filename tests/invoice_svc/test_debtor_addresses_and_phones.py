"""Debtors' postal addresses and E.164 phones: REST and erp.debtor take them, debtor.upserted
v2 carries them (with tags and the credit policy), and rows stored before v2 still read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from debtflow_shared.catalog.debtor import DebtorUpsertedV2
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.tables import debtors
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.invoice_svc.test_erp_ingestion_kafka import erp_message
from tests.support.api import api_client, bearer
from tests.support.harness import Backend, eventually

ADDRESS: dict[str, Any] = {
    "lines": ["Accounts Payable", "1 High Street"],
    "city": "London",
    "region": "Greater London",
    "postcode": "EC1A 1BB",
    "country": "GB",
}
MOBILE: dict[str, Any] = {"kind": "phone", "value": "+447700900123", "sms_capable": True}
DESK: dict[str, Any] = {"kind": "phone", "value": "+442079460000"}
ACME: dict[str, Any] = {
    "erp_id": "C-1",
    "name": "Acme Widgets Ltd",
    "country": "GB",
    "currency": "GBP",
    "postal_address": ADDRESS,
    "contacts": [{"kind": "email", "value": "ap@acme.example"}, MOBILE, DESK],
    "tags": ["key-account"],
    "credit_policy": {
        "payment_terms_days": 14,
        "credit_limit": {"amount_minor": 500_000, "currency": "GBP"},
    },
}


@pytest.fixture
async def invoice(backend: Backend) -> AsyncIterator[ServiceRuntime]:
    async with backend.service(INVOICE, InvoiceSettings) as runtime:
        yield runtime


@pytest.fixture
async def client(invoice: ServiceRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(invoice) as c:
        yield c


@pytest.fixture
def writer(backend: Backend) -> dict[str, str]:
    return bearer(backend.token("tenant-a", "debtors:read", "debtors:write"))


async def test_a_debtor_registered_with_an_address_and_e164_phones_reads_them_back(
    client: httpx.AsyncClient, writer: dict[str, str]
) -> None:
    created = await client.post("/v1/debtors", json=ACME, headers=writer)
    assert created.status_code == 201
    read = (await client.get(f"/v1/debtors/{created.json()['id']}", headers=writer)).json()
    assert read["postal_address"] == ADDRESS
    phones = [c for c in read["contacts"] if c["kind"] == "phone"]
    assert [(p["value"], p["sms_capable"]) for p in phones] == [
        ("+447700900123", True),
        ("+442079460000", False),
    ]


@pytest.mark.parametrize(
    "number",
    [
        "020 7946 0000",
        "+44 20 7946 0000",
        "+0447700900123",
        "+1234567890123456",
        "+\u0664\u06647700900123",
    ],
)
async def test_a_phone_not_in_e164_is_refused_naming_the_field(
    client: httpx.AsyncClient, writer: dict[str, str], number: str
) -> None:
    body = ACME | {
        "contacts": [{"kind": "email", "value": "ap@acme.example"}, MOBILE | {"value": number}]
    }
    response = await client.post("/v1/debtors", json=body, headers=writer)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["contacts[1].phone.value"]


@pytest.mark.parametrize(
    ("address", "field"),
    [
        (ADDRESS | {"lines": [f"line {i}" for i in range(7)]}, "postal_address.lines"),
        (ADDRESS | {"lines": []}, "postal_address.lines"),
        (ADDRESS | {"country": "ZZ"}, "postal_address.country"),
        ({k: v for k, v in ADDRESS.items() if k != "city"}, "postal_address.city"),
    ],
    ids=["seven-lines", "no-lines", "unknown-country", "no-city"],
)
async def test_an_address_beyond_its_rules_is_refused_naming_the_field(
    client: httpx.AsyncClient, writer: dict[str, str], address: dict[str, Any], field: str
) -> None:
    response = await client.post(
        "/v1/debtors", json=ACME | {"postal_address": address}, headers=writer
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_debtor_upserted_v2_carries_address_phones_tags_and_credit_policy(
    backend: Backend, invoice: ServiceRuntime, client: httpx.AsyncClient, writer: dict[str, str]
) -> None:
    async with backend.probe(DebtorUpsertedV2.event_type) as upserted:
        await client.post("/v1/debtors", json=ACME, headers=writer)
        await eventually(lambda: len(upserted.messages) == 1)
    envelope = upserted.envelopes()[0]
    assert envelope.dataschema == "v2"
    data = DebtorUpsertedV2.model_validate(envelope.data)
    assert data.postal_address is not None
    assert data.postal_address.city == "London"
    assert [c.value for c in data.contacts if c.kind == "phone"] == [
        "+447700900123",
        "+442079460000",
    ]
    assert data.tags == ("key-account",)
    assert data.credit_policy.payment_terms_days == 14
    assert data.credit_policy.credit_limit is not None


async def test_a_debtor_without_an_address_publishes_postal_address_null(
    backend: Backend, invoice: ServiceRuntime, client: httpx.AsyncClient, writer: dict[str, str]
) -> None:
    without = {k: v for k, v in ACME.items() if k != "postal_address"}
    async with backend.probe(DebtorUpsertedV2.event_type) as upserted:
        await client.post("/v1/debtors", json=without, headers=writer)
        await eventually(lambda: len(upserted.messages) == 1)
    data = upserted.envelopes()[0].data
    assert "postal_address" in data
    assert data["postal_address"] is None


async def test_erp_debtor_with_an_address_and_e164_phones_is_stored_and_published_as_v2(
    backend: Backend,
) -> None:
    erp = ACME | {"erp_id": "CUST-7"}
    async with (
        backend.probe(DebtorUpsertedV2.event_type) as upserted,
        backend.service(INVOICE, InvoiceSettings),
    ):
        await backend.raw_publish([erp_message("erp.debtor", erp)])
        await eventually(lambda: len(upserted.messages) == 1)
    envelope = upserted.envelopes()[0]
    assert envelope.dataschema == "v2"
    assert envelope.data["postal_address"] == ADDRESS
    assert next(c for c in envelope.data["contacts"] if c["kind"] == "phone") == MOBILE | {
        "usable": True,
        "label": None,
    }


async def test_erp_debtor_with_a_phone_not_in_e164_goes_to_the_dlq_naming_the_field(
    backend: Backend,
) -> None:
    national = ACME | {"erp_id": "CUST-7", "contacts": [MOBILE | {"value": "07700 900123"}]}
    async with (
        backend.probe("erp.debtor.dlq") as dead,
        backend.probe(DebtorUpsertedV2.event_type) as upserted,
        backend.service(INVOICE, InvoiceSettings),
    ):
        await backend.raw_publish(
            [
                erp_message("erp.debtor", national),
                erp_message("erp.debtor", ACME | {"erp_id": "CUST-8"}),
            ]
        )
        await eventually(lambda: len(dead.messages) == 1 and len(upserted.messages) == 1)
    assert dead.messages[0].header("dlq.reason") == b"invalid"
    assert b"contacts.0.phone.value" in (dead.messages[0].header("dlq.error") or b"")
    assert upserted.envelopes()[0].data["erp_id"] == "CUST-8"


async def test_a_debtor_stored_before_v2_reads_its_contacts_without_an_address(
    invoice: ServiceRuntime, client: httpx.AsyncClient, writer: dict[str, str]
) -> None:
    created = (await client.post("/v1/debtors", json=ACME, headers=writer)).json()
    v1_contacts = (
        '[{"kind": "email", "value": "ap@acme.example", "usable": true, "label": null},'
        ' {"kind": "phone", "value": "+44 (20) 7946-0000", "usable": true, "label": "desk"},'
        ' {"kind": "phone", "value": "020 7946 0001", "usable": true, "label": null}]'
    )
    async with invoice.uow() as uow:
        await uow.session.execute(
            update(debtors).where(debtors.c.id == created["id"]).values(contacts=v1_contacts)
        )
        await uow.commit()
    read = (await client.get(f"/v1/debtors/{created['id']}", headers=writer)).json()
    assert read["postal_address"] is None
    # Written internationally: read as E.164; a national number's country code is not guessed.
    assert read["contacts"] == [
        {"kind": "email", "value": "ap@acme.example", "usable": True, "label": None},
        {
            "kind": "phone",
            "value": "+442079460000",
            "sms_capable": False,
            "usable": True,
            "label": "desk",
        },
    ]
