"""/v1/ledger-settings: the tenant's allocation order drives how payments split."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.invoice_svc.ledger_world import SCOPES, Ledger, money, running_ledger
from tests.support.api import bearer
from tests.support.harness import Backend


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with running_ledger(backend) as world:
        yield world


def as_admin(ledger: Ledger, backend: Backend, tenant: str = "tenant-a") -> dict[str, str]:
    return bearer(backend.token(tenant, *SCOPES, "admin"))


async def put_order(ledger: Ledger, backend: Backend, order: str, tenant: str = "tenant-a") -> None:
    response = await ledger.client.put(
        "/v1/ledger-settings",
        json={"allocation_order": order},
        headers=as_admin(ledger, backend, tenant),
    )
    assert response.status_code == 200, response.text


async def test_a_tenant_that_never_chose_runs_principal_first_at_version_0(ledger: Ledger) -> None:
    settings = await ledger.read("/v1/ledger-settings")
    assert settings["allocation_order"] == "principal_first"
    assert settings["version"] == 0


async def test_charges_first_makes_a_payment_pay_the_charges_before_the_principal(
    ledger: Ledger, backend: Backend
) -> None:
    await put_order(ledger, backend, "charges_first")
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    await ledger.add_charge(invoice["id"], 1_500)
    payment = (await ledger.pay(debtor, 2_000)).json()
    assert payment["allocations"][0]["charges"] == money(1_500)
    assert payment["allocations"][0]["principal"] == money(500)
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert (after["charges_open"], after["principal_open"]) == (money(0), money(9_500))


async def test_the_order_applies_to_payments_after_the_change_only(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    await ledger.add_charge(invoice["id"], 1_500)
    before = (await ledger.pay(debtor, 1_000)).json()
    await put_order(ledger, backend, "charges_first")
    after = (await ledger.pay(debtor, 1_000)).json()
    assert before["allocations"][0]["principal"] == money(1_000)
    assert after["allocations"][0]["charges"] == money(1_000)
    reread = await ledger.read(f"/v1/payments/{before['id']}")
    assert reread["allocations"][0]["principal"] == money(1_000)


async def test_setting_the_same_order_again_keeps_the_version(
    ledger: Ledger, backend: Backend
) -> None:
    await put_order(ledger, backend, "charges_first")
    await put_order(ledger, backend, "charges_first")
    await put_order(ledger, backend, "principal_first")
    assert (await ledger.read("/v1/ledger-settings"))["version"] == 2


async def test_an_unknown_order_is_refused_naming_the_field(
    ledger: Ledger, backend: Backend
) -> None:
    response = await ledger.client.put(
        "/v1/ledger-settings",
        json={"allocation_order": "interest_first"},
        headers=as_admin(ledger, backend),
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "allocation_order" in response.text
    assert (await ledger.read("/v1/ledger-settings"))["version"] == 0


async def test_changing_the_order_needs_the_admin_scope(ledger: Ledger) -> None:
    response = await ledger.client.put(
        "/v1/ledger-settings", json={"allocation_order": "charges_first"}, headers=ledger.headers
    )
    assert response.status_code == 403


async def test_one_tenants_order_does_not_touch_another_tenants_payments(
    ledger: Ledger, backend: Backend
) -> None:
    await put_order(ledger, backend, "charges_first", tenant="tenant-b")
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    await ledger.add_charge(invoice["id"], 1_500)
    payment = (await ledger.pay(debtor, 1_000)).json()
    assert payment["allocations"][0]["principal"] == money(1_000)
    assert (await ledger.read("/v1/ledger-settings"))["allocation_order"] == "principal_first"
