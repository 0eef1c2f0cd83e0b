from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from debtflow_shared.settings import ServiceSettings


class SmtpSecurity(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


class NotifySettings(ServiceSettings):
    """notify-svc settings from ``NOTIFY_*`` (platform-wide ones from ``DEBTFLOW_*``)."""

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    http_port: int = 8003
    # Where debtors reach the unsubscribe page (links in every email point here).
    public_base_url: str = Field(default="http://127.0.0.1:8003", min_length=1, max_length=500)
    # Email: an SMTP server if a host is set, else one .eml file per message in the mailbox
    # folder (default: <data dir>/mailbox), so the embedded default sends nowhere.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65_535)
    smtp_security: SmtpSecurity = SmtpSecurity.STARTTLS
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    # A CA bundle to trust for the server's certificate (a private relay); else the system's.
    smtp_ca_file: Path | None = None
    mail_from: str = Field(default="accounts@debtflow.invalid", min_length=3, max_length=300)
    mailbox_dir: Path | None = None
    # The dispatcher: how often due notifications are looked for (and on every
    # controlled-clock move), how many one pass takes, and how long a message being sent
    # is its sender's before another replica takes it as interrupted.
    dispatch_seconds: float = Field(default=5.0, gt=0, le=3_600)
    dispatch_batch_size: int = Field(default=100, ge=1, le=10_000)
    send_lease_seconds: float = Field(default=120.0, gt=0, le=3_600)
    # Transient failures (SMTP 4xx, timeouts) are retried with exponential backoff and
    # jitter, from the first delay up to the largest, until the attempts run out.
    retry_first_seconds: float = Field(default=60.0, gt=0, le=86_400)
    retry_max_seconds: float = Field(default=21_600.0, gt=0, le=604_800)
    max_attempts: int = Field(default=8, ge=1, le=100)
    # How soon a notification waiting for something notify lacks (a creditor profile, an
    # address) is looked at again; a copy arriving wakes it at once.
    unresolved_recheck_minutes: int = Field(default=60, ge=1, le=10_080)
    unsubscribe_link_days: int = Field(default=365, ge=1, le=3_650)
    # SMS, webhooks and letters go to HTTP providers over one signed contract (see
    # adapters/http_provider.py); a channel without a URL is not configured (its
    # notifications fail as provider_unavailable), except letters, which are always
    # stored in the letters folder (default: <data dir>/letters) and also POSTed to a
    # print-and-mail provider when ``letter_provider_url`` is set. Each provider signs its
    # delivery receipts with its own secret.
    sms_provider_url: str | None = Field(default=None, max_length=500)
    sms_provider_secret: SecretStr = SecretStr("dev-sms-provider-secret")
    sms_sender_id: str = Field(default="debtflow", min_length=1, max_length=11)
    sms_rate_per_second: float = Field(default=10.0, gt=0, le=10_000)
    # An SMS template whose sample renders to more segments than this is refused at save;
    # per-tenant limits (JSON: {"tenant-a": 2}) override it.
    sms_max_segments: int = Field(default=3, ge=1, le=10)
    sms_segment_limits: dict[str, Annotated[int, Field(ge=1, le=10)]] = Field(default_factory=dict)
    webhook_url: str | None = Field(default=None, max_length=500)
    webhook_secret: SecretStr = SecretStr("dev-webhook-secret")
    webhook_rate_per_second: float = Field(default=20.0, gt=0, le=10_000)
    letters_dir: Path | None = None
    letter_provider_url: str | None = Field(default=None, max_length=500)
    letter_provider_secret: SecretStr = SecretStr("dev-letter-provider-secret")
    letter_rate_per_second: float = Field(default=5.0, gt=0, le=10_000)
    provider_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # A provider failing this many times in a row (5xx, timeouts) is not called for
    # ``breaker_cooldown_seconds``; then one trial call decides whether it is back.
    breaker_failure_threshold: int = Field(default=5, ge=1, le=1_000)
    breaker_cooldown_seconds: float = Field(default=30.0, gt=0, le=3_600)

    @property
    def mailbox(self) -> Path:
        return self.mailbox_dir or self.platform.data_dir / "mailbox"

    @property
    def letters(self) -> Path:
        return self.letters_dir or self.platform.data_dir / "letters"

    def sms_segment_limit(self, tenant_id: str) -> int:
        return self.sms_segment_limits.get(tenant_id, self.sms_max_segments)
