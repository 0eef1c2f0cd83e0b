"""Sending semantics: once per dedup key, never after a cancel or a payment, only at lawful
hours, deferred visibly when notify cannot resolve a request, retries bounded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from debtflow_shared.catalog.notification import NotificationFailed, NotificationSent
from tests.notify_svc.notify_world import (
    TENANT,
    Notify,
    cancel,
    creditor,
    debtor,
    invoice_state,
    issued,
    payment,
    request,
    running_notify,
    smtp_overrides,
)
from tests.notify_svc.smtp_server import MailServer, mail_server
from tests.support.harness import Backend, eventually


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server


async def _known(notify: Notify) -> None:
    await notify.publish(debtor(), creditor(), issued(invoice_state()))


def _subjects(smtp: MailServer) -> list[str]:
    return [str(m["Subject"]) for m in smtp.messages()]


async def _one(notify: Notify, **params: Any) -> dict[str, Any]:
    items = await notify.notifications(**params)
    assert len(items) == 1, items
    return items[0]


async def _marker(notify: Notify, smtp: MailServer, count: int) -> None:
    """A later request for another step: once its email is in, earlier ones would be too."""
    await notify.publish(
        issued(invoice_state("inv-9")),
        request("marker-step", template_key="reminder.firm", tone="firm", invoice_ids=("inv-9",)),
    )
    await eventually(lambda: len(smtp.messages()) == count)


async def test_the_same_request_delivered_twice_sends_one_message(
    backend: Backend, smtp: MailServer
) -> None:
    async with running_notify(backend, **smtp_overrides(smtp)) as notify:
        await _known(notify)
        await notify.publish(request(), request())
        await eventually(lambda: len(smtp.messages()) == 1)
        await notify.publish(request())  # escalation re-runs its step later
        await _marker(notify, smtp, 2)
        notifications = await notify.notifications(case_id="case-1")
    assert sorted(_subjects(smtp)) == [
        "Invoice INV-1 is now overdue - Northwind Supplies Ltd",
        "Payment overdue: £1,320.00 - Northwind Supplies Ltd",
    ]
    assert len(notifications) == 2


async def test_a_cancel_that_arrives_before_its_request_means_nothing_goes_out(
    backend: Backend, smtp: MailServer
) -> None:
    asked = request()
    async with running_notify(backend, **smtp_overrides(smtp)) as notify:
        await _known(notify)
        await notify.publish(cancel(asked))
        # Topics are not ordered with each other: the request goes out once the cancel is in.
        await eventually(lambda: _cancel_recorded(notify, asked.dedup_key))
        await notify.publish(asked)
        await _marker(notify, smtp, 1)
        cancelled = await _one(notify, step=None, status="cancelled")
    assert _subjects(smtp) == ["Payment overdue: £1,320.00 - Northwind Supplies Ltd"]
    assert cancelled["dedup_key"] == asked.dedup_key
    assert "cancelled by escalation" in cancelled["status_reason"]


async def _cancel_recorded(notify: Notify, dedup_key: str) -> bool:
    async with notify.runtime.uow() as uow:
        return await uow.repos.notifications.early_cancel(TENANT, dedup_key) is not None


async def test_a_cancel_while_a_request_waits_for_lawful_hours_means_nothing_goes_out(
    backend: Backend, smtp: MailServer
) -> None:
    backend.clock.set(datetime(2026, 3, 2, 22, 30, tzinfo=UTC))  # 22:30 in London
    asked = request()
    async with running_notify(backend, **smtp_overrides(smtp)) as notify:
        await _known(notify)
        await notify.publish(asked)
        await eventually(lambda: _status(notify, "deferred"))
        await notify.publish(cancel(asked))
        await eventually(lambda: _status(notify, "cancelled"))
        backend.clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
        await _marker(notify, smtp, 1)
    assert _subjects(smtp) == ["Payment overdue: £1,320.00 - Northwind Supplies Ltd"]


async def _status(notify: Notify, status: str) -> bool:
    return bool(await notify.notifications(status=status))


async def test_a_request_at_an_unlawful_hour_is_deferred_to_the_debtors_morning(
    backend: Backend, smtp: MailServer
) -> None:
    backend.clock.set(datetime(2026, 3, 2, 22, 30, tzinfo=UTC))
    async with running_notify(backend, **smtp_overrides(smtp)) as notify:
        await _known(notify)
        await notify.publish(request())
        await eventually(lambda: _next_attempt(notify, "2026-03-03T08:00:00Z"))
        waiting = await _one(notify)
        assert smtp.messages() == []
        backend.clock.set(datetime(2026, 3, 3, 7, 59, tzinfo=UTC))
        await notify.publish(issued(invoice_state("inv-8")))  # any later event: time passed
        assert smtp.messages() == []
        backend.clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
        await eventually(lambda: len(smtp.messages()) == 1)
        await eventually(lambda: _status(notify, "sent"))
        sent = await _one(notify)
    assert waiting["next_attempt_at"] == "2026-03-03T08:00:00Z"
    assert "outside the debtor's contact hours" in waiting["status_reason"]
    assert sent["sent_at"] == "2026-03-03T08:00:00Z"


async def test_a_payment_that_arrives_while_a_message_waits_for_a_retry_stops_it(
    backend: Backend, smtp: MailServer
) -> None:
    smtp.rcpt_reply = "451 4.3.0 Try again later"
    async with (
        backend.probe(NotificationFailed.event_type, NotificationSent.event_type) as outcomes,
        running_notify(backend, **smtp_overrides(smtp)) as notify,
    ):
        await _known(notify)
        await notify.publish(request())
        await eventually(lambda: _attempts(notify, 1))
        retrying = await _one(notify)
        await notify.publish(payment())
        await eventually(lambda: _copy_lacks(notify, "INV-1"), message="the payment is known")
        smtp.rcpt_reply = None
        backend.clock.advance(timedelta(hours=1))
        await eventually(lambda: _status(notify, "cancelled"))
        await eventually(lambda: len(outcomes.messages) == 1)
        stopped = await _one(notify)
    assert smtp.messages() == []
    assert retrying["attempts"][0]["outcome"] == "transient", retrying
    assert "451" in retrying["status_reason"]
    assert [a["outcome"] for a in stopped["attempts"]] == ["transient"]
    (failed,) = outcomes.envelopes()
    assert failed.type == "notification.failed"
    assert failed.data["reason_code"] == "nothing_owed"


async def test_a_retry_that_would_land_at_22_debtor_time_is_deferred_to_08(
    backend: Backend, smtp: MailServer
) -> None:
    backend.clock.set(datetime(2026, 3, 2, 20, 50, tzinfo=UTC))  # 20:50 in London (GMT)
    smtp.rcpt_reply = "451 4.3.0 Try again later"
    overrides = smtp_overrides(smtp, retry_first_seconds=7_200.0)  # 1-2 hours, jittered
    async with running_notify(backend, **overrides) as notify:
        await _known(notify)
        await notify.publish(request())
        await eventually(lambda: _attempts(notify, 1))
        retry_at = datetime.fromisoformat((await _one(notify))["next_attempt_at"])
        assert retry_at >= datetime(2026, 3, 2, 21, 50, tzinfo=UTC)
        smtp.rcpt_reply = None
        backend.clock.set(retry_at)
        await eventually(
            lambda: _next_attempt(notify, "2026-03-03T08:00:00Z"), message="deferred to 08:00"
        )
        assert smtp.messages() == []
        backend.clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
        await eventually(lambda: len(smtp.messages()) == 1)
        await eventually(lambda: _status(notify, "sent"))
        sent = await _one(notify)
    assert sent["sent_at"] == "2026-03-03T08:00:00Z"
    assert [a["outcome"] for a in sent["attempts"]] == ["transient", "sent"]


async def _next_attempt(notify: Notify, expected: str) -> bool:
    items = await notify.notifications()
    return bool(items) and items[0]["next_attempt_at"] == expected


async def test_a_request_without_a_creditor_profile_waits_visibly_and_goes_once_it_arrives(
    backend: Backend, smtp: MailServer
) -> None:
    async with running_notify(backend, **smtp_overrides(smtp)) as notify:
        await notify.publish(debtor(), issued(invoice_state()))
        await notify.publish(request())
        await eventually(lambda: _waiting_for(notify, "no_creditor_profile"))
        waiting = await _one(notify)
        await notify.publish(creditor())
        await eventually(lambda: len(smtp.messages()) == 1)
    assert waiting["waiting_for"] == "no_creditor_profile"
    assert waiting["status_reason"] == "no creditor profile yet"
    assert waiting["rendered"] is None


async def test_a_debtor_without_an_email_address_is_deferred_visibly(
    backend: Backend, smtp: MailServer
) -> None:
    async with running_notify(backend, **smtp_overrides(smtp)) as notify:
        await notify.publish(debtor(contacts=[]), creditor(), issued(invoice_state()))
        await notify.publish(request())
        await eventually(lambda: _waiting_for(notify, "no_usable_address"))
        waiting = await _one(notify)
        await notify.publish(debtor(version=2))
        await eventually(lambda: len(smtp.messages()) == 1)
    assert waiting["waiting_for"] == "no_usable_address"


async def test_a_permanent_smtp_refusal_fails_at_once_and_suppresses_the_address(
    backend: Backend, smtp: MailServer
) -> None:
    smtp.rcpt_reply = "550 5.1.1 Mailbox unknown"
    async with (
        backend.probe(NotificationFailed.event_type) as failures,
        running_notify(backend, **smtp_overrides(smtp)) as notify,
    ):
        await _known(notify)
        await notify.publish(request())
        await eventually(lambda: len(failures.messages) == 1)
        smtp.rcpt_reply = None
        await notify.publish(request("plus-7-firm", template_key="reminder.firm", tone="firm"))
        await eventually(lambda: len(failures.messages) == 2)
        suppressions = (await notify.get("/v1/suppressions")).json()["items"]
    first, second = (e.data for e in failures.envelopes())
    assert (first["failure"], first["reason_code"], first["attempts"]) == (
        "permanent",
        "provider_rejected",
        1,
    )
    assert "550" in first["reason"]
    assert second["reason_code"] == "address_suppressed"
    assert [(s["address"], s["reason"]) for s in suppressions] == [
        ("ap@acme.example", "provider_rejected")
    ]
    assert smtp.messages() == []


async def test_transient_failures_retry_with_backoff_until_the_attempts_run_out(
    backend: Backend, smtp: MailServer
) -> None:
    smtp.rcpt_reply = "421 4.7.0 Too busy"
    overrides = smtp_overrides(smtp, max_attempts=3, retry_first_seconds=60.0)
    async with (
        backend.probe(NotificationFailed.event_type) as failures,
        running_notify(backend, **overrides) as notify,
    ):
        await _known(notify)
        await notify.publish(request())
        for attempt in range(1, 3):
            await eventually(lambda n=attempt: _attempts(notify, n), message=f"attempt {attempt}")
            backend.clock.advance(timedelta(minutes=10))
        await eventually(lambda: len(failures.messages) == 1)
        failed = await _one(notify)
    data = failures.envelopes()[0].data
    assert (data["failure"], data["reason_code"], data["attempts"]) == (
        "transient_exhausted",
        "provider_unavailable",
        3,
    )
    assert failed["status"] == "failed"
    assert [a["outcome"] for a in failed["attempts"]] == ["transient"] * 3


async def _attempts(notify: Notify, count: int) -> bool:
    items = await notify.notifications(status="deferred")
    return bool(items) and len(items[0]["attempts"]) == count


async def test_an_opt_out_survives_the_erp_sending_the_debtor_again(
    backend: Backend, smtp: MailServer
) -> None:
    async with (
        backend.probe(NotificationFailed.event_type) as failures,
        running_notify(backend, **smtp_overrides(smtp)) as notify,
    ):
        await _known(notify)
        added = await notify.post(
            "/v1/suppressions",
            {"channel": "email", "address": "AP@acme.example", "debtor_id": "d-1", "detail": "x"},
        )
        assert added.status_code == 201, added.text
        await notify.publish(debtor(version=2, name="Acme Widgets Group Ltd"))
        await notify.publish(request())
        await eventually(lambda: len(failures.messages) == 1)
    assert failures.envelopes()[0].data["reason_code"] == "address_suppressed"
    assert smtp.messages() == []


async def test_a_message_shows_the_amounts_at_the_moment_of_sending(
    backend: Backend, smtp: MailServer
) -> None:
    backend.clock.set(datetime(2026, 3, 2, 22, 30, tzinfo=UTC))
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **smtp_overrides(smtp)) as notify,
    ):
        await _known(notify)
        await notify.publish(request())
        await eventually(lambda: _status(notify, "deferred"))
        await notify.publish(
            issued(invoice_state(open_minor=50_000, status="partially_paid", version=2))
        )
        await eventually(lambda: _copy_shows(notify, "£500.00"), message="the payment is known")
        backend.clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
        await eventually(lambda: len(sent.messages) == 1)
    body = smtp.messages()[0].get_body(("plain",))
    assert body is not None
    assert "£500.00" in body.get_content()
    shown = sent.envelopes()[0].data["invoices"][0]["amount_shown"]
    assert shown == {"amount_minor": 50_000, "currency": "GBP"}


async def _preview_text(notify: Notify) -> str:
    """The debtor's open invoices as notify's copies hold them (a preview renders them)."""
    preview = await notify.post(
        "/v1/templates/preview",
        {"key": "reminder.friendly", "locale": "en-GB", "tone": "friendly", "debtor_id": "d-1"},
    )
    if preview.status_code == 422:
        return ""  # the debtor or creditor copy has not arrived yet
    assert preview.status_code == 200, preview.text
    text: str = preview.json()["text"]
    return text


async def _copy_shows(notify: Notify, amount: str) -> bool:
    return amount in await _preview_text(notify)


async def _copy_lacks(notify: Notify, number: str) -> bool:
    return number not in await _preview_text(notify)


async def _waiting_for(notify: Notify, code: str) -> bool:
    items = await notify.notifications(status="deferred")
    return bool(items) and items[0]["waiting_for"] == code


async def test_invoices_also_outstanding_are_named_but_not_claimed_and_only_while_open(
    backend: Backend, smtp: MailServer
) -> None:
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **smtp_overrides(smtp)) as notify,
    ):
        await notify.publish(
            debtor(),
            creditor(),
            issued(invoice_state()),
            issued(invoice_state("inv-2", open_minor=25_000, due="2026-03-20")),
            issued(invoice_state("inv-3", open_minor=0, status="paid")),
        )
        await eventually(lambda: _copy_shows(notify, "INV-2"), message="copies are in")
        await notify.publish(request(also_outstanding=("inv-2", "inv-3", "inv-unknown")))
        await eventually(lambda: len(sent.messages) == 1)
    body = smtp.messages()[0].get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Also outstanding on your account" in text
    assert "INV-2, due 20 Mar 2026: £250.00" in text
    assert "INV-3" not in text
    assert "Total now due:                     £1,320.00" in text
    shown = [i["invoice_id"] for i in sent.envelopes()[0].data["invoices"]]
    assert shown == ["inv-1"]
