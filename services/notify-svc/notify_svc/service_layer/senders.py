"""The senders the settings configure, by channel.

Email: SMTP if a host is set, else the mailbox folder. SMS and webhooks: their HTTP
provider when its URL is set (else the channel is not configured). Letters: always stored
in the letters folder, and POSTed to a print-and-mail provider when its URL is set. Every
HTTP provider sits behind its own circuit breaker and rate limit.
"""

from __future__ import annotations

from collections.abc import Mapping

from debtflow_shared.catalog.notification import NotificationChannel
from notify_svc.adapters.http_provider import HttpProviderSender
from notify_svc.adapters.letter_sender import LetterSender
from notify_svc.adapters.mailbox_sender import MailboxSender
from notify_svc.adapters.smtp_sender import SmtpSender
from notify_svc.domain.channels import Sender
from notify_svc.service_layer.protected_sender import ProtectedSender
from notify_svc.settings import NotifySettings


def receipts_url(settings: NotifySettings, channel: NotificationChannel) -> str:
    return f"{settings.public_base_url.rstrip('/')}/v1/providers/{channel.value}/receipts"


def _http(
    settings: NotifySettings, channel: NotificationChannel, url: str, secret: str, sender: str
) -> HttpProviderSender:
    return HttpProviderSender(
        f"{channel.value}-http",
        url,
        secret,
        sender=sender,
        callback_url=receipts_url(settings, channel),
        timeout=settings.provider_timeout_seconds,
    )


def _protected(settings: NotifySettings, inner: Sender, per_second: float) -> ProtectedSender:
    return ProtectedSender(
        inner,
        per_second=per_second,
        failure_threshold=settings.breaker_failure_threshold,
        cooldown_seconds=settings.breaker_cooldown_seconds,
    )


def senders_from_settings(settings: NotifySettings) -> Mapping[NotificationChannel, Sender]:
    email: Sender = (
        SmtpSender(settings)
        if settings.smtp_host
        else MailboxSender(settings.mailbox, settings.mail_from)
    )
    senders: dict[NotificationChannel, Sender] = {NotificationChannel.EMAIL: email}
    if settings.sms_provider_url:
        sms = _http(
            settings,
            NotificationChannel.SMS,
            settings.sms_provider_url,
            settings.sms_provider_secret.get_secret_value(),
            settings.sms_sender_id,
        )
        senders[NotificationChannel.SMS] = _protected(settings, sms, settings.sms_rate_per_second)
    if settings.webhook_url:
        hook = _http(
            settings,
            NotificationChannel.WEBHOOK,
            settings.webhook_url,
            settings.webhook_secret.get_secret_value(),
            "",
        )
        senders[NotificationChannel.WEBHOOK] = _protected(
            settings, hook, settings.webhook_rate_per_second
        )
    printer = (
        _http(
            settings,
            NotificationChannel.LETTER,
            settings.letter_provider_url,
            settings.letter_provider_secret.get_secret_value(),
            "",
        )
        if settings.letter_provider_url
        else None
    )
    senders[NotificationChannel.LETTER] = _protected(
        settings, LetterSender(settings.letters, printer), settings.letter_rate_per_second
    )
    return senders


def provider_secret(settings: NotifySettings, channel: NotificationChannel) -> str | None:
    """The secret the channel's provider signs its receipts with; None: no such provider."""
    secrets = {
        NotificationChannel.SMS: settings.sms_provider_secret,
        NotificationChannel.WEBHOOK: settings.webhook_secret,
        NotificationChannel.LETTER: settings.letter_provider_secret,
    }
    secret = secrets.get(channel)
    return secret.get_secret_value() if secret is not None else None
