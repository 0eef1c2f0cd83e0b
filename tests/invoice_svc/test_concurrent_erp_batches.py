"""Batches of erp.invoice and erp.payment touching the same debtors at the same time, on
PostgreSQL: partitions of the two topics are applied concurrently, each batch in one
transaction. Neither deadlocks (a deadlock would show as a batch applied one by one) nor
loses an update (every debtor ends with exactly what was invoiced minus what was paid)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.tables import account_credits, debtors, invoices, payments
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.invoice_svc.test_erp_ingestion_kafka import ERP_DEBTOR, erp_message
from tests.support.harness import Backend, eventually

DEBTORS = [f"CUST-{n:02d}" for n in range(12)]
ROUNDS = 8
INVOICED = 10_000
PAID = 1_000


def _round(number: int) -> list[OutboundMessage]:
    """Each debtor's new invoice in one order and its payment in the reverse order."""
    new_invoices = [
        erp_message(
            "erp.invoice",
            {
                "erp_id": f"INV-{number}-{customer}",
                "debtor_erp_id": customer,
                "number": f"{number}-{customer}",
                "issue_date": "2026-03-01",
                "due_date": "2026-03-31",
                "currency": "GBP",
                "amount_minor": INVOICED,
            },
            customer,
        )
        for customer in DEBTORS
    ]
    new_payments = [
        erp_message(
            "erp.payment",
            {
                "erp_id": f"PAY-{number}-{customer}",
                "debtor_erp_id": customer,
                "amount": {"amount_minor": PAID, "currency": "GBP"},
                "received_on": "2026-03-10",
            },
            customer,
        )
        for customer in reversed(DEBTORS)
    ]
    return [m for pair in zip(new_invoices, new_payments, strict=True) for m in pair]


async def _count(invoice: ServiceRuntime, table: Any) -> int:
    async with invoice.engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


async def _owed_by_debtor(invoice: ServiceRuntime) -> dict[str, int]:
    async with invoice.engine.connect() as connection:
        open_ = dict(
            (
                await connection.execute(
                    select(
                        invoices.c.debtor_id, func.sum(invoices.c.principal_open_minor)
                    ).group_by(invoices.c.debtor_id)
                )
            ).all()
        )
        credit = dict(
            (
                await connection.execute(
                    select(
                        account_credits.c.debtor_id, func.sum(account_credits.c.amount_minor)
                    ).group_by(account_credits.c.debtor_id)
                )
            ).all()
        )
    return {d: int(open_.get(d, 0)) - int(credit.get(d, 0)) for d in set(open_) | set(credit)}


async def test_two_topics_batches_on_the_same_debtors_never_deadlock_nor_lose_an_update(
    infra: Backend,
) -> None:
    async with infra.service(INVOICE, InvoiceSettings) as invoice:
        await infra.raw_publish(
            [erp_message("erp.debtor", ERP_DEBTOR | {"erp_id": c}, c) for c in DEBTORS]
        )
        await eventually(lambda: _count_is(invoice, debtors, len(DEBTORS)))
        for number in range(ROUNDS):
            await infra.raw_publish(_round(number))
        expected = ROUNDS * len(DEBTORS)
        await eventually(lambda: _count_is(invoice, payments, expected), within=90)
        await eventually(lambda: _count_is(invoice, invoices, expected), within=90)
        owed = await _owed_by_debtor(invoice)
        fallbacks = {
            failed: invoice.metrics.registry.get_sample_value(
                "debtflow_consumer_batch_fallbacks_total",
                {"service": "invoice-svc", "group": "invoice-svc", "failed": failed},
            )
            for failed in ("transaction", "message", "set")
        }
        paid = invoice.metrics.registry.get_sample_value(
            "debtflow_events_consumed_total",
            {
                "service": "invoice-svc",
                "group": "invoice-svc",
                "topic": "erp.payment",
                "outcome": "processed",
            },
        )
    assert sorted(owed.values()) == [ROUNDS * (INVOICED - PAID)] * len(DEBTORS)
    assert paid == ROUNDS * len(DEBTORS)  # the labels are right: this one moved
    # Nothing failed and was applied again another way, as a deadlock's victim would be.
    assert fallbacks == {"transaction": None, "message": None, "set": None}


async def _count_is(invoice: ServiceRuntime, table: Any, expected: int) -> bool:
    return await _count(invoice, table) >= expected
