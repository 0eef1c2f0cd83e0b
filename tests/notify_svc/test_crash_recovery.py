"""A crash after a notification is marked ``sending``: a restart sends it once, except in the
documented window (the server accepted it, the outcome was not yet recorded), where it is
sent again with the same Message-ID."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from debtflow_shared.catalog.notification import NotificationChannel, NotificationSent
from notify_svc.adapters.smtp_sender import SmtpSender
from notify_svc.service_layer.dispatcher import prepare
from notify_svc.settings import NotifySettings
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

# The first runtime never dispatches on its own; the restarted one takes over an
# interrupted send once its (short) lease has run out.
STOPPED = {"dispatch_seconds": 3_600.0, "send_lease_seconds": 0.5}


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server


async def _requested(notify: Notify) -> str:
    await notify.publish(debtor(), creditor(), issued(invoice_state()))
    await notify.publish(request())

    async def stored() -> bool:
        return bool(await notify.notifications())

    await eventually(stored)
    (item,) = await notify.notifications()
    notification_id: str = item["id"]
    return notification_id


async def _crash_after_marking_sending(
    backend: Backend, smtp: MailServer, *, server_accepts_first: bool
) -> str:
    """Mark the notification ``sending`` and stop, before or after the SMTP transaction."""
    async with running_notify(backend, **smtp_overrides(smtp, **STOPPED)) as notify:
        notification_id = await _requested(notify)
        await eventually(lambda: _status(notify, "requested"))
        senders = {NotificationChannel.EMAIL: SmtpSender(_settings(notify))}
        prepared = await prepare(notify.runtime, "tenant-a", notification_id, senders)
        assert prepared is not None
        assert (await notify.notifications())[0]["status"] == "sending"
        if server_accepts_first:
            await senders[NotificationChannel.EMAIL].send(prepared.message)
        # The process dies here: the outcome is never recorded.
    return notification_id


def _settings(notify: Notify) -> NotifySettings:
    settings = notify.runtime.settings
    assert isinstance(settings, NotifySettings)
    return settings


async def _status(notify: Notify, status: str) -> bool:
    items = await notify.notifications()
    return bool(items) and items[0]["status"] == status


async def test_a_crash_after_marking_sending_but_before_smtp_sends_once_after_restart(
    backend: Backend, smtp: MailServer
) -> None:
    await _crash_after_marking_sending(backend, smtp, server_accepts_first=False)
    assert smtp.messages() == []
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **smtp_overrides(smtp, send_lease_seconds=0.5)) as notify,
    ):
        await eventually(lambda: _status(notify, "sent"))
        await eventually(lambda: len(sent.messages) == 1)
        (item,) = await notify.notifications()
    assert len(smtp.messages()) == 1
    assert [a["outcome"] for a in item["attempts"]] == ["interrupted", "sent"]


async def test_a_crash_after_the_server_accepted_is_the_one_window_that_sends_twice(
    backend: Backend, smtp: MailServer
) -> None:
    await _crash_after_marking_sending(backend, smtp, server_accepts_first=True)
    assert len(smtp.messages()) == 1
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **smtp_overrides(smtp, send_lease_seconds=0.5)) as notify,
    ):
        await eventually(lambda: _status(notify, "sent"))
        await eventually(lambda: len(sent.messages) == 1)
    first, again = smtp.messages()
    # The repeat carries the same Message-ID, so a provider or mail system can drop it.
    assert first["Message-ID"] == again["Message-ID"]
    assert sent.envelopes()[0].data["provider_message_id"] == first["Message-ID"]
