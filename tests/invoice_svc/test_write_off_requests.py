"""write_off.requested: the whole open balance, if at most the amount asked, once per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.invoice_svc.escalation_world import answers, command, ledger_with_commands
from tests.invoice_svc.ledger_world import Ledger, money
from tests.support.harness import Backend, eventually

OUTCOMES = ("invoice.written_off", "write_off.declined")


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with ledger_with_commands(backend) as world:
        yield world


def write_off(
    invoice: dict[str, Any], at_most: int, request_id: str, **fields: Any
) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "invoice_id": invoice["id"],
        "max_amount": money(at_most, fields.pop("currency", "GBP")),
        "reason": "settled: remainder forgiven",
    }


async def outcomes(
    backend: Backend, debtor: str, requests: list[dict[str, Any]], *, expected: int
) -> list[Any]:
    """Send the requests and return the outcomes, once ``expected`` were published."""
    async with backend.probe(*OUTCOMES) as seen:
        await backend.raw_publish([command("write_off.requested", r, debtor) for r in requests])
        await eventually(lambda: len(seen.messages) == expected)
    return seen.envelopes()


async def test_an_open_balance_within_the_amount_is_written_off_naming_the_request(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    assert (await ledger.pay(debtor, 9_000)).status_code == 201
    [event] = await outcomes(backend, debtor, [write_off(invoice, 1_500, "w1")], expected=1)
    assert event.type == "invoice.written_off"
    assert (event.data["request_id"], event.data["amount"]) == ("w1", money(1_000))
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert (after["status"], after["open_balance"]) == ("written_off", money(0))


async def test_an_open_balance_above_the_amount_is_declined_and_left_open(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    [event] = await outcomes(backend, debtor, [write_off(invoice, 9_999, "w1")], expected=1)
    assert event.type == "write_off.declined"
    assert (event.data["reason"], event.data["open_balance"]) == ("above_maximum", money(10_000))
    assert event.data["message"] == "99.99 GBP at most may be written off; 100.00 GBP is open"
    assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["status"] == "open"


async def test_a_paid_invoice_is_not_written_off(ledger: Ledger, backend: Backend) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    assert (await ledger.pay(debtor, 10_000)).status_code == 201
    [event] = await outcomes(backend, debtor, [write_off(invoice, 10_000, "w1")], expected=1)
    assert (event.type, event.data["reason"]) == ("write_off.declined", "invoice_not_collectible")
    assert event.data["invoice_status"] == "paid"


async def test_a_maximum_in_another_currency_is_declined(ledger: Ledger, backend: Backend) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    request = write_off(invoice, 50_000, "w1", currency="EUR")
    [event] = await outcomes(backend, debtor, [request], expected=1)
    assert (event.type, event.data["reason"]) == ("write_off.declined", "currency_mismatch")


async def test_an_unknown_invoice_is_declined_not_dead_lettered(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()
    [event] = await outcomes(
        backend, debtor, [write_off({"id": "no-such-invoice"}, 100, "w1")], expected=1
    )
    assert (event.type, event.data["reason"], event.subject) == (
        "write_off.declined",
        "unknown_invoice",
        debtor,
    )


async def test_a_write_off_request_resent_is_answered_once(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    marker = await ledger.invoice(debtor, 10_000, number="M")
    same = write_off(invoice, 10_000, "w1")
    # The marker is keyed like the copies, so answered after them.
    await outcomes(backend, debtor, [same, same, write_off(marker, 1, "m")], expected=2)
    assert [e.type for e in await answers(ledger, "w1")] == ["invoice.written_off"]


async def test_a_declined_write_off_request_resent_after_a_payment_is_still_declined_once(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 10_000)
    marker = await ledger.invoice(debtor, 10_000, number="M")
    same = write_off(invoice, 5_000, "w1")
    async with backend.probe(*OUTCOMES) as seen:
        await backend.raw_publish([command("write_off.requested", same, debtor)])
        await eventually(lambda: len(seen.messages) == 1)
        assert (await ledger.pay(debtor, 6_000, invoice_ids=[invoice["id"]])).status_code == 201
        # Now within the amount, but the request was answered: a new request id would do it.
        await backend.raw_publish(
            [command("write_off.requested", r, debtor) for r in [same, write_off(marker, 1, "m")]]
        )
        await eventually(lambda: len(seen.messages) == 2)
    assert [e.type for e in await answers(ledger, "w1")] == ["write_off.declined"]
    assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["status"] == "partially_paid"
