"""Chasing stops the moment it should, on both backends: a payment cancels what is not sent
yet, a reversal puts the invoice back, a dispute pauses only its invoice, and an invoice
that joins late is named but never claimed in a step it has not reached."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.escalation_svc.collection_world import escalation_world
from tests.support.harness import Backend

DUE = date(2026, 3, 12)


async def test_a_payment_before_sending_cancels_the_notification_and_a_reversal_resumes_the_case(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        requested = await world.emitted("notification.requested")
        assert [e.data["step"] for e in requested] == [
            "minus-3-pre-due-reminder",
            "plus-1-friendly-reminder",
        ]
        await world.sent(requested[0])  # the pre-due reminder went; the +1 one has not yet
        await world.paid("i-1", "d-1", DUE, version=2)
        (cancelled,) = await world.emitted("notification.cancelled")
        assert cancelled.data["dedup_key"] == requested[1].data["dedup_key"]
        assert cancelled.data["reason"] == "case_resolved"
        (resolved,) = await world.emitted("case.resolved")
        assert resolved.data["outcome"] == "paid"

        await world.reversed("i-1", "d-1", DUE, version=3)
        opened = await world.emitted("case.opened")
        assert [e.data["trigger"] for e in opened] == ["invoice_due_soon", "payment_reversed"]
        await world.follow_timers(datetime(2026, 3, 20, 12, tzinfo=UTC))
        # The new case goes on from where the first stopped: the +7 step, not the start.
        steps = await world.steps()
        assert steps[-1] == "plus-7-firmer-reminder"
        assert steps.count("minus-3-pre-due-reminder") == 1
        assert steps.count("plus-1-friendly-reminder") == 1


async def test_a_payment_of_one_invoice_cancels_only_the_notification_about_it(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 9, 12, tzinfo=UTC))
        await world.issued("i-2", "d-1", date(2026, 4, 30))
        (pre_due,) = await world.emitted("notification.requested")
        await world.paid("i-1", "d-1", DUE, version=2)
        (cancelled,) = await world.emitted("notification.cancelled")
        assert cancelled.data["dedup_key"] == pre_due.data["dedup_key"]


async def test_a_dispute_pauses_its_invoice_while_the_debtors_other_invoice_is_still_chased(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.issued("i-2", "d-1", date(2026, 3, 16))
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))  # +1 of i-1 ran
        await world.disputed("i-1", "d-1", DUE, version=2)
        await world.follow_timers(datetime(2026, 3, 24, 12, tzinfo=UTC))
        requested = await world.emitted("notification.requested")
        after_dispute = [e for e in requested if e.time > datetime(2026, 3, 13, 12, tzinfo=UTC)]
        # The ladder is now timed from i-2 (due 16 March): its +7 ran on 23 March, about i-2.
        firm = [e for e in after_dispute if e.data["step"] == "plus-7-firmer-reminder"]
        assert firm
        assert all(e.data["invoice_ids"] == ["i-2"] for e in firm)
        assert firm[0].time.date() == date(2026, 3, 23)
        assert all("i-1" not in e.data["invoice_ids"] for e in after_dispute)

        await world.dispute_rejected("i-1", "d-1", DUE, version=3)
        case = await world.case_of("d-1")
        kinds = [e["kind"] for e in await world.timeline(case["case_id"])]
        assert "invoice_disputed" in kinds
        assert "dispute_resolved" in kinds
        await world.follow_timers(datetime(2026, 4, 3, 12, tzinfo=UTC))
        # Back in collection, i-1 is again the oldest: +21 of i-1 (2 April) claims it.
        charges = await world.emitted("charge.requested")
        assert [e.data["invoice_id"] for e in charges] == ["i-1"]


async def test_an_invoice_that_joins_late_is_named_but_not_claimed_in_a_step_it_has_not_reached(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-old", "d-1", DUE)
        await world.follow_timers(datetime(2026, 4, 1, 12, tzinfo=UTC))
        await world.issued("i-new", "d-1", date(2026, 3, 30))  # +3 on 2 April
        await world.follow_timers(datetime(2026, 4, 2, 12, tzinfo=UTC))
        (charge,) = await world.emitted("charge.requested")
        assert charge.data["invoice_id"] == "i-old"  # compensation only where +21 is reached
        (notice_charge,) = [
            e for e in await world.emitted("charge.requested") if e.data["kind"] == "compensation"
        ]
        await world.charge_applied(notice_charge.data["request_id"], "i-old", "d-1", DUE, version=2)
        notices = [
            e
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plus-21-final-notice"
        ]
        assert notices
        for notice in notices:
            assert notice.data["invoice_ids"] == ["i-old"]
            assert notice.data["also_outstanding_invoice_ids"] == ["i-new"]
