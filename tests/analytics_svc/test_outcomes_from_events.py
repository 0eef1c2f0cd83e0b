"""Promise-kept, plan completion, settlement acceptance, dispute and cure rates, dispute
resolution time and amounts handed off, from escalation-svc's and invoice-svc's events, on
both backends."""

from __future__ import annotations

from datetime import date

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.catalog.escalation import (
    CaseHandedOff,
    CaseOpened,
    CaseResolved,
    PlanCompleted,
    PlanCreated,
    PlanDefaulted,
    PromiseBroken,
    PromiseKept,
    PromiseMade,
    SettlementAccepted,
    SettlementLapsed,
    SettlementOffered,
)
from debtflow_shared.catalog.examples import examples_of
from tests.analytics_svc.analytics_world import running_analytics
from tests.analytics_svc.collection_events import escalation_event, instant
from tests.analytics_svc.ledger_events import InvoiceStory, money
from tests.support.harness import Backend

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
D = date(2026, 3, 2)


def promises() -> list[OutboundMessage]:
    def made(pid: str, due: date) -> OutboundMessage:
        return escalation_event(
            PromiseMade, D, promise_id=pid, promised_on=due.isoformat(), made_at=instant(D)
        )

    return [
        # p1's kept overtakes its made: the lifecycle is the same.
        escalation_event(PromiseKept, date(2026, 3, 10), promise_id="p1", kept_on="2026-03-10"),
        made("p1", date(2026, 3, 10)),
        made("p2", date(2026, 3, 12)),
        escalation_event(
            PromiseBroken,
            date(2026, 3, 16),
            promise_id="p2",
            promised_on="2026-03-12",
            broken_on="2026-03-16",
        ),
        made("p3", date(2026, 3, 20)),  # due, neither kept nor broken yet
        made("p4", date(2026, 4, 20)),  # due next month
    ]


def plans_and_settlements() -> list[OutboundMessage]:
    return [
        escalation_event(PlanCreated, D, plan_id="pl1", created_at=instant(D)),
        escalation_event(
            PlanCompleted, date(2026, 3, 30), plan_id="pl1", completed_on="2026-03-30"
        ),
        escalation_event(PlanCreated, D, plan_id="pl2", created_at=instant(D)),
        escalation_event(
            PlanDefaulted, date(2026, 3, 25), plan_id="pl2", defaulted_on="2026-03-25"
        ),
        escalation_event(PlanCreated, D, plan_id="pl3", created_at=instant(D)),
        escalation_event(SettlementOffered, D, settlement_id="s1", offered_at=instant(D)),
        escalation_event(SettlementAccepted, D, settlement_id="s1", accepted_on="2026-03-05"),
        escalation_event(SettlementOffered, D, settlement_id="s2", offered_at=instant(D)),
        escalation_event(SettlementLapsed, D, settlement_id="s2", lapsed_on="2026-03-20"),
        escalation_event(SettlementOffered, D, settlement_id="s3", offered_at=instant(D)),
    ]


def cases() -> list[OutboundMessage]:
    case_file = dict(examples_of(CaseHandedOff)[0]["case_file"])  # type: ignore[arg-type]
    case_file["outstanding"] = [money(500_000)]
    return [
        escalation_event(CaseOpened, D, case_id="c1", opened_at=instant(D)),
        escalation_event(CaseResolved, D, case_id="c1", outcome="paid", resolved_at=instant(D)),
        escalation_event(CaseOpened, D, case_id="c2", opened_at=instant(D)),
        escalation_event(
            CaseResolved, D, case_id="c2", outcome="written_off", resolved_at=instant(D)
        ),
        escalation_event(CaseOpened, D, case_id="c3", opened_at=instant(D)),
        escalation_event(
            CaseHandedOff, D, case_id="c3", case_file=case_file, handed_off_at=instant(D)
        ),
    ]


def disputes() -> list[OutboundMessage]:
    one = InvoiceStory("inv-1", "d-1", 10_000, date(2026, 3, 1), date(2026, 3, 31))
    two = InvoiceStory("inv-2", "d-1", 10_000, date(2026, 3, 1), date(2026, 3, 31))
    return [
        one.issued(),
        two.issued(),
        one.disputed(date(2026, 3, 3), "dsp-1"),
        one.dispute_rejected(date(2026, 3, 11), "dsp-1"),
    ]


async def test_outcome_rates_of_a_period_count_each_lifecycle_once_in_any_order(
    backend: Backend,
) -> None:
    async with running_analytics(backend) as analytics:
        before = await analytics.json("/v1/outcomes", **MARCH)
        assert before["promise_kept_rate"] is None  # nothing appeared yet
        await analytics.send(*promises(), *plans_and_settlements(), *cases(), *disputes())
        report = await analytics.json("/v1/outcomes", **MARCH)
        as_csv = await analytics.get("/v1/outcomes", format="csv", **MARCH)
    assert (report["promises_due"], report["promises_kept"], report["promises_broken"]) == (3, 1, 1)
    assert report["promise_kept_rate"] == "0.3333"
    assert (report["plans_created"], report["plan_completion_rate"]) == (3, "0.5000")
    assert (report["settlements_offered"], report["settlement_acceptance_rate"]) == (3, "0.3333")
    assert (report["invoices_issued"], report["invoices_disputed"]) == (2, 1)
    assert report["dispute_rate"] == "0.5000"
    assert report["median_dispute_resolution_days"] == "8.00"
    assert (report["cases_opened"], report["cases_resolved_by_payment"]) == (3, 1)
    assert report["cure_rate"] == "0.3333"
    assert report["cases_handed_off"] == 1
    assert report["handed_off"] == [{"currency": "GBP", "amount_minor": 500_000}]
    assert as_csv.headers["content-type"].startswith("text/csv")
    lines = as_csv.text.splitlines()
    assert "2026-03-01,2026-03-31,cure_rate,0.3333" in lines
    assert "2026-03-01,2026-03-31,handed_off_GBP_minor,500000" in lines
