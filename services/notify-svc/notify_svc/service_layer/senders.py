"""The senders the settings configure, by channel (email only today)."""

from __future__ import annotations

from collections.abc import Mapping

from debtflow_shared.catalog.notification import NotificationChannel
from notify_svc.adapters.mailbox_sender import MailboxSender
from notify_svc.adapters.smtp_sender import SmtpSender
from notify_svc.domain.channels import Sender
from notify_svc.settings import NotifySettings


def senders_from_settings(settings: NotifySettings) -> Mapping[NotificationChannel, Sender]:
    email: Sender = (
        SmtpSender(settings)
        if settings.smtp_host
        else MailboxSender(settings.mailbox, settings.mail_from)
    )
    return {NotificationChannel.EMAIL: email}
