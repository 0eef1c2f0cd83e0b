from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from debtflow_shared.settings import ServiceSettings


class EscalationSettings(ServiceSettings):
    """escalation-svc settings from ``ESCALATION_*`` (platform-wide ones from ``DEBTFLOW_*``)."""

    model_config = SettingsConfigDict(env_prefix="ESCALATION_", extra="ignore")

    http_port: int = 8002
    # How often due timers are looked for (and on every controlled-clock move), and how many
    # debtors one scheduler transaction runs.
    timer_poll_seconds: float = Field(default=5.0, gt=0, le=3600)
    timer_batch_size: int = Field(default=100, ge=1, le=10_000)
