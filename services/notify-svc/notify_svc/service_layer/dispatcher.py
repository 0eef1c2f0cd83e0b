"""Sending due notifications: check, mark ``sending``, call the provider, record the outcome.

One notification at a time, in three steps, each recorded before the next begins:

1. **Prepare** (one transaction, the notification's row locked): re-check from notify's own
   copies that something is still owed, the address is not suppressed, nothing restricts
   contact, and the debtor's local time is lawful under the request's rules; then render
   (the amounts shown are those of this moment), fix the Message-ID
   (``<notification id@domain>``, the same on every attempt), open an attempt and commit
   ``sending`` with a lease. Otherwise it defers or drops the notification, saying why.
2. **Send** (no transaction open): hand the message to the channel's provider.
3. **Record** (one transaction): ``sent`` with ``notification.sent``, or a retry scheduled
   with exponential backoff and jitter (transient), or ``failed`` with
   ``notification.failed`` (permanent, or retries exhausted; a refused recipient is
   suppressed).

**The crash window.** A crash before step 2 reaches the server's final reply loses
nothing and sends nothing: the server discards an unfinished SMTP transaction, the lease
runs out, and the notification is prepared again (re-checked, re-rendered) and sent once.
A crash *after* the server accepted the message (its 250 reply to the end of DATA) and
before step 3 commits is the one window where a message can go twice: notify cannot know
it was accepted, so when the lease runs out it sends again, with the same Message-ID, which
lets a provider or the recipient's mail system drop the repeat. The window lasts from that
reply to the commit of step 3: one local transaction. A cancel or payment that arrives
meanwhile stops the resend (the re-check sees it).

Replica-safe: each step locks the notification's row and checks its state and attempt
number, so two dispatchers never both send one notification outside that window.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from debtflow_shared.catalog.money import Money
from debtflow_shared.catalog.notification import (
    FailureKind,
    FailureReason,
    NotificationChannel,
    NotificationFailed,
    NotificationSent,
    ShownInvoice,
)
from debtflow_shared.logging import get_logger
from debtflow_shared.periodic import run_periodically
from debtflow_shared.service import ServiceRuntime
from debtflow_shared.signed_links import sign_params
from notify_svc.adapters.default_templates import default_for
from notify_svc.adapters.letter_pdf import Letter, letter_pdf, recipient_lines
from notify_svc.adapters.statement_pdf import statement_pdf
from notify_svc.adapters.template_engine import render, render_field
from notify_svc.domain.channels import Attachment, Outcome, OutgoingMessage, Sender, SendResult
from notify_svc.domain.contact_window import debtor_zone
from notify_svc.domain.message_context import MessageFacts, message_context
from notify_svc.domain.notification import (
    WAITING,
    AttemptOutcome,
    Notification,
    Rendered,
    ShownLine,
    Status,
)
from notify_svc.domain.send_check import (
    Decision,
    Drop,
    Facts,
    SendNow,
    Wait,
    channel_addresses,
    decide,
)
from notify_svc.domain.suppression import Suppression, SuppressionReason, normalised_address
from notify_svc.domain.templates import Template, TemplateRefused
from notify_svc.service_layer.protected_sender import ProtectedSender
from notify_svc.service_layer.senders import senders_from_settings
from notify_svc.service_layer.templates import (
    TemplateName,
    check_sms_size,
    formatting_for,
    sms_text,
    template_for,
)
from notify_svc.service_layer.work import Work
from notify_svc.settings import NotifySettings

log = get_logger(__name__)

Senders = Mapping[NotificationChannel, Sender]


@dataclass(frozen=True)
class Prepared:
    tenant_id: str
    notification_id: str
    attempt: int
    channel: NotificationChannel
    message: OutgoingMessage


def _settings(runtime: ServiceRuntime) -> NotifySettings:
    settings = runtime.settings
    assert isinstance(settings, NotifySettings)
    return settings


async def run_dispatcher(runtime: ServiceRuntime) -> None:
    """Send what is due every ``dispatch_seconds`` and whenever the controlled clock moves."""
    settings = _settings(runtime)
    senders = senders_from_settings(settings)
    await run_periodically(
        lambda: dispatch_once(runtime, senders),
        name="notification dispatcher",
        interval=settings.dispatch_seconds,
        clock=runtime.clock,
    )


async def dispatch_once(runtime: ServiceRuntime, senders: Senders) -> int:
    """One pass over the due notifications; how many were handed to a provider."""
    settings = _settings(runtime)
    uow: Work = runtime.uow()
    async with uow:
        due = await uow.repos.notifications.due(
            uow.clock.now(),
            datetime.now(UTC),
            settings.dispatch_batch_size,
            skip_channels=[c.value for c, s in senders.items() if not _available(s)],
        )
    sent = 0
    for item in due:
        sender = senders.get(NotificationChannel(item.channel))
        if sender is not None and not _available(sender):
            continue  # its breaker opened during this pass: it stays due, untouched
        prepared = await prepare(runtime, item.tenant_id, item.notification_id, senders)
        if prepared is None:
            continue
        result = await senders[prepared.channel].send(prepared.message)
        await record(runtime, prepared, result)
        sent += 1
    return sent


async def prepare(
    runtime: ServiceRuntime, tenant_id: str, notification_id: str, senders: Senders
) -> Prepared | None:
    """Step 1: the re-check and ``sending``, in one transaction; None if nothing to send."""
    settings = _settings(runtime)
    uow: Work = runtime.uow()
    async with uow:
        repository = uow.repos.notifications
        notification = await repository.lock(tenant_id, notification_id)
        now, machine_now = uow.clock.now(), datetime.now(UTC)
        if notification is None or not _due(notification, now, machine_now):
            return None
        # An interrupted send is checked again from the start, whatever the check decides.
        notification.close_interrupted(now)
        cancelled = await repository.early_cancel(tenant_id, notification.dedup_key)
        if cancelled is not None:
            notification.cancel(f"cancelled by escalation ({cancelled})", now)
            await _finish(uow, notification)
            return None
        facts = await _facts(uow, notification)
        recheck = timedelta(minutes=settings.unresolved_recheck_minutes)
        decision: Decision = decide(notification, facts, now, recheck)
        if isinstance(decision, Wait):
            notification.defer(
                decision.until,
                decision.reason,
                now,
                waiting_for=decision.reason_code.value if decision.reason_code else None,
            )
            notification.lease_until = None
            await _finish(uow, notification)
            return None
        if isinstance(decision, Drop):
            _drop(uow, notification, decision.reason_code, decision.reason, now)
            await _finish(uow, notification)
            return None
        if notification.channel not in senders:
            _drop(
                uow,
                notification,
                FailureReason.PROVIDER_UNAVAILABLE,
                f"no {notification.channel.value} channel is configured",
                now,
                kind=FailureKind.PERMANENT,
            )
            await _finish(uow, notification)
            return None
        try:
            message = await _compose(uow, settings, notification, decision, now)
        except TemplateRefused as error:
            _drop(uow, notification, FailureReason.RENDER_FAILED, str(error), now)
            await _finish(uow, notification)
            return None
        attempt = notification.start_sending(message[1], message[0].message_id, now)
        notification.lease_until = machine_now + timedelta(seconds=settings.send_lease_seconds)
        await _finish(uow, notification)
    return Prepared(tenant_id, notification_id, attempt.number, notification.channel, message[0])


def _available(sender: Sender) -> bool:
    return not isinstance(sender, ProtectedSender) or sender.available()


def _due(notification: Notification, now: datetime, machine_now: datetime) -> bool:
    if notification.status in WAITING:
        return notification.next_attempt_at is not None and notification.next_attempt_at <= now
    if notification.status is Status.SENDING:  # interrupted: its sender's lease ran out
        return notification.lease_until is None or notification.lease_until < machine_now
    return False


async def _finish(uow: Work, notification: Notification) -> None:
    await uow.repos.notifications.save(notification)
    await uow.commit()


async def _facts(uow: Work, notification: Notification) -> Facts:
    tenant_id, debtor_id = notification.tenant_id, notification.debtor_id
    copies = uow.repos.copies
    debtor = await copies.debtor(tenant_id, debtor_id)
    addresses = channel_addresses(notification.channel.value, debtor) if debtor else []
    return Facts(
        debtor=debtor,
        creditor=await copies.creditor(tenant_id),
        invoices=await copies.invoices(
            tenant_id, [*notification.invoice_ids, *notification.also_outstanding_ids]
        ),
        suppressed=await uow.repos.suppressions.suppressed(
            tenant_id, notification.channel.value, addresses
        ),
        restrictions=await uow.repos.restrictions.for_debtor(tenant_id, debtor_id),
        # The minimum gap is between steps: a step sent on two channels (an email and a
        # letter) goes on both at once.
        last_sent_at=await uow.repos.notifications.last_sent_at(
            tenant_id, debtor_id, other_than=(notification.case_id, notification.step)
        ),
    )


def unsubscribe_url(
    settings: NotifySettings, notification: Notification, address: str, now: datetime
) -> str:
    params = sign_params(
        {
            "tenant": notification.tenant_id,
            "notification": notification.id,
            "channel": notification.channel.value,
            "address": address,
        },
        settings.platform.link_signing_secret,
        now + timedelta(days=settings.unsubscribe_link_days),
    )
    return f"{settings.public_base_url.rstrip('/')}/v1/unsubscribe?{urlencode(params)}"


def message_id(settings: NotifySettings, notification: Notification) -> str:
    domain = settings.mail_from.rpartition("@")[2] or "debtflow.invalid"
    return f"<{notification.id}@{domain}>"


async def _compose(
    uow: Work,
    settings: NotifySettings,
    notification: Notification,
    decision: SendNow,
    now: datetime,
) -> tuple[OutgoingMessage, Rendered]:
    tenant_id = notification.tenant_id
    copies = uow.repos.copies
    debtor = await copies.debtor(tenant_id, notification.debtor_id)
    creditor = await copies.creditor(tenant_id)
    assert debtor is not None
    assert creditor is not None
    name = TemplateName(notification.template_key, notification.locale, notification.tone)
    template = await template_for(uow, tenant_id, name, notification.variant)
    invoices = decision.invoices
    charges = await copies.charges(tenant_id, [i.invoice_id for i in invoices])
    link = unsubscribe_url(settings, notification, decision.address, now)
    facts = MessageFacts(
        debtor=debtor,
        creditor=creditor,
        invoices=invoices,
        charges=charges,
        today=now.astimezone(debtor_zone(debtor.time_zone)).date(),
        step=notification.step,
        tone=notification.tone.value,
        unsubscribe_url=link,
        statement_attached=template.source.attach_statement,
        also_outstanding=decision.also_outstanding,
        history=await uow.repos.history.history(tenant_id, notification.debtor_id),
    )
    formatting = formatting_for(notification.locale, debtor.country)
    context = message_context(facts, formatting)
    channel = notification.channel
    subject = " ".join(
        render_field("subject", template.source.subject, context, formatting).split()
    )
    html = ""
    attachments: tuple[Attachment, ...] = ()
    postal: tuple[str, ...] = ()
    if channel is NotificationChannel.SMS:
        text = sms_text(render_field("sms", _body(template, "sms"), context, formatting))
        check_sms_size(text, settings.sms_segment_limit(tenant_id))
    elif channel is NotificationChannel.LETTER:
        text = render_field("letter", _body(template, "letter"), context, formatting)
        letter = Letter(subject, text, formatting.locale.language)
        postal = tuple(recipient_lines(facts, formatting))
        attachments = (
            Attachment("letter.pdf", "application/pdf", letter_pdf(facts, letter, formatting)),
        )
    else:
        content = render(template.source, context, formatting)
        subject, html, text = content.subject, content.html, content.text
        if template.source.attach_statement:
            attachments = (
                Attachment("statement.pdf", "application/pdf", statement_pdf(facts, formatting)),
            )
    rendered = Rendered(
        address=decision.address,
        subject=subject,
        html=html,
        text=text,
        template_key=template.key,
        template_version=template.version,
        shown=tuple(
            ShownLine(
                i.invoice_id, i.number, i.due_date.isoformat(), i.open_balance_minor, i.currency
            )
            for i in invoices
        ),
        attach_statement=template.source.attach_statement,
    )
    outgoing = OutgoingMessage(
        message_id=message_id(settings, notification),
        to=decision.address,
        subject=subject,
        html=html,
        text=text,
        sender_name=creditor.legal_name,
        reply_to=creditor.dispute_email,
        unsubscribe_url=link,
        attachments=attachments,
        channel=channel.value,
        tenant_id=tenant_id,
        debtor_id=notification.debtor_id,
        postal_lines=postal,
    )
    return outgoing, rendered


def _body(template: Template, field: str) -> str:
    """The template's SMS or letter body, else the shipped default's for its key and
    language (a tenant may write only the email)."""
    own: str | None = getattr(template.source, field)
    if own is not None:
        return own
    shipped: str | None = getattr(
        default_for(template.key, template.tone, template.locale).source, field
    )
    assert shipped is not None, f"every shipped template has a {field} body"
    return shipped


def _drop(
    uow: Work,
    notification: Notification,
    code: FailureReason,
    reason: str,
    now: datetime,
    *,
    kind: FailureKind = FailureKind.PERMANENT,
    cancelled: bool = True,
) -> None:
    """End the notification unsent, and tell escalation (``notification.failed``)."""
    if cancelled:
        notification.cancel(reason, now)
    else:
        notification.fail(reason, now)
    notification.lease_until = None
    address = notification.rendered.address if notification.rendered else None
    uow.emit(
        NotificationFailed(
            dedup_key=notification.dedup_key,
            case_id=notification.case_id,
            debtor_id=notification.debtor_id,
            channel=notification.channel,
            failure=kind,
            reason_code=code,
            reason=reason[:1000],
            address=address,
            attempts=notification.provider_attempts,
            failed_at=now,
        ),
        tenant_id=notification.tenant_id,
        debtor_id=notification.debtor_id,
    )


def backoff(settings: NotifySettings, attempts: int) -> timedelta:
    """Exponential from ``retry_first_seconds``, capped, with "equal jitter" (half fixed,
    half random) so retries after a provider outage do not all land at once."""
    delay = min(settings.retry_max_seconds, settings.retry_first_seconds * 2 ** (attempts - 1))
    return timedelta(seconds=delay / 2 + random.uniform(0, delay / 2))


async def record(runtime: ServiceRuntime, prepared: Prepared, result: SendResult) -> None:
    """Step 3: the provider's answer, in one transaction."""
    settings = _settings(runtime)
    uow: Work = runtime.uow()
    async with uow:
        notification = await uow.repos.notifications.lock(
            prepared.tenant_id, prepared.notification_id
        )
        if (
            notification is None
            or notification.status is not Status.SENDING
            or notification.provider_attempts != prepared.attempt
        ):
            # Another dispatcher took it over after this one's lease ran out.
            log.warning("send outcome arrived after the lease ran out", result=result.detail)
            return
        now = uow.clock.now()
        notification.lease_until = None
        if result.outcome is Outcome.ACCEPTED:
            _sent(uow, notification, result, now)
        elif result.outcome is Outcome.TRANSIENT:
            notification.attempt_failed(AttemptOutcome.TRANSIENT, result.detail, now)
            if notification.provider_attempts >= settings.max_attempts:
                _drop(
                    uow,
                    notification,
                    FailureReason.PROVIDER_UNAVAILABLE,
                    f"{result.detail} (on each of {notification.provider_attempts} attempts)",
                    now,
                    kind=FailureKind.TRANSIENT_EXHAUSTED,
                    cancelled=False,
                )
            else:
                retry_at = now + backoff(settings, notification.provider_attempts)
                notification.defer(retry_at, f"retry after: {result.detail}", now)
        else:
            notification.attempt_failed(AttemptOutcome.PERMANENT, result.detail, now)
            address = prepared.message.to
            if result.recipient_refused:
                await uow.repos.suppressions.add(
                    Suppression(
                        tenant_id=notification.tenant_id,
                        channel=notification.channel.value,
                        address=normalised_address(notification.channel.value, address),
                        reason=SuppressionReason.PROVIDER_REJECTED,
                        detail=result.detail[:1000],
                        debtor_id=notification.debtor_id,
                        suppressed_at=now,
                    )
                )
            _drop(
                uow,
                notification,
                FailureReason.PROVIDER_REJECTED,
                result.detail,
                now,
                cancelled=False,
            )
        await _finish(uow, notification)


def _sent(uow: Work, notification: Notification, result: SendResult, now: datetime) -> None:
    rendered = notification.rendered
    assert rendered is not None
    provider_id = result.provider_message_id or notification.message_id or notification.id
    notification.mark_sent(provider_id, now)
    uow.emit(
        NotificationSent(
            dedup_key=notification.dedup_key,
            case_id=notification.case_id,
            debtor_id=notification.debtor_id,
            channel=notification.channel,
            address=rendered.address,
            subject=rendered.subject[:300],
            template_key=rendered.template_key,
            template_version=rendered.template_version,
            variant=notification.variant,
            locale=notification.locale,
            invoices=tuple(
                ShownInvoice(
                    invoice_id=line.invoice_id,
                    number=line.number,
                    due_date=line.due_date,
                    amount_shown=Money(amount_minor=line.amount_minor, currency=line.currency),
                )
                for line in rendered.shown
            ),
            provider=result.provider,
            provider_message_id=provider_id,
            sent_at=now,
        ),
        tenant_id=notification.tenant_id,
        debtor_id=notification.debtor_id,
    )
