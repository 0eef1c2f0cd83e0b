"""A URL holding a control character gets the same clear answer on both backends
(PostgreSQL cannot compare text holding NUL: it used to answer 500 there)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.invoice_svc.ledger_world import Ledger, running_ledger
from tests.support.harness import Backend


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with running_ledger(backend) as world:
        yield world


@pytest.mark.parametrize("path", ["/v1/debtors/a%00b", "/v1/invoices/a%00b", "/v1/payments/a%01"])
async def test_an_id_holding_a_control_character_names_nothing(ledger: Ledger, path: str) -> None:
    response = await ledger.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("path", "parameter"),
    [("/v1/debtors", "erp_id"), ("/v1/invoices", "debtor_id"), ("/v1/payments", "debtor_id")],
)
async def test_a_query_value_holding_a_control_character_is_refused_naming_it(
    ledger: Ledger, path: str, parameter: str
) -> None:
    response = await ledger.get(path, **{parameter: "a\x00b"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [parameter]


async def test_a_plain_query_still_reaches_the_route(ledger: Ledger) -> None:
    debtor = await ledger.debtor("C-1")
    found = await ledger.get("/v1/debtors", erp_id="C-1")
    assert [d["id"] for d in found.json()["items"]] == [debtor]
