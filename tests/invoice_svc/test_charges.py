"""charge.requested: late fees, interest to date and compensation, each once per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest

from debtflow_shared.catalog.invoice import ChargeKind
from invoice_svc.adapters.charge_repository import ChargeRepository
from invoice_svc.domain.invoice import Charge
from invoice_svc.domain.late_payment import statutory_interest
from invoice_svc.domain.reference_rates import ReferenceRateTable
from tests.invoice_svc.escalation_world import answers, command, ledger_with_commands
from tests.invoice_svc.ledger_world import Ledger, money
from tests.support.harness import Backend, Recorder, eventually

STATUTORY_GB = {"interest": {"kind": "statutory", "jurisdiction": "GB"}}
# Due 31 Dec 2025: statutory interest runs from 1 Jan 2026 (the clock stands at 2 Mar 2026).
OVERDUE = {"due": "2025-12-31", "issued": "2025-12-01"}


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with ledger_with_commands(backend) as world:
        yield world


async def charge(
    backend: Backend,
    seen: Recorder,
    debtor: str,
    requests: list[dict[str, Any]],
    *,
    applied: int,
) -> None:
    """Send the requests and wait until ``applied`` charge events were published."""
    await backend.raw_publish([command("charge.requested", r, debtor) for r in requests])
    await eventually(lambda: len(seen.messages) == applied)


def request(invoice: dict[str, Any], kind: str, as_of: str, request_id: str) -> dict[str, Any]:
    return {"request_id": request_id, "invoice_id": invoice["id"], "kind": kind, "as_of": as_of}


async def charges_of(ledger: Ledger, invoice: dict[str, Any]) -> list[Charge]:
    async with ledger.runtime.uow() as uow:
        return await ChargeRepository(uow.session).for_invoice(ledger.tenant, invoice["id"])


async def test_fixed_late_fee_is_charged_as_its_own_line(ledger: Ledger, backend: Backend) -> None:
    debtor = await ledger.debtor(
        credit_policy={"late_fee": {"kind": "fixed", "fixed": money(2_500)}}
    )
    invoice = await ledger.invoice(debtor, 100_000, **OVERDUE)
    async with backend.probe("invoice.charge_applied") as seen:
        await charge(
            backend, seen, debtor, [request(invoice, "late_fee", "2026-02-01", "r1")], applied=1
        )
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert (after["principal_open"], after["charges_open"]) == (money(100_000), money(2_500))
    [fee] = await charges_of(ledger, invoice)
    assert (fee.kind, fee.amount_minor, fee.request_id) == (ChargeKind.LATE_FEE, 2_500, "r1")
    event = seen.envelopes()[0].data
    assert (event["kind"], event["amount"]) == ("late_fee", money(2_500))
    assert event["description"] == "Late fee: 25.00 GBP"


async def test_percent_late_fee_is_capped(ledger: Ledger, backend: Backend) -> None:
    rule = {"kind": "percent", "percent": "5", "cap": money(4_000)}
    debtor = await ledger.debtor(credit_policy={"late_fee": rule})
    small = await ledger.invoice(debtor, 50_000, number="S", **OVERDUE)  # 5 % = 25.00
    large = await ledger.invoice(debtor, 100_000, number="L", **OVERDUE)  # 5 % = 50.00 > 40.00
    async with backend.probe("invoice.charge_applied") as seen:
        await charge(
            backend,
            seen,
            debtor,
            [
                request(small, "late_fee", "2026-02-01", "s"),
                request(large, "late_fee", "2026-02-01", "l"),
            ],
            applied=2,
        )
    assert [c.amount_minor for c in await charges_of(ledger, small)] == [2_500]
    [capped] = await charges_of(ledger, large)
    assert capped.amount_minor == 4_000
    assert "capped at 40.00 GBP" in capped.description


async def test_statutory_interest_charged_twice_adds_up_to_the_one_shot_amount(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, 1_234_567, **OVERDUE)
    async with backend.probe("invoice.charge_applied") as seen:
        await charge(
            backend,
            seen,
            debtor,
            [
                request(invoice, "interest", "2026-01-10", "i1"),
                request(invoice, "interest", "2026-02-20", "i2"),
            ],
            applied=2,
        )
    first, second = await charges_of(ledger, invoice)
    assert (first.period_from, first.period_to) == (date(2026, 1, 1), date(2026, 1, 10))
    assert (second.period_from, second.period_to) == (date(2026, 1, 11), date(2026, 2, 20))
    one_shot = statutory_interest(
        1_234_567,
        "GBP",
        "GB",
        interest_starts=date(2026, 1, 1),
        from_day=date(2026, 1, 1),
        to_day=date(2026, 2, 20),
        rates=ReferenceRateTable.shipped(),
    )
    assert first.amount_minor + second.amount_minor == one_shot.amount_minor
    after = await ledger.read(f"/v1/invoices/{invoice['id']}")
    assert after["charges_open"] == money(one_shot.amount_minor)


async def test_interest_already_charged_to_the_day_asked_charges_nothing(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, 100_000, **OVERDUE)
    marker = await ledger.invoice(debtor, 100_000, number="M", **OVERDUE)
    async with backend.probe("invoice.charge_applied") as seen:
        await charge(
            backend,
            seen,
            debtor,
            [
                request(invoice, "interest", "2026-02-01", "a"),
                request(invoice, "interest", "2026-01-15", "b"),  # days charged already
                request(marker, "interest", "2026-02-01", "m"),
            ],
            applied=2,
        )
    assert [c.request_id for c in await charges_of(ledger, invoice)] == ["a"]


async def test_the_same_charge_request_twice_applies_one_charge_and_one_event(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, 100_000, **OVERDUE)
    marker = await ledger.invoice(debtor, 100_000, number="M", **OVERDUE)
    same = request(invoice, "interest", "2026-02-01", "case-1/interest")
    async with backend.probe("invoice.charge_applied") as seen:
        await charge(
            backend,
            seen,
            debtor,
            [same, same | {"as_of": "2026-02-15"}, request(marker, "interest", "2026-02-01", "m")],
            applied=2,
        )
    [only] = await charges_of(ledger, invoice)
    assert only.period_to == date(2026, 2, 1)
    assert [e.data["request_id"] for e in seen.envelopes()] == ["case-1/interest", "m"]


async def test_fixed_compensation_is_charged_once_per_invoice(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, 250_000, **OVERDUE)  # £2,500: £70 under the 1998 Act
    marker = await ledger.invoice(debtor, 100_000, number="M", **OVERDUE)
    async with backend.probe("invoice.charge_applied") as seen:
        await charge(
            backend,
            seen,
            debtor,
            [
                request(invoice, "compensation", "2026-01-05", "c1"),
                request(invoice, "compensation", "2026-02-05", "c2"),
                request(marker, "compensation", "2026-01-05", "m"),
            ],
            applied=2,
        )
    [compensation] = await charges_of(ledger, invoice)
    assert (compensation.kind, compensation.amount_minor) == (ChargeKind.COMPENSATION, 7_000)


async def test_a_disputed_invoice_is_not_charged(ledger: Ledger, backend: Backend) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, 100_000, **OVERDUE)
    marker = await ledger.invoice(debtor, 100_000, number="M", **OVERDUE)
    body = {"reason": "wrong price", "raised_by": "buyer"}
    assert (await ledger.post(f"/v1/invoices/{invoice['id']}/disputes", body)).status_code == 201
    async with backend.probe("invoice.charge_applied") as seen:
        await charge(
            backend,
            seen,
            debtor,
            [
                request(invoice, "interest", "2026-02-01", "d"),
                request(marker, "interest", "2026-02-01", "m"),
            ],
            applied=1,
        )
    assert await charges_of(ledger, invoice) == []
    assert seen.envelopes()[0].data["invoice"]["invoice_id"] == marker["id"]


async def test_charges_list_shows_each_charge_with_its_period_oldest_first(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(
        credit_policy=STATUTORY_GB | {"late_fee": {"kind": "fixed", "fixed": money(2_500)}}
    )
    invoice = await ledger.invoice(debtor, 100_000, **OVERDUE)
    async with backend.probe("invoice.charge_applied") as seen:
        await charge(
            backend,
            seen,
            debtor,
            [
                request(invoice, "late_fee", "2026-02-01", "f1"),
                request(invoice, "interest", "2026-01-31", "i1"),
            ],
            applied=2,
        )
    listed = (await ledger.read(f"/v1/invoices/{invoice['id']}/charges"))["items"]
    assert [(c["kind"], c["request_id"]) for c in listed] == [
        ("late_fee", "f1"),
        ("interest", "i1"),
    ]
    assert listed[0]["amount"] == money(2_500)
    assert (listed[1]["period_from"], listed[1]["period_to"]) == ("2026-01-01", "2026-01-31")
    total = sum(c["amount"]["amount_minor"] for c in listed)
    assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["charges_open"] == money(total)


async def test_another_tenants_invoice_charges_are_not_found(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()
    invoice = await ledger.invoice(debtor, 100_000, **OVERDUE)
    other = ledger.as_tenant(backend, "tenant-b")
    response = await other.get(f"/v1/invoices/{invoice['id']}/charges")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_interest_over_a_day_whose_rate_was_never_checked_is_declined_not_guessed(
    ledger: Ledger, backend: Backend
) -> None:
    debtor, invoice = await ledger.german_statutory_debtor_with_invoice(
        100_000, due="2025-12-31", issued="2025-12-01"
    )
    backend.clock.advance(timedelta(days=160))  # August 2026: H2 runs on an unchecked rate
    async with backend.probe("charge.declined") as seen:
        await charge(
            backend, seen, debtor, [request(invoice, "interest", "2026-07-31", "i1")], applied=1
        )
    declined = seen.envelopes()[0].data
    assert (declined["request_id"], declined["reason"]) == ("i1", "rate_not_checked")
    assert "checked only through 2026-06-30" in declined["message"]
    assert await charges_of(ledger, invoice) == []


async def declined(
    ledger: Ledger, backend: Backend, debtor: str, requests: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Send the requests and return the ``charge.declined`` payloads, once all have an answer."""
    async with backend.probe("charge.declined", "invoice.charge_applied") as seen:
        await charge(backend, seen, debtor, requests, applied=len(requests))
    return [e.data for e in seen.envelopes() if e.type == "charge.declined"]


