"""/v1/invoices/{id}/interest-quote: what a charge would apply, applying nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tests.invoice_svc.escalation_world import command, ledger_with_commands
from tests.invoice_svc.ledger_world import Ledger, money
from tests.support.api import bearer
from tests.support.harness import Backend, eventually

STATUTORY_GB = {"interest": {"kind": "statutory", "jurisdiction": "GB"}}
OVERDUE = {"due": "2025-12-31", "issued": "2025-12-01"}


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with ledger_with_commands(backend) as world:
        yield world


async def test_quote_shows_interest_periods_and_compensation_without_applying_them(
    ledger: Ledger,
) -> None:
    invoice = await ledger.invoice(
        await ledger.debtor(credit_policy=STATUTORY_GB), 100_000, **OVERDUE
    )
    quote = await ledger.get(f"/v1/invoices/{invoice['id']}/interest-quote", as_of="2026-01-31")
    assert quote.status_code == 200, quote.text
    body = quote.json()
    # 1,000.00 x (3.75 % base on 31 Dec 2025 + 8 points) x 31 days / 365 = 9.9794...
    assert body["interest"]["amount"] == money(998)
    [period] = body["interest"]["periods"]
    assert (period["from"], period["to"], period["days"]) == ("2026-01-01", "2026-01-31", 31)
    assert period["annual_rate_percent"] == "11.75"
    assert body["compensation"]["amount"] == money(7_000)
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert after["charges_open"] == money(0)


async def test_quote_matches_what_a_charge_then_applies(ledger: Ledger, backend: Backend) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, 1_234_567, **OVERDUE)
    path = f"/v1/invoices/{invoice['id']}/interest-quote"
    quoted = (await ledger.get(path, as_of="2026-02-10")).json()["interest"]
    request = {
        "request_id": "r1",
        "invoice_id": invoice["id"],
        "kind": "interest",
        "as_of": "2026-02-10",
    }
    async with backend.probe("invoice.charge_applied") as seen:
        await backend.raw_publish([command("charge.requested", request, debtor)])
        await eventually(lambda: len(seen.messages) == 1)
    applied = seen.envelopes()[0].data
    assert applied["amount"] == quoted["amount"]
    assert (applied["period_from"], applied["period_to"]) == (
        quoted["period_from"],
        quoted["period_to"],
    )
    assert applied["description"] == quoted["description"]
    after = (await ledger.get(path, as_of="2026-02-10")).json()
    assert after["interest"]["due"] is False
    assert after["interest_charged_to"] == "2026-02-10"


async def test_quote_of_another_tenants_invoice_is_not_found(
    ledger: Ledger, backend: Backend
) -> None:
    invoice = await ledger.invoice(
        await ledger.debtor(credit_policy=STATUTORY_GB), 100_000, **OVERDUE
    )
    other = ledger.as_tenant(backend, "tenant-b")
    response = await other.get(f"/v1/invoices/{invoice['id']}/interest-quote", as_of="2026-01-31")
    assert response.status_code == 404


async def test_interest_for_a_half_year_whose_rate_nobody_checked_is_refused_until_confirmed(
    ledger: Ledger, backend: Backend
) -> None:
    _, invoice = await ledger.german_statutory_debtor_with_invoice(
        100_000, due="2025-12-31", issued="2025-12-01"
    )
    path = f"/v1/invoices/{invoice['id']}/interest-quote"
    # German interest moves each half-year: H2 2026 runs on the Basiszinssatz of 1 July 2026,
    # a day the shipped table was never checked for.
    refused = await ledger.get(path, as_of="2026-07-31")
    assert refused.status_code == 422, refused.text
    assert "checked only through 2026-06-30" in refused.json()["detail"]

    backend.clock.advance(timedelta(days=122))  # 2 July 2026
    admin = bearer(backend.token(ledger.tenant, "admin"))
    confirmed = await ledger.client.put(
        "/v1/reference-rates/DE/checked-through",
        json={"checked_through": "2026-07-01", "source": "Bundesbank notice of 1 July checked"},
        headers=admin,
    )
    assert confirmed.json() == {"series": "DE", "checked_through": "2026-07-01"}
    quote = (await ledger.get(path, as_of="2026-07-31")).json()
    assert [p["annual_rate_percent"] for p in quote["interest"]["periods"]] == ["10.27", "10.27"]


async def test_a_rate_cannot_be_confirmed_for_a_day_still_to_come(
    ledger: Ledger, backend: Backend
) -> None:
    admin = bearer(backend.token(ledger.tenant, "admin"))
    response = await ledger.client.put(
        "/v1/reference-rates/GB/checked-through",
        json={"checked_through": "2026-12-31", "source": "a guess"},
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "checked_through"
    checked = await ledger.read("/v1/reference-rates/GB/checked-through")
    assert checked["checked_through"] == "2026-02-28"


async def test_gb_statutory_interest_on_a_eur_invoice_runs_in_eur_without_fixed_compensation(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor(
        "FR-1", country="FR", currency="EUR", time_zone="Europe/Paris", credit_policy=STATUTORY_GB
    )
    invoice = await ledger.invoice(debtor, 100_000, currency="EUR", **OVERDUE)
    quote = await ledger.get(f"/v1/invoices/{invoice['id']}/interest-quote", as_of="2026-01-31")
    assert quote.status_code == 200, quote.text
    body = quote.json()
    # The Act's rate (Bank of England 3.75 % + 8 points) on the EUR principal, in EUR.
    assert body["interest"]["amount"] == money(998, "EUR")
    assert [p["annual_rate_percent"] for p in body["interest"]["periods"]] == ["11.75"]
    # The Act fixes the compensation in GBP: not converted, so not applicable.
    assert body["compensation"]["due"] is False
    assert "GBP" in body["compensation"]["reason"]
