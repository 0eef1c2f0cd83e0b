"""Which channel a step uses, on both backends: a permanently failed email falls back to
SMS, no usable contact records a task, opt-outs and restrictions are honoured at once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.escalation_svc.collection_world import World, escalation_world
from tests.support.harness import Backend

DUE = date(2026, 3, 12)


async def friendly_reminders(world: World) -> list[tuple[str, str]]:
    return [
        (e.data["step"], e.data["channel"])
        for e in await world.emitted("notification.requested")
        if e.data["step"] == "plus-1-friendly-reminder"
    ]


async def test_a_permanently_failed_email_falls_back_to_sms(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        (email,) = [
            e
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plus-1-friendly-reminder"
        ]
        assert email.data["channel"] == "email"
        await world.failed_for_good(email)
        assert await friendly_reminders(world) == [
            ("plus-1-friendly-reminder", "email"),
            ("plus-1-friendly-reminder", "sms"),
        ]
        # The address stays unusable: the next email step goes by SMS (and the letter).
        await world.follow_timers(datetime(2026, 3, 19, 12, tzinfo=UTC))
        firm = [
            e.data["channel"]
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plus-7-firmer-reminder"
        ]
        assert sorted(firm) == ["letter", "sms"]


async def test_with_no_usable_contact_the_step_creates_a_collectors_task(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1", email=True, sms=False, letter=False)
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        (email,) = [
            e
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plus-1-friendly-reminder"
        ]
        await world.failed_for_good(email)
        assert await friendly_reminders(world) == [("plus-1-friendly-reminder", "email")]
        case = await world.case_of("d-1")
        (created,) = await world.emitted("task.created")
        assert created.data["kind"] == "no_usable_contact"
        assert created.data["case_id"] == case["case_id"]
        listed = await world.client.get(
            "/v1/tasks", params={"case_id": case["case_id"]}, headers=world.headers
        )
        (task,) = listed.json()["items"]
        assert task["kind"] == "no_usable_contact"
        assert "no usable contact" in task["note"]


async def test_an_opt_out_of_email_moves_the_next_step_to_another_channel(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 9, 12, tzinfo=UTC))
        await world.publish(
            "contact.opted_out",
            {
                "debtor_id": "d-1",
                "channel": "email",
                "address": "ap@d-1.example",
                "source": "unsubscribe_link",
                "opted_out_at": "2026-03-09T13:00:00Z",
            },
            "d-1",
            source="notify-svc",
        )
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        assert await friendly_reminders(world) == [("plus-1-friendly-reminder", "sms")]
        listed = await world.client.get(
            "/v1/debtors/d-1/contact-restrictions", headers=world.headers
        )
        assert [(r["channel"], r["kind"]) for r in listed.json()["items"]] == [
            ("email", "opted_out")
        ]


async def test_cease_contact_pauses_the_case_and_announces_the_restriction_until_lifted(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 9, 12, tzinfo=UTC))
        body = {"kind": "cease_contact", "reason": "Solicitor asked for all contact via them."}
        made = await world.client.post(
            "/v1/debtors/d-1/contact-restrictions", json=body, headers=world.headers
        )
        assert made.status_code == 201, made.text
        (restricted,) = await world.emitted("contact.restricted")
        assert restricted.data["restriction"] == "cease_contact"
        assert restricted.data["channel"] is None
        (paused,) = await world.emitted("case.paused")
        assert paused.data["reason"] == "contact_restricted"
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        assert await friendly_reminders(world) == []

        lifted = await world.client.delete(
            "/v1/debtors/d-1/contact-restrictions/cease_contact/all", headers=world.headers
        )
        assert lifted.status_code == 204
        assert len(await world.emitted("contact.restricted")) == 2
        (resumed,) = await world.emitted("case.resumed")
        assert resumed.data["pause_reason"] == "contact_restricted"
        # The overdue step, kept waiting, runs now (the same day, within hours).
        assert await friendly_reminders(world) == [("plus-1-friendly-reminder", "email")]


async def test_an_opt_out_restriction_cannot_be_set_over_the_api(backend: Backend) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        body = {"kind": "opted_out", "channel": "email", "reason": "x"}
        refused = await world.client.post(
            "/v1/debtors/d-1/contact-restrictions", json=body, headers=world.headers
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "kind"


async def test_a_collector_pause_cancels_unsent_notifications_and_resume_goes_on(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 9, 12, tzinfo=UTC))
        case = await world.case_of("d-1")
        path = f"/v1/cases/{case['case_id']}"
        paused = await world.client.post(
            f"{path}/pause", json={"note": "on holiday"}, headers=world.headers
        )
        assert paused.status_code == 200, paused.text
        assert paused.json()["pauses"][0]["reason"] == "manual"
        (cancelled,) = await world.emitted("notification.cancelled")
        assert cancelled.data["reason"] == "paused"
        again = await world.client.post(f"{path}/pause", json={}, headers=world.headers)
        assert again.status_code == 409
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        assert await friendly_reminders(world) == []
        resumed = await world.client.post(f"{path}/resume", json={}, headers=world.headers)
        assert resumed.status_code == 200
        assert await friendly_reminders(world) == [("plus-1-friendly-reminder", "email")]


async def test_a_hard_bounce_marks_the_address_unusable_and_the_step_falls_back(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        (email,) = [
            e
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plus-1-friendly-reminder"
        ]
        await world.sent(email)
        await world.publish(
            "notification.bounced",
            {
                "dedup_key": email.data["dedup_key"],
                "case_id": email.data["case_id"],
                "debtor_id": "d-1",
                "channel": "email",
                "address": "ap@d-1.example",
                "bounce": "hard",
                "reason": "550 5.1.1 mailbox unknown",
                "provider_message_id": "<m@mail>",
                "suppressed": True,
                "bounced_at": "2026-03-13T12:05:00Z",
            },
            "d-1",
            source="notify-svc",
        )
        # The bounced message counted as an attempt: the SMS waits out the minimum gap.
        await world.follow_timers(datetime(2026, 3, 13, 14, tzinfo=UTC))
        assert await friendly_reminders(world) == [
            ("plus-1-friendly-reminder", "email"),
            ("plus-1-friendly-reminder", "sms"),
        ]


async def test_a_provider_outage_falls_back_without_marking_the_address_unusable(
    backend: Backend,
) -> None:
    async with escalation_world(backend) as world:
        await world.debtor("d-1")
        await world.issued("i-1", "d-1", DUE)
        await world.follow_timers(datetime(2026, 3, 13, 12, tzinfo=UTC))
        (email,) = [
            e
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plus-1-friendly-reminder"
        ]
        data = email.data
        await world.publish(
            "notification.failed",
            {
                "dedup_key": data["dedup_key"],
                "case_id": data["case_id"],
                "debtor_id": "d-1",
                "channel": "email",
                "failure": "permanent",
                "reason_code": "provider_unavailable",
                "reason": "no email sender configured",
                "attempts": 0,
                "failed_at": "2026-03-13T12:01:00Z",
            },
            "d-1",
            source="notify-svc",
        )
        assert await friendly_reminders(world) == [
            ("plus-1-friendly-reminder", "email"),
            ("plus-1-friendly-reminder", "sms"),
        ]
        await world.follow_timers(datetime(2026, 3, 19, 12, tzinfo=UTC))
        firm = [
            e.data["channel"]
            for e in await world.emitted("notification.requested")
            if e.data["step"] == "plus-7-firmer-reminder"
        ]
        assert sorted(firm) == ["email", "sms"]