async def test_a_charge_on_a_paid_invoice_is_declined_naming_its_status(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, 100_000, **OVERDUE)
    assert (await ledger.pay(debtor, 100_000)).status_code == 201
    [answer] = await declined(
        ledger, backend, debtor, [request(invoice, "interest", "2026-02-01", "p")]
    )
    assert (answer["reason"], answer["invoice_status"]) == ("invoice_not_chased", "paid")
    assert (answer["invoice_id"], answer["kind"]) == (invoice["id"], "interest")
    assert answer["message"] == "the invoice is paid"


async def test_a_charge_on_an_unknown_invoice_is_declined_not_dead_lettered(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()
    unknown = {"id": "no-such-invoice"}
    [answer] = await declined(
        ledger, backend, debtor, [request(unknown, "late_fee", "2026-02-01", "u")]
    )
    assert (answer["reason"], answer["invoice_status"]) == ("unknown_invoice", None)
    [envelope] = await answers(ledger, "u")
    assert envelope.subject == debtor  # keyed like the command, so its requester's partition


async def test_a_charge_before_interest_runs_is_declined_as_not_overdue(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, 100_000, due="2026-12-31", issued="2026-02-01")
    [answer] = await declined(
        ledger, backend, debtor, [request(invoice, "interest", "2026-02-01", "n")]
    )
    assert answer["reason"] == "not_overdue"


async def test_charges_the_policy_does_not_give_are_declined_as_nothing_due(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor()  # no late fee, no interest
    invoice = await ledger.invoice(debtor, 100_000, **OVERDUE)
    answers_ = await declined(
        ledger,
        backend,
        debtor,
        [
            request(invoice, "late_fee", "2026-02-01", "f"),
            request(invoice, "interest", "2026-02-01", "i"),
            request(invoice, "compensation", "2026-02-01", "c"),
        ],
    )
    assert [(a["request_id"], a["reason"]) for a in answers_] == [
        ("f", "nothing_due"),
        ("i", "nothing_due"),
        ("c", "nothing_due"),
    ]


async def test_compensation_asked_again_is_declined_as_already_charged(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, 250_000, **OVERDUE)
    [answer] = await declined(
        ledger,
        backend,
        debtor,
        [
            request(invoice, "compensation", "2026-01-05", "c1"),
            request(invoice, "compensation", "2026-02-05", "c2"),
        ],
    )
    assert (answer["request_id"], answer["reason"]) == ("c2", "already_charged")


async def test_a_late_fee_in_another_currency_is_declined_as_not_computable(
    ledger: Ledger, backend: Backend
) -> None:
    fee = {"kind": "fixed", "fixed": {"amount_minor": 2_500, "currency": "EUR"}}
    debtor = await ledger.debtor(credit_policy={"late_fee": fee})
    invoice = await ledger.invoice(debtor, 100_000, **OVERDUE)
    [answer] = await declined(
        ledger, backend, debtor, [request(invoice, "late_fee", "2026-02-01", "x")]
    )
    assert answer["reason"] == "not_computable"
    assert "EUR" in answer["message"]


async def test_a_declined_charge_request_resent_is_answered_once(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, 100_000, due="2026-12-31", issued="2026-02-01")
    marker = await ledger.invoice(debtor, 100_000, number="M", **OVERDUE)
    same = request(invoice, "interest", "2026-02-01", "case-1/interest")
    # The marker is keyed like the copies, so answered after them.
    async with backend.probe("charge.declined", "invoice.charge_applied") as seen:
        await charge(
            backend,
            seen,
            debtor,
            [same, same, request(marker, "interest", "2026-02-01", "m")],
            applied=2,
        )
    assert [e.type for e in await answers(ledger, "case-1/interest")] == ["charge.declined"]


async def test_an_applied_charge_request_resent_is_answered_once(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, 100_000, **OVERDUE)
    marker = await ledger.invoice(debtor, 100_000, number="M", **OVERDUE)
    same = request(invoice, "interest", "2026-02-01", "r")
    async with backend.probe("charge.declined", "invoice.charge_applied") as seen:
        await charge(
            backend,
            seen,
            debtor,
            [same, same, request(marker, "interest", "2026-02-01", "m")],
            applied=2,
        )
    assert [e.type for e in await answers(ledger, "r")] == ["invoice.charge_applied"]
