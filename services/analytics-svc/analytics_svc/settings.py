from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from debtflow_shared.settings import ServiceSettings


class AnalyticsSettings(ServiceSettings):
    """analytics-svc settings from ``ANALYTICS_*`` (platform-wide ones from ``DEBTFLOW_*``)."""

    model_config = SettingsConfigDict(env_prefix="ANALYTICS_", extra="ignore")

    http_port: int = 8004
