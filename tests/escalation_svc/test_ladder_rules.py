"""The ladder's decisions as pure rules (no database): timing from the oldest chased
invoice, never a step back, claims per invoice, catch-up, and charge-then-notice."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import count

from debtflow_shared.catalog.invoice import InvoiceStatus
from escalation_svc.domain.case import Case
from escalation_svc.domain.compliance_guard import ContactHistory, GuardRules
from escalation_svc.domain.contact_channels import Reachability, addresses_from_profile
from escalation_svc.domain.debtor_profile import DebtorProfile
from escalation_svc.domain.ladder_run import Outcome, Situation, run_ladder
from escalation_svc.domain.policy import shipped_default
from escalation_svc.domain.tracked_invoice import TrackedInvoice

POLICY = shipped_default("t")
PROFILE = DebtorProfile(
    tenant_id="t",
    debtor_id="d",
    version=1,
    name="D",
    country="GB",
    currency="GBP",
    language="en-GB",
    time_zone="Europe/London",
    preferred_channel=None,
    contacts_json=json.dumps([{"kind": "email", "value": "a@d.example"}]),
    updated_at=datetime(2026, 1, 1, tzinfo=UTC),
)
REACH = Reachability(addresses_from_profile(PROFILE.contacts_json, has_postal_address=True))


def invoice(
    invoice_id: str, due: date, *, status: InvoiceStatus = InvoiceStatus.OPEN, case: str | None
) -> TrackedInvoice:
    return TrackedInvoice(
        tenant_id="t",
        invoice_id=invoice_id,
        debtor_id="d",
        number=invoice_id,
        currency="GBP",
        due_date=due,
        open_minor=0 if status is InvoiceStatus.PAID else 1000,
        status=status,
        version=1,
        case_id=case,
        closed_by=None if status in {InvoiceStatus.OPEN, InvoiceStatus.DISPUTED} else status.value,
    )


def run(now: datetime, invoices: list[TrackedInvoice], case: Case | None = None) -> Outcome:
    ids = count(1)
    return run_ladder(
        Situation(
            now=now,
            profile=PROFILE,
            invoices=tuple(invoices),
            case=case,
            policy=POLICY,
            rules=GuardRules(),
            reach=REACH,
            history=ContactHistory(),
            new_case_id=lambda: f"c-{next(ids)}",
        )
    )


def emitted(case: Case) -> list[str]:
    return [payload.event_type for payload, _, _ in case.pull_events()]


def test_an_invoice_not_yet_at_the_first_offset_opens_no_case_and_sets_a_timer() -> None:
    outcome = run(
        datetime(2026, 3, 2, 12, tzinfo=UTC), [invoice("a", date(2026, 3, 12), case=None)]
    )
    assert outcome.case is None
    assert outcome.wake_at == datetime(2026, 3, 9, 8, tzinfo=UTC)  # -3, 08:00 in London


def test_when_the_oldest_invoice_is_paid_the_case_never_moves_back_a_step() -> None:
    opened = run(
        datetime(2026, 3, 20, 12, tzinfo=UTC),
        [
            invoice("old", date(2026, 3, 12), case=None),
            invoice("new", date(2026, 3, 19), case=None),
        ],
    )
    case = opened.case
    assert case is not None
    assert case.stage_name == "plus-7-firmer-reminder"  # timed from the oldest: +8 days
    emitted(case)
    later = run(
        datetime(2026, 3, 21, 12, tzinfo=UTC),
        [
            invoice("old", date(2026, 3, 12), status=InvoiceStatus.PAID, case=case.case_id),
            invoice("new", date(2026, 3, 19), case=case.case_id),
        ],
        case,
    )
    assert later.case is case
    assert emitted(case) == []  # "new" is at +2: nothing runs again
    assert case.stage_name == "plus-7-firmer-reminder"
    # The next step is +14 of the oldest still chased: 2 April (19 March + 14).
    assert later.wake_at == datetime(2026, 4, 2, 7, tzinfo=UTC)


def test_a_step_due_on_a_sunday_is_deferred_with_the_reason_on_the_timeline() -> None:
    outcome = run(
        datetime(2026, 3, 8, 12, tzinfo=UTC), [invoice("a", date(2026, 3, 11), case=None)]
    )
    case = outcome.case
    assert case is not None
    assert outcome.wake_at == datetime(2026, 3, 9, 8, tzinfo=UTC)
    assert case.deferred_step == "minus-3-pre-due-reminder"
    assert any("weekend" in e.summary for e in case.timeline if e.kind == "contact_deferred")
    assert emitted(case) == ["case.opened"]


def test_the_final_notice_waits_for_its_charges_then_goes_once_they_are_answered() -> None:
    due = date(2026, 3, 12)
    first = run(datetime(2026, 4, 2, 12, tzinfo=UTC), [invoice("a", due, case=None)])
    case = first.case
    assert case is not None
    assert emitted(case) == ["case.opened", "charge.requested"]
    assert case.awaiting is not None
    assert first.wake_at == datetime(2026, 4, 2, 12, tzinfo=UTC) + timedelta(days=2)
    case.await_charges(replace(case.awaiting, pending=(), answered=case.awaiting.pending))
    run(datetime(2026, 4, 2, 13, tzinfo=UTC), [invoice("a", due, case=case.case_id)], case)
    events = emitted(case)
    assert events.count("notification.requested") == 2  # email and letter
    assert "escalation.step_executed" in events
    assert case.awaiting is None


def test_a_notice_whose_charges_are_never_answered_goes_at_the_deadline() -> None:
    due = date(2026, 3, 12)
    case = run(datetime(2026, 4, 2, 12, tzinfo=UTC), [invoice("a", due, case=None)]).case
    assert case is not None
    emitted(case)
    waiting = run(
        datetime(2026, 4, 3, 12, tzinfo=UTC), [invoice("a", due, case=case.case_id)], case
    )
    assert emitted(case) == []
    assert waiting.wake_at == datetime(2026, 4, 4, 12, tzinfo=UTC)
    run(datetime(2026, 4, 6, 12, tzinfo=UTC), [invoice("a", due, case=case.case_id)], case)
    assert emitted(case).count("notification.requested") == 2


def test_a_case_whose_invoices_all_close_resolves_with_how_they_closed() -> None:
    due = date(2026, 3, 12)
    case = run(datetime(2026, 3, 13, 12, tzinfo=UTC), [invoice("a", due, case=None)]).case
    assert case is not None
    emitted(case)
    cancelled = invoice("a", due, status=InvoiceStatus.CANCELLED, case=case.case_id)
    run(datetime(2026, 3, 14, 12, tzinfo=UTC), [cancelled], case)
    assert emitted(case) == ["case.resolved"]
    assert case.outcome is not None
    assert case.outcome.value == "cancelled"
