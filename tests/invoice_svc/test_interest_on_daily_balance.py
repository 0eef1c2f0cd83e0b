"""Interest accrues day by day on the principal outstanding that day; compensation is decided
by the debt that fell due (``domain/principal_history.py`` states the conventions)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from debtflow_shared.catalog.invoice import ChargeKind
from invoice_svc.adapters.charge_repository import ChargeRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.domain.principal_history import balance_total
from tests.invoice_svc.escalation_world import command, ledger_with_commands
from tests.invoice_svc.ledger_world import Ledger, money
from tests.support.harness import Backend, Recorder, eventually

STATUTORY_GB = {"interest": {"kind": "statutory", "jurisdiction": "GB"}}
# Due 31 Dec 2025: interest runs from 1 Jan 2026 at 11.75 % (3.75 % base on 31 Dec 2025 + 8),
# fixed for the debt (GB). The clock stands at 2 Mar 2026.
OVERDUE = {"due": "2025-12-31", "issued": "2025-12-01"}
GB_RATE = Decimal("11.75")


def interest_of(*spans: tuple[int, int]) -> int:
    """Interest on ``(principal, days)`` spans at the GB rate, summed exactly, rounded once."""
    exact = sum((Decimal(p) * GB_RATE * days for p, days in spans), Decimal(0)) / (100 * 365)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.fixture
async def ledger(backend: Backend) -> AsyncIterator[Ledger]:
    async with ledger_with_commands(backend) as world:
        yield world


async def gb_invoice(ledger: Ledger, amount_minor: int, **dates: str) -> tuple[str, str]:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    invoice = await ledger.invoice(debtor, amount_minor, **(OVERDUE | dates))
    return debtor, str(invoice["id"])


async def quote(ledger: Ledger, invoice_id: str, as_of: str) -> dict[str, Any]:
    response = await ledger.get(f"/v1/invoices/{invoice_id}/interest-quote", as_of=as_of)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def paid(ledger: Ledger, debtor: str, invoice_id: str, amount: int, on: str) -> str:
    response = await ledger.pay(debtor, amount, invoice_ids=[invoice_id], received_on=on)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def charge_interest(
    ledger: Ledger, backend: Backend, debtor: str, invoice_id: str, as_of: str, request_id: str
) -> dict[str, Any]:
    """Request interest to ``as_of`` and return the charge it applied (a probe of its own
    group sees the topic from its start: pick this request's charge)."""
    request = {"request_id": request_id, "invoice_id": invoice_id, "kind": "interest"}

    def applied(seen: Recorder) -> list[dict[str, Any]]:
        return [e.data for e in seen.envelopes() if e.data["request_id"] == request_id]

    async with backend.probe("invoice.charge_applied") as seen:
        await backend.raw_publish([command("charge.requested", request | {"as_of": as_of}, debtor)])
        await eventually(lambda: len(applied(seen)) == 1)
    return applied(seen)[0]


async def interest_charged(ledger: Ledger, invoice_id: str) -> int:
    async with ledger.runtime.uow() as uow:
        return await ChargeRepository(uow.session).charged(
            ledger.tenant, invoice_id, ChargeKind.INTEREST
        )


async def test_a_part_payment_lowers_the_interest_from_the_day_it_arrived(
    ledger: Ledger,
) -> None:
    debtor, invoice = await gb_invoice(ledger, 500_000)
    await paid(ledger, debtor, invoice, 250_000, "2026-01-31")
    body = await quote(ledger, invoice, "2026-02-28")
    # 1-30 Jan on 5,000.00; from 31 Jan (the day the money arrived) on 2,500.00.
    assert body["interest"]["amount"] == money(interest_of((500_000, 30), (250_000, 29)))
    first, second = body["interest"]["periods"]
    assert (first["from"], first["to"], first["principal"]) == (
        "2026-01-01",
        "2026-01-30",
        money(500_000),
    )
    assert (second["from"], second["to"], second["principal"]) == (
        "2026-01-31",
        "2026-02-28",
        money(250_000),
    )


async def test_a_quote_dated_before_a_payment_is_priced_on_the_balance_before_it(
    ledger: Ledger,
) -> None:
    debtor, invoice = await gb_invoice(ledger, 500_000)
    await paid(ledger, debtor, invoice, 250_000, "2026-01-31")
    body = await quote(ledger, invoice, "2026-01-20")
    assert body["interest"]["amount"] == money(interest_of((500_000, 20)))


async def test_a_reversed_payment_counts_as_never_received(ledger: Ledger) -> None:
    debtor, invoice = await gb_invoice(ledger, 500_000)
    payment = await paid(ledger, debtor, invoice, 250_000, "2026-01-10")
    reversed_ = await ledger.post(f"/v1/payments/{payment}/reverse", {"reason": "bounced"})
    assert reversed_.status_code == 200, reversed_.text
    body = await quote(ledger, invoice, "2026-02-28")
    assert body["interest"]["amount"] == money(interest_of((500_000, 59)))
    assert [p["principal"] for p in body["interest"]["periods"]] == [money(500_000)]


async def test_a_credit_note_corrects_the_invoice_from_its_issue_date(ledger: Ledger) -> None:
    _, invoice = await gb_invoice(ledger, 500_000)
    credited = await ledger.post(
        f"/v1/invoices/{invoice}/credit-notes", {"amount": money(100_000), "reason": "returned"}
    )
    assert credited.status_code == 200, credited.text
    # Raised on 2 Mar, yet the credited 1,000.00 never bore interest: it was never owed.
    body = await quote(ledger, invoice, "2026-02-28")
    assert body["interest"]["amount"] == money(interest_of((400_000, 59)))


async def test_an_amendment_changes_the_principal_from_the_day_the_erp_sent_it(
    ledger: Ledger,
) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    sent = await ledger.invoice(debtor, 500_000, erp_id="INV-A", **OVERDUE)
    amended = await ledger.invoice_upsert(debtor, sent, amount_minor=300_000)
    assert amended.status_code == 200, amended.text
    body = await quote(ledger, sent["id"], "2026-03-10")
    # Sent on 2 Mar (London): 1 Jan - 1 Mar on 5,000.00, 2 - 10 Mar on 3,000.00.
    assert body["interest"]["amount"] == money(interest_of((500_000, 60), (300_000, 9)))


async def test_a_back_dated_payment_after_interest_was_charged_is_corrected_on_the_next_charge(
    ledger: Ledger, backend: Backend
) -> None:
    debtor, invoice = await gb_invoice(ledger, 500_000)
    first = await charge_interest(ledger, backend, debtor, invoice, "2026-02-10", "r1")
    assert first["amount"] == money(interest_of((500_000, 41)))
    # The ERP now reports 2,500.00 that had arrived on 15 Jan: days already charged were
    # priced on too much.
    await paid(ledger, debtor, invoice, 250_000, "2026-01-15")
    second = await charge_interest(ledger, backend, debtor, invoice, "2026-02-28", "r2")
    due_to_feb_28 = interest_of((500_000, 14), (250_000, 45))
    assert await interest_charged(ledger, invoice) == due_to_feb_28
    assert second["amount"] == money(due_to_feb_28 - first["amount"]["amount_minor"])
    assert "correction of interest charged to 2026-02-10" in second["description"]
    assert (second["period_from"], second["period_to"]) == ("2026-02-11", "2026-02-28")


async def test_a_correction_larger_than_the_new_days_credits_interest_back(
    ledger: Ledger, backend: Backend
) -> None:
    debtor, invoice = await gb_invoice(ledger, 500_000)
    first = await charge_interest(ledger, backend, debtor, invoice, "2026-02-10", "r1")
    # Paid in full on 2 Jan after all: only 1 Jan bore interest.
    await paid(ledger, debtor, invoice, 500_000, "2026-01-02")
    second = await charge_interest(ledger, backend, debtor, invoice, "2026-02-20", "r2")
    due = interest_of((500_000, 1))
    assert second["amount"] == money(due - first["amount"]["amount_minor"])
    assert await interest_charged(ledger, invoice) == due
    after = await ledger.read(f"/v1/invoices/{invoice}")
    assert after["charges_open"] == money(due)


async def test_a_correction_with_no_new_days_is_charged_on_its_own(
    ledger: Ledger, backend: Backend
) -> None:
    debtor, invoice = await gb_invoice(ledger, 500_000)
    await charge_interest(ledger, backend, debtor, invoice, "2026-02-10", "r1")
    payment = await paid(ledger, debtor, invoice, 200_000, "2026-01-20")
    # Asked again for the same last day: no new days, but the earlier charge was too high.
    again = await charge_interest(ledger, backend, debtor, invoice, "2026-02-10", "r2")
    assert again["amount"]["amount_minor"] < 0
    assert (again["period_from"], again["period_to"]) == (None, None)
    assert await interest_charged(ledger, invoice) == interest_of((500_000, 19), (300_000, 22))
    # The payment bounces: the days charged were priced on too little now.
    await ledger.post(f"/v1/payments/{payment}/reverse", {"reason": "bounced"})
    back = await charge_interest(ledger, backend, debtor, invoice, "2026-02-10", "r3")
    assert back["amount"]["amount_minor"] > 0
    assert await interest_charged(ledger, invoice) == interest_of((500_000, 41))


@pytest.mark.parametrize(
    ("amount", "part_paid", "received_on", "band"),
    [
        # 1,200.00 with 300.00 paid after the due date: 1,200.00 fell due, so 70.00.
        (120_000, 30_000, "2026-01-15", 7_000),
        # 1,000.00 fell due (the 0.01 came a day late): 70.00.
        (100_000, 1, "2026-01-01", 7_000),
        # 0.01 paid on the due date itself: 999.99 fell due, so 40.00.
        (100_000, 1, "2025-12-31", 4_000),
        # 10,000.00 fell due, 9,000.00 paid later: still the top band, 100.00.
        (1_000_000, 900_000, "2026-02-01", 10_000),
        # 0.01 paid before the due date: 9,999.99 fell due, 70.00.
        (1_000_000, 1, "2025-12-20", 7_000),
    ],
)
async def test_fixed_compensation_is_decided_by_the_debt_that_fell_due(
    ledger: Ledger, amount: int, part_paid: int, received_on: str, band: int
) -> None:
    debtor, invoice = await gb_invoice(ledger, amount)
    await paid(ledger, debtor, invoice, part_paid, received_on)
    body = await quote(ledger, invoice, "2026-02-28")
    assert body["compensation"]["amount"] == money(band)


async def test_exact_period_amounts_carry_six_decimal_places(ledger: Ledger) -> None:
    _, invoice = await gb_invoice(ledger, 1_234_567)
    [period] = (await quote(ledger, invoice, "2026-01-31"))["interest"]["periods"]
    exact = Decimal(period["amount_minor_exact"])
    assert exact == exact.quantize(Decimal("0.000001"))
    assert exact == (Decimal(1_234_567) * GB_RATE * 31 / 36_500).quantize(
        Decimal("0.000001"), rounding=ROUND_HALF_UP
    )


async def test_the_principal_changes_always_add_up_to_the_open_principal(
    ledger: Ledger, backend: Backend
) -> None:
    debtor = await ledger.debtor(credit_policy=STATUTORY_GB)
    sent = await ledger.invoice(debtor, 500_000, erp_id="INV-S", **OVERDUE)
    await ledger.invoice_upsert(debtor, sent, amount_minor=600_000)
    payment = await paid(ledger, debtor, sent["id"], 100_000, "2026-01-05")
    await paid(ledger, debtor, sent["id"], 50_000, "2026-01-06")
    await ledger.post(
        f"/v1/invoices/{sent['id']}/credit-notes", {"amount": money(20_000), "reason": "x"}
    )
    await ledger.post(f"/v1/payments/{payment}/reverse", {"reason": "bounced"})
    after = await ledger.read(f"/v1/invoices/{sent['id']}")
    async with ledger.runtime.uow() as uow:
        changes = await InvoiceRepository(uow.session).principal_changes(ledger.tenant, sent["id"])
    assert balance_total(changes) == after["principal_open"]["amount_minor"] == 530_000
    assert [c.kind.value for c in changes] == [
        "issued",
        "amended",
        "paid",
        "paid",
        "credited",
        "reversed",
    ]
    assert changes[2].on == date(2026, 1, 5)
