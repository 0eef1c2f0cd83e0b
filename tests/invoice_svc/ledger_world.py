"""A running invoice-svc and HTTP helpers for the invoice and payment tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.api import api_client, bearer
from tests.support.harness import Backend

SCOPES = ("debtors:read", "debtors:write", "invoices:read", "invoices:write", "payments:write")


def money(amount_minor: int, currency: str = "GBP") -> dict[str, Any]:
    return {"amount_minor": amount_minor, "currency": currency}


@dataclass
class Ledger:
    """One tenant's view of a running invoice-svc."""

    runtime: ServiceRuntime
    client: httpx.AsyncClient
    headers: dict[str, str]
    tenant: str

    def as_tenant(self, backend: Backend, tenant: str) -> Ledger:
        return Ledger(self.runtime, self.client, bearer(backend.token(tenant, *SCOPES)), tenant)

    async def debtor(self, erp_id: str = "C-1", **fields: Any) -> str:
        body = {
            "erp_id": erp_id,
            "name": f"Debtor {erp_id}",
            "country": "GB",
            "currency": "GBP",
            "time_zone": "Europe/London",
        } | fields
        response = await self.client.post("/v1/debtors", json=body, headers=self.headers)
        assert response.status_code in (200, 201), response.text
        return str(response.json()["id"])

    async def invoice(
        self,
        debtor_id: str,
        amount_minor: int = 10_000,
        *,
        due: str = "2026-03-31",
        issued: str = "2026-03-01",
        currency: str = "GBP",
        **fields: Any,
    ) -> dict[str, Any]:
        body = {
            "debtor_id": debtor_id,
            "number": fields.pop("number", f"N-{amount_minor}-{due}"),
            "issue_date": issued,
            "due_date": due,
            "amount": money(amount_minor, currency),
        } | fields
        response = await self.post("/v1/invoices", body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def german_statutory_debtor_with_invoice(
        self, amount_minor: int, *, due: str, issued: str
    ) -> tuple[str, dict[str, Any]]:
        """A Berlin debtor owed German statutory interest (rates move each half-year)."""
        debtor = await self.debtor(
            "DE-1",
            country="DE",
            currency="EUR",
            time_zone="Europe/Berlin",
            credit_policy={"interest": {"kind": "statutory", "jurisdiction": "DE"}},
        )
        invoice = await self.invoice(debtor, amount_minor, due=due, issued=issued, currency="EUR")
        return debtor, invoice

    async def invoice_upsert(
        self, debtor_id: str, invoice: dict[str, Any], **changes: Any
    ) -> httpx.Response:
        """Re-send ``invoice`` under its ERP id with ``changes`` (``amount_minor``, dates...)."""
        body = {
            "debtor_id": debtor_id,
            "erp_id": invoice["erp_id"],
            "number": invoice["number"],
            "issue_date": invoice["issue_date"],
            "due_date": invoice["due_date"],
            "amount": invoice["amount"],
        }
        if "amount_minor" in changes:
            body["amount"] = money(changes.pop("amount_minor"), invoice["amount"]["currency"])
        return await self.post("/v1/invoices", body | changes)

    async def pay(self, debtor_id: str, amount_minor: int, **fields: Any) -> httpx.Response:
        currency = fields.pop("currency", "GBP")
        body = {
            "debtor_id": debtor_id,
            "amount": money(amount_minor, currency),
            "received_on": "2026-03-02",
        } | fields
        return await self.post("/v1/payments", body)

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.client.get(path, params=params, headers=self.headers)

    async def read(self, path: str) -> dict[str, Any]:
        response = await self.get(path)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.post(path, json=body, headers=self.headers)

    async def add_charge(self, invoice_id: str, amount_minor: int) -> None:
        """Charges are applied by the charges slice; tests add one straight to the ledger."""
        async with self.runtime.uow() as uow:
            repository = InvoiceRepository(uow.session)
            invoice = await repository.get(self.tenant, invoice_id, lock=True)
            assert invoice is not None
            invoice.add_charge(amount_minor, uow.clock.now())
            await repository.save(invoice)
            await uow.commit()


@contextlib.asynccontextmanager
async def running_ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with backend.service(INVOICE, InvoiceSettings) as runtime, api_client(runtime) as c:
        yield Ledger(runtime, c, bearer(backend.token("tenant-a", *SCOPES)), "tenant-a")
