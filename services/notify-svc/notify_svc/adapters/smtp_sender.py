"""Email over SMTP (aiosmtplib): STARTTLS or implicit TLS, optional login.

A 4xx reply, a timeout, a connection failure or a refused login is transient; a 5xx reply
is permanent, and when it refuses the recipient (RCPT) the address is suppressed. The
Message-ID was fixed before the call, so a provider that saw the message already can drop
the repeat.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import aiosmtplib

from notify_svc.adapters.email_message import email_message
from notify_svc.domain.channels import Outcome, OutgoingMessage, SendResult
from notify_svc.settings import NotifySettings, SmtpSecurity


class SmtpSender:
    provider = "smtp"

    def __init__(self, settings: NotifySettings) -> None:
        assert settings.smtp_host is not None
        self._settings = settings

    async def send(self, message: OutgoingMessage) -> SendResult:
        s = self._settings
        mail = email_message(message, s.mail_from, datetime.now(UTC))
        try:
            await aiosmtplib.send(
                mail,
                hostname=s.smtp_host,
                port=s.smtp_port,
                use_tls=s.smtp_security is SmtpSecurity.TLS,
                start_tls=s.smtp_security is SmtpSecurity.STARTTLS,
                username=s.smtp_username,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                timeout=s.smtp_timeout_seconds,
                cert_bundle=str(s.smtp_ca_file) if s.smtp_ca_file else None,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [r.code for r in error.recipients]
            detail = "; ".join(f"{r.code} {r.message}" for r in error.recipients)
            code = min(codes) if codes else 550
            result = self._refused(code, f"recipient refused: {detail}")
            return replace(result, recipient_refused=result.outcome is Outcome.PERMANENT)
        except aiosmtplib.SMTPAuthenticationError as error:
            # Our credentials, not the message: retried (and alerting) until an operator
            # fixes NOTIFY_SMTP_USERNAME / NOTIFY_SMTP_PASSWORD; nothing is suppressed.
            detail = f"SMTP {error.code} login refused: {error.message}"
            return SendResult(Outcome.TRANSIENT, detail, self.provider)
        except aiosmtplib.SMTPResponseException as error:
            return self._refused(error.code, f"{error.code} {error.message}")
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            return SendResult(Outcome.TRANSIENT, f"{type(error).__name__}: {error}", self.provider)
        return SendResult(Outcome.ACCEPTED, "accepted", self.provider, message.message_id)

    def _refused(self, code: int, detail: str) -> SendResult:
        outcome = Outcome.PERMANENT if 500 <= code < 600 else Outcome.TRANSIENT
        return SendResult(outcome, f"SMTP {detail}", self.provider)
