from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from debtflow_shared.settings import ServiceSettings


class EscalationSettings(ServiceSettings):
    """escalation-svc settings from ``ESCALATION_*`` (platform-wide ones from ``DEBTFLOW_*``)."""

    model_config = SettingsConfigDict(env_prefix="ESCALATION_", extra="ignore")

    http_port: int = 8002
