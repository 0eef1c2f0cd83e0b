from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from debtflow_shared.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    """notify-svc settings from ``NOTIFY_*`` (platform-wide ones from ``DEBTFLOW_*``)."""

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    http_port: int = 8003
