"""A provider's signed bounce report: a hard bounce suppresses the address, once."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from debtflow_shared.catalog.notification import (
    NotificationBounced,
    NotificationDelivered,
    NotificationFailed,
)
from debtflow_shared.signed_links import sign_body
from tests.notify_svc.notify_world import (
    Notify,
    creditor,
    debtor,
    invoice_state,
    issued,
    request,
    running_notify,
    smtp_overrides,
)
from tests.notify_svc.smtp_server import MailServer, mail_server
from tests.support.harness import Backend, eventually

SECRET = "development-only-link-secret"  # the test platform's DEBTFLOW_LINK_SIGNING_SECRET


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server


async def _report(
    notify: Notify, body: dict[str, str], secret: str = SECRET, path: str = "/v1/bounces"
) -> int:
    raw = json.dumps(body).encode()
    response = await notify.client.post(
        path,
        content=raw,
        headers={
            "content-type": "application/json",
            "X-Debtflow-Signature": sign_body(raw, secret),
        },
    )
    return response.status_code


async def test_a_hard_bounce_suppresses_the_address_and_is_announced_once(
    backend: Backend, smtp: MailServer
) -> None:
    async with (
        backend.probe(NotificationBounced.event_type, NotificationFailed.event_type) as seen,
        running_notify(backend, **smtp_overrides(smtp)) as notify,
    ):
        await notify.publish(debtor(), creditor(), issued(invoice_state()))
        await notify.publish(request())
        await eventually(lambda: len(smtp.messages()) == 1)

        async def sent() -> bool:
            return bool(await notify.notifications(status="sent"))

        await eventually(sent)
        report = {
            "message_id": str(smtp.messages()[0]["Message-ID"]),
            "bounce": "hard",
            "reason": "550 5.1.1 mailbox unknown",
        }
        forged = await _report(notify, report, secret="not-the-secret")
        first, again = await _report(notify, report), await _report(notify, report)
        await notify.publish(request("plus-7-firm", template_key="reminder.firm", tone="firm"))
        await eventually(lambda: len(seen.messages) == 2)
    assert (forged, first, again) == (401, 202, 200)
    # Two topics: no order between them.
    bounced, failed = sorted(seen.envelopes(), key=lambda e: e.type)
    assert bounced.type == "notification.bounced"
    assert (bounced.data["bounce"], bounced.data["suppressed"]) == ("hard", True)
    assert failed.data["reason_code"] == "address_suppressed"
    assert len(smtp.messages()) == 1


async def test_a_bounce_for_a_message_notify_never_sent_is_refused(
    backend: Backend, smtp: MailServer
) -> None:
    async with running_notify(backend, **smtp_overrides(smtp)) as notify:
        status = await _report(
            notify, {"message_id": "<nothing@example>", "bounce": "soft", "reason": "full"}
        )
    assert status == 422


async def test_a_delivery_report_is_announced_once_as_notification_delivered(
    backend: Backend, smtp: MailServer
) -> None:
    async with (
        backend.probe(NotificationDelivered.event_type) as delivered,
        running_notify(backend, **smtp_overrides(smtp)) as notify,
    ):
        await notify.publish(debtor(), creditor(), issued(invoice_state()))
        await notify.publish(request())

        async def sent() -> bool:
            return bool(await notify.notifications(status="sent"))

        await eventually(sent)
        report = {"message_id": str(smtp.messages()[0]["Message-ID"])}
        first = await _report(notify, report, path="/v1/deliveries")
        again = await _report(notify, report, path="/v1/deliveries")
        await eventually(lambda: len(delivered.messages) == 1)
        # A later marker: had the repeat been announced, it would be in by now.
        await notify.publish(request("plus-7-firm", template_key="reminder.firm", tone="firm"))
        await eventually(lambda: len(smtp.messages()) == 2)
    assert (first, again) == (202, 200)
    assert len(delivered.messages) == 1
    assert delivered.envelopes()[0].data["provider_message_id"] == report["message_id"]
