"""Settlement offers, on both backends: paid in time, the remainder is written off in
invoice-svc and the case resolves as settled; not paid, the offer lapses and the ladder
resumes; an offer above the tenant's limit is refused; a declined write-off becomes a
collector's task."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from debtflow_shared.catalog.debtor import ContactKind, EmailContact
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.domain.debtor import DebtorProfile
from invoice_svc.domain.invoice import InvoiceLine
from invoice_svc.domain.payment import PaymentDetails
from invoice_svc.service_layer.debtors import upsert_debtor
from invoice_svc.service_layer.invoices import IssueInvoice, issue_invoice
from invoice_svc.service_layer.payments import RecordPayment, record_payment
from invoice_svc.settings import InvoiceSettings
from tests.escalation_svc.collection_world import TENANT, World, escalation_world
from tests.support.harness import Backend, eventually

DUE = date(2026, 3, 12)


def offer(amount: int, expires_on: str = "2026-03-31") -> dict[str, Any]:
    return {"amount": {"amount_minor": amount, "currency": "GBP"}, "expires_on": expires_on}


async def opened(world: World) -> str:
    await world.debtor("d-1")
    await world.issued("i-1", "d-1", DUE)
    await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
    return str((await world.case_of("d-1"))["case_id"])


async def test_a_settlement_paid_in_time_writes_the_remainder_off_in_invoice_svc_and_resolves(
    backend: Backend,
) -> None:
    async with (
        backend.service(INVOICE, InvoiceSettings) as invoice,
        escalation_world(backend) as world,
    ):
        debtor = await upsert_debtor(
            invoice.uow(),
            TENANT,
            DebtorProfile(
                name="Settling Ltd",
                country="GB",
                currency="GBP",
                time_zone="Europe/London",
                contacts=(EmailContact(kind=ContactKind.EMAIL, value="ap@settling.example"),),
            ),
        )
        debtor_id = debtor.debtor.id
        issued = await issue_invoice(
            invoice.uow(),
            TENANT,
            IssueInvoice(
                debtor_id=debtor_id,
                number="INV-S-1",
                currency="GBP",
                issue_date=date(2026, 2, 10),
                due_date=DUE,
                amount_minor=100_000,
                lines=(InvoiceLine("Widgets", 100_000),),
            ),
        )
        invoice_id = issued.invoice.id

        async def case() -> dict[str, Any] | None:
            found = (await world.get("/cases", debtor_id=debtor_id))["items"]
            return found[0] if found else None

        await eventually(lambda: world.next_timer(), message="escalation never tracked it")
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        await eventually(case, message="no case opened")
        opened_case = await case()
        assert opened_case is not None
        made = await world.post(
            f"/cases/{opened_case['case_id']}/settlements", offer(80_000), status=201
        )
        assert made["settles"]["amount_minor"] == 100_000

        await record_payment(
            invoice.uow(),
            TENANT,
            RecordPayment(
                debtor_id=debtor_id,
                details=PaymentDetails(
                    amount_minor=80_000,
                    currency="GBP",
                    received_on=date(2026, 3, 20),
                    reference="INV-S-1",
                    method="bank_transfer",
                ),
                invoice_ids=(invoice_id,),
            ),
        )

        async def resolved() -> list[Any]:
            return await world.emitted("case.resolved")

        await eventually(resolved, message="the settled case never resolved")
        (accepted,) = await world.emitted("settlement.accepted")
        assert accepted.data["remainder"] == {"amount_minor": 20_000, "currency": "GBP"}
        (write_off,) = await world.emitted("write_off.requested")
        assert write_off.data["invoice_id"] == invoice_id
        assert write_off.data["max_amount"] == {"amount_minor": 20_000, "currency": "GBP"}
        (closed,) = await resolved()
        assert closed.data["outcome"] == "settled"
        read = await world.get(f"/settlements/{made['settlement_id']}")
        assert read["status"] == "accepted"
        assert read["write_offs"] == [
            {"invoice_id": invoice_id, "request_id": write_off.data["request_id"]}
        ]


async def test_a_settlement_not_paid_in_time_lapses_and_the_ladder_resumes(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        case_id = await opened(world)
        made = await world.post(
            f"/cases/{case_id}/settlements", offer(90_000, "2026-03-17"), status=201
        )
        await world.follow_timers(datetime(2026, 3, 17, 12, tzinfo=UTC))
        assert await world.emitted("settlement.lapsed") == []
        await world.follow_timers(datetime(2026, 3, 19, 12, tzinfo=UTC))
        (lapsed,) = await world.emitted("settlement.lapsed")
        assert lapsed.data["settlement_id"] == made["settlement_id"]
        assert lapsed.data["reason"] == "expired"
        assert lapsed.data["lapsed_on"] == "2026-03-18"
        (resumed,) = await world.emitted("case.resumed")
        assert resumed.data["pause_reason"] == "settlement"
        assert (await world.steps())[-1] == "plus-7-firmer-reminder"


async def test_an_offer_above_the_tenants_limit_is_refused(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        case_id = await opened(world)
        # The default policy forgives at most 20 %: 80,000 of 100,000 is the least.
        refused = await world.post(f"/cases/{case_id}/settlements", offer(79_999), status=422)
        assert refused["errors"][0]["field"] == "amount"
        assert "limit" in refused["errors"][0]["message"]
        assert await world.emitted("settlement.offered", "case.paused") == []
        await world.post(f"/cases/{case_id}/settlements", offer(80_000), status=201)


async def test_a_declined_write_off_puts_the_case_on_a_collectors_task_list(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        case_id = await opened(world)
        await world.post(f"/cases/{case_id}/settlements", offer(80_000), status=201)
        await world.part_paid("i-1", "d-1", DUE, version=2, amount=80_000, open_after=27_000)
        (write_off,) = await world.emitted("write_off.requested")
        assert write_off.data["max_amount"]["amount_minor"] == 20_000  # never more
        await world.publish(
            "write_off.declined",
            {
                "request_id": write_off.data["request_id"],
                "invoice_id": "i-1",
                "reason": "above_maximum",
                "message": "200.00 GBP at most may be written off; 270.00 GBP is open",
                "invoice_status": "partially_paid",
                "open_balance": {"amount_minor": 27_000, "currency": "GBP"},
            },
            "d-1",
        )
        (task,) = (await world.get("/tasks", case_id=case_id, kind="follow_up"))["items"]
        assert "above_maximum" in task["note"]
        assert await world.emitted("case.resolved") == []
