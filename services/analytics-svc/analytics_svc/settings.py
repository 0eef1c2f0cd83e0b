from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from debtflow_shared.settings import ServiceSettings


class AnalyticsSettings(ServiceSettings):
    """analytics-svc settings from ``ANALYTICS_*`` (platform-wide ones from ``DEBTFLOW_*``)."""

    model_config = SettingsConfigDict(env_prefix="ANALYTICS_", extra="ignore")

    http_port: int = 8004
    # How often the daily scoring run is looked for (it runs once per UTC business day, and
    # at once when a controlled clock moves).
    scoring_check_seconds: float = Field(default=900.0, gt=0, le=86_400)
    # The trained model takes over from the scorecard only with this many examples before
    # the held-out later period, and this many in it.
    scoring_min_training_examples: int = Field(default=500, ge=10, le=10_000_000)
    scoring_min_test_examples: int = Field(default=100, ge=10, le=10_000_000)
