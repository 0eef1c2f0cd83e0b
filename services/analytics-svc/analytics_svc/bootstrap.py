"""analytics-svc's composition root."""

from __future__ import annotations

from pathlib import Path

from analytics_svc.adapters.tables import metadata, platform
from debtflow_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="analytics-svc",
    short_name="analytics",
    description="Aging, DSO and CEI, collection effectiveness, risk scoring, worklists and "
    "forecasts.",
    metadata=metadata,
    tables=platform,
    migrations=Path(__file__).parent / "migrations",
)
