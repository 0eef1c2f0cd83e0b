"""notify-svc's composition root."""

from __future__ import annotations

from pathlib import Path

from debtflow_shared.service import ServiceDefinition
from notify_svc.adapters.tables import metadata, platform

DEFINITION = ServiceDefinition(
    name="notify-svc",
    short_name="notify",
    description="Templates and channels (email, SMS, webhook, PDF letters); every message "
    "sent once, at a lawful hour.",
    metadata=metadata,
    tables=platform,
    migrations=Path(__file__).parent / "migrations",
)
